import type { UnifiedRoleAssignment, UnifiedRoleDefinition } from "../../graph/types.js";
import { GraphHttpError, notFound } from "../http/errors.js";
import type { RouteSpec } from "../http/router.js";
import type { RouteContext } from "../http/types.js";
import { itemResponse, type ListSpec, listResponse } from "../odata/query.js";
import type { TenantGroup } from "../tenant/schema.js";
import { derivedId } from "./common.js";
import { directoryRoleObject, groupObject, userObject } from "./users.js";

/** Groups, activated directory roles, and `roleManagement/directory` assignments and definitions. */

const groupSpec: ListSpec<TenantGroup> = {
  entityName: "Group",
  contextPath: "groups",
  directory: true,
  defaultTop: 100,
  maxTop: 999,
  project: (g) => {
    const { "@odata.type": _type, ...rest } = groupObject(g as never);
    return rest;
  },
  filter: {
    id: ["eq", "in"],
    displayName: ["eq", "ne", "in", "startswith"],
    securityEnabled: ["eq", "ne"],
    mailEnabled: ["eq", "ne"],
    isAssignableToRole: ["eq", "ne"],
    "groupTypes/any": ["eq"],
  },
  orderBy: ["displayName"],
};

const memberSpec: ListSpec<Record<string, unknown>> = {
  entityName: "DirectoryObject",
  contextPath: "directoryObjects",
  directory: true,
  defaultTop: 100,
  maxTop: 999,
  filter: { id: ["eq", "in"] },
};

/** A directory object by id: user, group or an app's service principal. */
function directoryObject(ctx: RouteContext, id: string): Record<string, unknown> | undefined {
  const user = ctx.state.users.get(id);
  if (user) {
    const { businessPhones: _phones, ...shape } = userObject(user);
    return { "@odata.type": "#microsoft.graph.user", ...shape };
  }
  const group = ctx.state.groups.get(id);
  if (group) return groupObject(group as never);
  const app = ctx.state.apps.find((a) => a.servicePrincipalId === id);
  if (app) {
    return {
      "@odata.type": "#microsoft.graph.servicePrincipal",
      id,
      appId: app.appId,
      displayName: app.displayName,
    };
  }
  return undefined;
}

function requireGroup(ctx: RouteContext): TenantGroup {
  const group = ctx.state.groups.get(ctx.params.groupId ?? "");
  if (!group) throw notFound(ctx.params.groupId ?? "");
  return group;
}

function transitiveMembers(ctx: RouteContext, group: TenantGroup): string[] {
  const seen = new Set<string>();
  const queue = [...group.members];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const nested = ctx.state.groups.get(id);
    if (nested) queue.push(...nested.members);
  }
  return [...seen];
}

/** Role assignments in the tenant plus the directory roles held by the apps' service principals. */
function allAssignments(ctx: RouteContext): UnifiedRoleAssignment[] {
  const appAssignments = ctx.state.apps.flatMap((app) =>
    app.directoryRoles.map((role) => ({
      id: derivedId(`${app.servicePrincipalId}/${role}`),
      principalId: app.servicePrincipalId,
      roleDefinitionId: role,
      directoryScopeId: "/",
    })),
  );
  return [...ctx.state.roleAssignments.map((a) => ({ directoryScopeId: "/", ...a })), ...appAssignments];
}

function activatedRoles(ctx: RouteContext): Record<string, unknown>[] {
  const templates = [...new Set(allAssignments(ctx).map((a) => a.roleDefinitionId))];
  return templates.map((t) => {
    const { "@odata.type": _type, ...role } = directoryRoleObject(ctx, t);
    return role;
  });
}

function requireRole(ctx: RouteContext): Record<string, unknown> {
  const key = ctx.params.roleId ?? "";
  const role = activatedRoles(ctx).find((r) => r.id === key || r.roleTemplateId === key);
  if (!role) throw notFound(key);
  return role;
}

const roleSpec: ListSpec<Record<string, unknown>> = {
  entityName: "DirectoryRole",
  contextPath: "directoryRoles",
  directory: true,
  defaultTop: 1000,
  maxTop: 1000,
  filter: { id: ["eq"], roleTemplateId: ["eq"], displayName: ["eq"] },
};

const assignmentSpec = (ctx: RouteContext): ListSpec<UnifiedRoleAssignment> => ({
  entityName: "UnifiedRoleAssignment",
  contextPath: "roleManagement/directory/roleAssignments",
  directory: true,
  defaultTop: 1000,
  maxTop: 1000,
  filter: { id: ["eq"], principalId: ["eq", "in"], roleDefinitionId: ["eq", "in"], directoryScopeId: ["eq"] },
  expand: {
    principal: (a) => directoryObject(ctx, a.principalId) ?? null,
    roleDefinition: (a) => ctx.state.roleDefinitions.find((d) => d.id === a.roleDefinitionId) ?? null,
  },
});

