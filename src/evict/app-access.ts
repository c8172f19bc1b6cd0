import type { GraphClient } from "../graph/client.js";
import { eq, odataString } from "../graph/odata.js";
import type { UnifiedRoleAssignment } from "../graph/types.js";

/**
 * What the responder app may do: its application permissions (token `roles`) and the directory
 * roles held by its service principal. Reading the roles needs the service principal's object id
 * (the app-only token's `oid`; otherwise looked up by the alternate key `appId`) and role-assignment
 * read access; when a read is refused the roles are reported as unknown and Graph's own 403
 * answers decide at apply time.
 */
export interface AppAccess {
  permissions: string[];
  /** Role template ids; undefined when they could not be read. */
  directoryRoles?: string[];
  note?: string;
}

export async function readAppAccess(
  graph: GraphClient,
  app: { appId?: string; servicePrincipalId?: string },
): Promise<AppAccess> {
  const permissions = await graph.grantedRoles();
  if (!app.appId && !app.servicePrincipalId) {
    return { permissions, note: "app id unknown: directory roles not checked" };
  }
  try {
    const principalId =
      app.servicePrincipalId ??
      (
        await graph.request<{ id: string }>({
          method: "GET",
          path: `/servicePrincipals(appId=${encodeURIComponent(odataString(app.appId!))})`,
          query: { $select: "id" },
        })
      ).body.id;
    const roles: string[] = [];
    for await (const page of graph.pages<UnifiedRoleAssignment>({
      method: "GET",
      path: "/roleManagement/directory/roleAssignments",
      query: { $filter: eq("principalId", principalId) },
    })) {
      for (const assignment of page) roles.push(assignment.roleDefinitionId);
    }
    return { permissions, directoryRoles: [...new Set(roles)].sort() };
  } catch (error) {
    return {
      permissions,
      note: `directory roles of the app not readable (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}
