import { GraphError, type GraphRequest } from "../graph/index.js";
import type {
  DirectoryObjectRef,
  Group,
  UnifiedRoleAssignment,
  UnifiedRoleDefinition,
} from "../graph/types.js";
import { type CollectContext, graphProvenance, type PartOutcome } from "./context.js";
import { GROUP_FIELDS, REF_FIELDS } from "./fields.js";
import { listAll } from "./list.js";
import { runPart } from "./outcome.js";
import { permissionGate } from "./preflight.js";

/** Role definitions and assignments (who is privileged), replacing the previous inventory. */
export async function collectRoles(ctx: CollectContext): Promise<PartOutcome> {
  const denied = permissionGate(ctx.granted, "roles", "roles");
  if (denied) return denied;
  ctx.progress.begin("roles");
  const outcome = await runPart("roles", "roles", async (count) => {
    const definitionsPath = "/roleManagement/directory/roleDefinitions";
    const assignmentsPath = "/roleManagement/directory/roleAssignments";
    const definitions = await listAll<UnifiedRoleDefinition>(ctx.client, {
      path: definitionsPath,
      query: { $select: "id,displayName,templateId,isBuiltIn" },
    });
    const assignments = await listAll<UnifiedRoleAssignment>(ctx.client, {
      path: assignmentsPath,
      query: { $select: "id,principalId,roleDefinitionId,directoryScopeId" },
    });
    ctx.store.transaction(() => {
      ctx.store.replaceInventory("roleDefinitions", undefined, definitions, graphProvenance(definitionsPath));
      ctx.store.replaceInventory("roleAssignments", undefined, assignments, graphProvenance(assignmentsPath));
    });
    ctx.progress.advance("roles", definitions.length + assignments.length);
    count(definitions.length + assignments.length);
    return undefined;
  });
  ctx.progress.end("roles", outcome.status === "collected" ? `${outcome.records} records` : outcome.status);
  return outcome;
}

/**
 * Groups, and the members of the groups that matter: principals of role assignments (roles held
 * through a group) and groups that Conditional Access policies include or exclude. Runs after
 * roles and policies so it can read which groups those reference.
 */
export async function collectGroups(ctx: CollectContext): Promise<PartOutcome> {
  const denied = permissionGate(ctx.granted, "roles", "groups");
  if (denied) return denied;
  ctx.progress.begin("groups");
  const outcome = await runPart("roles", "groups", async (count) => {
    const groups = await listAll<Group>(ctx.client, {
      path: "/groups",
      query: { $select: GROUP_FIELDS.join(","), $top: "999" },
    });
    const groupIds = new Set(groups.map((group) => group.id));
    const wanted = [...referencedGroupIds(ctx)].filter((id) => groupIds.has(id)).sort();
    const requests: GraphRequest[] = wanted.map((id) => ({
      method: "GET",
      path: `/groups/${encodeURIComponent(id)}/members`,
      query: { $select: REF_FIELDS.join(","), $top: "999" },
    }));
    const results = await ctx.client.batch<{ value: DirectoryObjectRef[]; "@odata.nextLink"?: string }>(
      requests,
    );
    const members = new Map<string, DirectoryObjectRef[]>();
    for (const [index, result] of results.entries()) {
      if (result instanceof GraphError) throw result;
      const all = [...(result.body.value ?? [])];
      const nextLink = result.body["@odata.nextLink"];
      if (nextLink) {
        for await (const page of ctx.client.pageStream<DirectoryObjectRef>({ nextLink }))
          all.push(...page.items);
      }
      members.set(wanted[index]!, all);
    }
    ctx.store.transaction(() => {
      ctx.store.replaceInventory("groups", undefined, groups, graphProvenance("/groups"));
      for (const [id, refs] of members) {
        ctx.store.replaceInventory("groupMembers", id, refs, graphProvenance("/groups/{id}/members"));
      }
    });
    ctx.progress.advance("groups", groups.length);
    count(groups.length + [...members.values()].reduce((sum, refs) => sum + refs.length, 0));
    return `${groups.length} groups, members of ${members.size} referenced by roles or Conditional Access`;
  });
  ctx.progress.end("groups", outcome.status);
  return outcome;
}

function referencedGroupIds(ctx: CollectContext): Set<string> {
  const ids = new Set<string>();
  for (const { record } of ctx.store.iterate("roleAssignments")) ids.add(record.principalId);
  for (const { record } of ctx.store.iterate("conditionalAccessPolicies")) {
    const users = record.conditions?.users;
    for (const id of [...(users?.includeGroups ?? []), ...(users?.excludeGroups ?? [])]) ids.add(id);
  }
  return ids;
}