const definitionSpec: ListSpec<UnifiedRoleDefinition> = {
  entityName: "UnifiedRoleDefinition",
  // isPrivileged is a beta property.
  project: ({ isPrivileged: _beta, ...v1 }) => v1 as Record<string, unknown>,
  contextPath: "roleManagement/directory/roleDefinitions",
  directory: true,
  defaultTop: 1000,
  maxTop: 1000,
  filter: { id: ["eq"], templateId: ["eq"], displayName: ["eq", "startswith"], isBuiltIn: ["eq"] },
};

export const directoryRoutes: RouteSpec[] = [
  {
    method: "GET",
    pattern: "/groups",
    throttle: "directory",
    alsoBeta: true,
    responseType: "group",
    collection: true,
    handler: (ctx) => listResponse(ctx, [...ctx.state.groups.values()], groupSpec),
  },
  {
    method: "GET",
    pattern: "/groups/{groupId}",
    throttle: "directory",
    alsoBeta: true,
    responseType: "group",
    handler: (ctx) => itemResponse(ctx, requireGroup(ctx), groupSpec),
  },
  {
    method: "GET",
    pattern: "/groups/{groupId}/members",
    throttle: "directory",
    cost: 3,
    alsoBeta: true,
    responseType: "directoryObject",
    collection: true,
    handler: (ctx) => {
      const members = requireGroup(ctx)
        .members.map((id) => directoryObject(ctx, id))
        .filter((m) => m !== undefined);
      return listResponse(ctx, members, memberSpec);
    },
  },
  {
    method: "GET",
    pattern: "/groups/{groupId}/transitiveMembers",
    throttle: "directory",
    cost: 5,
    alsoBeta: true,
    responseType: "directoryObject",
    collection: true,
    handler: (ctx) => {
      const ids = transitiveMembers(ctx, requireGroup(ctx));
      return listResponse(
        ctx,
        ids.map((id) => directoryObject(ctx, id)).filter((m) => m !== undefined),
        memberSpec,
      );
    },
  },
  {
    method: "GET",
    pattern: "/directoryRoles",
    throttle: "directory",
    alsoBeta: true,
    responseType: "directoryRole",
    collection: true,
    handler: (ctx) => listResponse(ctx, activatedRoles(ctx), roleSpec),
  },
  {
    method: "GET",
    pattern: "/directoryRoles/{roleId}",
    throttle: "directory",
    alsoBeta: true,
    responseType: "directoryRole",
    handler: (ctx) => itemResponse(ctx, requireRole(ctx), roleSpec),
  },
  {
    method: "GET",
    pattern: "/directoryRoles/{roleId}/members",
    throttle: "directory",
    alsoBeta: true,
    responseType: "directoryObject",
    collection: true,
    handler: (ctx) => {
      const template = requireRole(ctx).roleTemplateId;
      const members = allAssignments(ctx)
        .filter((a) => a.roleDefinitionId === template)
        .map((a) => directoryObject(ctx, a.principalId))
        .filter((m) => m !== undefined);
      return listResponse(ctx, members, memberSpec);
    },
  },
  {
    method: "GET",
    pattern: "/roleManagement/directory/roleAssignments",
    throttle: "directory",
    alsoBeta: true,
    responseType: "unifiedRoleAssignment",
    collection: true,
    handler: (ctx) => listResponse(ctx, allAssignments(ctx), assignmentSpec(ctx)),
  },
  {
    method: "GET",
    pattern: "/roleManagement/directory/roleAssignments/{assignmentId}",
    throttle: "directory",
    alsoBeta: true,
    responseType: "unifiedRoleAssignment",
    handler: (ctx) => {
      const assignment = allAssignments(ctx).find((a) => a.id === ctx.params.assignmentId);
      if (!assignment) throw notFound(ctx.params.assignmentId ?? "");
      return itemResponse(ctx, assignment, assignmentSpec(ctx));
    },
  },
  {
    method: "GET",
    pattern: "/roleManagement/directory/roleDefinitions",
    throttle: "directory",
    alsoBeta: true,
    responseType: "unifiedRoleDefinition",
    collection: true,
    handler: (ctx) => listResponse(ctx, ctx.state.roleDefinitions, definitionSpec),
  },
  {
    method: "GET",
    pattern: "/roleManagement/directory/roleDefinitions/{definitionId}",
    throttle: "directory",
    alsoBeta: true,
    responseType: "unifiedRoleDefinition",
    handler: (ctx) => {
      const definition = ctx.state.roleDefinitions.find(
        (d) => d.id === ctx.params.definitionId || d.templateId === ctx.params.definitionId,
      );
      if (!definition)
        throw new GraphHttpError(
          404,
          "Request_ResourceNotFound",
          `Role definition '${ctx.params.definitionId}' was not found.`,
        );
      return itemResponse(ctx, definition, definitionSpec);
    },
  },
];
