import { badRequest, GraphHttpError, insufficientPrivileges } from "../http/errors.js";
import type { RouteSpec } from "../http/router.js";
import type { RouteContext } from "../http/types.js";
import { USER_PROPERTIES } from "../odata/properties.js";
import { itemResponse, type ListSpec, listResponse, parseSelect } from "../odata/query.js";
import { coreDirectoryChanges } from "../state/audit.js";
import { ROLES_FOR_ADMIN_TARGETS, ROLES_FOR_PASSWORD_RESET } from "../state/well-known.js";
import type { TenantUser } from "../tenant/schema.js";
import {
  callerApp,
  derivedId,
  hasRole,
  jsonObject,
  noContent,
  requireDirectoryRole,
  requireUser,
  userTarget,
} from "./common.js";
import { deviceObject } from "./devices.js";

/** `/users`: list, get, PATCH (password, account state), revokeSignInSessions, memberships and devices. */

const DEFAULT_USER_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "id",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
] as const;

const SIGN_IN_ACTIVITY_TOP = 120;

/** The wire shape: the tenant's persona data stays inside the emulator. */
export function userObject(user: TenantUser): Record<string, unknown> {
  const { profile: _profile, ...graph } = user;
  return { businessPhones: [], ...graph };
}

const userSpec: ListSpec<TenantUser> = {
  entityName: "User",
  contextPath: "users",
  directory: true,
  defaultTop: 100,
  maxTop: 999,
  defaultSelect: DEFAULT_USER_PROPERTIES,
  properties: new Set(USER_PROPERTIES),
  project: userObject,
  filter: {
    id: ["eq", "ne", "in"],
    accountEnabled: ["eq", "ne", "in"],
    userPrincipalName: ["eq", "ne", "ge", "le", "in", "startswith", "endswith"],
    displayName: ["eq", "ne", "ge", "le", "in", "startswith", "endswith"],
    mail: ["eq", "ne", "ge", "le", "in", "startswith", "endswith"],
    givenName: ["eq", "ne", "ge", "le", "in", "startswith"],
    surname: ["eq", "ne", "ge", "le", "in", "startswith"],
    userType: ["eq", "ne", "in"],
    department: ["eq", "ne", "in", "startswith"],
    jobTitle: ["eq", "ne", "in", "startswith"],
    onPremisesSyncEnabled: ["eq", "ne"],
    createdDateTime: ["eq", "ne", "ge", "le", "in"],
    "signInActivity/lastSignInDateTime": ["eq", "ne", "ge", "le"],
    "signInActivity/lastNonInteractiveSignInDateTime": ["eq", "ne", "ge", "le"],
    "signInActivity/lastSuccessfulSignInDateTime": ["eq", "ne", "ge", "le"],
  },
  orderBy: ["displayName", "userPrincipalName", "createdDateTime"],
};

/** `signInActivity` needs AuditLog.Read.All and a P1/P2 tenant (graph-entra.md §2.2). */
function wantsSignInActivity(ctx: RouteContext): boolean {
  const selected = parseSelect(ctx)?.includes("signInActivity") ?? false;
  const filtered = ctx.req.query.get("$filter")?.includes("signInActivity") ?? false;
  if (!selected && !filtered) return false;
  if (ctx.state.tenant.licence === "free") {
    throw new GraphHttpError(
      403,
      "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
      "Neither tenant is B2C or tenant doesn't have premium license",
    );
  }
  if (!hasRole(ctx, "AuditLog.Read.All")) throw insufficientPrivileges();
  return true;
}

function listUsers(ctx: RouteContext) {
  const users = [...ctx.state.users.values()];
  if (!wantsSignInActivity(ctx)) return listResponse(ctx, users, userSpec);
  // With signInActivity the service caps pages at 120 whatever $top asks for.
  return listResponse(ctx, users, { ...userSpec, pageCap: SIGN_IN_ACTIVITY_TOP });
}

function getUser(ctx: RouteContext) {
  const user = requireUser(ctx);
  wantsSignInActivity(ctx);
  return itemResponse(ctx, user, userSpec);
}

const PASSWORD_CLASSES = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/];

function checkPassword(password: unknown): string {
  if (typeof password !== "string" || password.length < 8 || password.length > 256) {
    throw badRequest(
      "The specified password does not comply with password complexity requirements. Please provide a different password.",
    );
  }
  if (PASSWORD_CLASSES.filter((re) => re.test(password)).length < 3) {
    throw badRequest(
      "The specified password does not comply with password complexity requirements. Please provide a different password.",
    );
  }
  return password;
}

/** Which narrow permission lets an app write each property without User.ReadWrite.All. */
const PROPERTY_PERMISSION: Record<string, string> = {
  passwordProfile: "User-PasswordProfile.ReadWrite.All",
  accountEnabled: "User.EnableDisableAccount.All",
  mobilePhone: "User-Phone.ReadWrite.All",
  businessPhones: "User-Phone.ReadWrite.All",
  mail: "User-Mail.ReadWrite.All",
};

const WRITABLE = new Set([
  "passwordProfile",
  "accountEnabled",
  "displayName",
  "givenName",
  "surname",
  "jobTitle",
  "department",
  "mobilePhone",
  "businessPhones",
  "mail",
  "usageLocation",
  "city",
  "country",
  "passwordPolicies",
]);

function patchUser(ctx: RouteContext) {
  const user = requireUser(ctx);
  const body = jsonObject(ctx);
  const broad = hasRole(ctx, "User.ReadWrite.All", "Directory.ReadWrite.All");
  for (const key of Object.keys(body)) {
    if (!WRITABLE.has(key))
      throw badRequest(`Property '${key}' is read-only or not supported on 'User' for update.`);
    if (!broad && !hasRole(ctx, PROPERTY_PERMISSION[key] ?? "User.ReadWrite.All"))
      throw insufficientPrivileges();
  }
  const admin = ctx.state.isAdmin(user.id);
  const now = new Date();
  const app = callerApp(ctx);

  if ("passwordProfile" in body) {
    // App-only password resets need a directory role on the service principal (graph-entra.md §2.3).
    requireDirectoryRole(ctx, admin ? ROLES_FOR_ADMIN_TARGETS : ROLES_FOR_PASSWORD_RESET);
    const profile = body.passwordProfile as Record<string, unknown> | null;
    ctx.state.rememberPassword(user.id, checkPassword(profile?.password));
    user.lastPasswordChangeDateTime = now.toISOString();
    // A new password ends the refresh tokens and sessions issued before it.
    ctx.state.revokeSessions(user.id, now);
    ctx.state.audit({
      activity: "Reset user password",
      category: "UserManagement",
      service: "Core Directory",
      operationType: "Update",
      initiatedBy: { app },
      targets: [userTarget(user)],
    });
    if (profile?.forceChangePasswordNextSignIn === true) {
      ctx.state.audit({
        activity: "Set force change user password",
        category: "UserManagement",
        service: "Core Directory",
        operationType: "Update",
        initiatedBy: { app },
        targets: [userTarget(user)],
      });
    }
  }
  if ("accountEnabled" in body) {
    if (typeof body.accountEnabled !== "boolean")
      throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
    if (admin && ctx.state.behaviour.adminTargetsNeedPrivilegedRole)
      requireDirectoryRole(ctx, ROLES_FOR_ADMIN_TARGETS);
    const before = user.accountEnabled ?? true;
    user.accountEnabled = body.accountEnabled;
    ctx.state.audit({
      activity: body.accountEnabled ? "Enable account" : "Disable account",
      category: "UserManagement",
      service: "Core Directory",
      operationType: "Update",
      initiatedBy: { app },
      targets: [
        userTarget(
          user,
          coreDirectoryChanges([{ name: "AccountEnabled", oldValue: before, newValue: body.accountEnabled }]),
        ),
      ],
    });
  }
  const others = Object.keys(body).filter((k) => k !== "passwordProfile" && k !== "accountEnabled");
  if (others.length > 0) {
    const record = user as unknown as Record<string, unknown>;
    const changes = others.map((name) => ({
      name: name[0]!.toUpperCase() + name.slice(1),
      oldValue: record[name],
      newValue: body[name],
    }));
    for (const key of others) record[key] = body[key];
    ctx.state.audit({
      activity: "Update user",
      category: "UserManagement",
      service: "Core Directory",
      operationType: "Update",
      initiatedBy: { app },
      targets: [userTarget(user, coreDirectoryChanges(changes))],
    });
  }
  return noContent;
}

function revokeSignInSessions(ctx: RouteContext) {
  const user = requireUser(ctx);
  ctx.state.revokeSessions(user.id);
  ctx.state.audit({
    activity: "Update StsRefreshTokenValidFrom Timestamp",
    category: "UserManagement",
    service: "Core Directory",
    operationType: "Update",
    initiatedBy: { app: callerApp(ctx) },
    targets: [
      userTarget(
        user,
        coreDirectoryChanges([
          {
            name: "StsRefreshTokensValidFrom",
            oldValue: null,
            newValue: user.signInSessionsValidFromDateTime,
          },
        ]),
      ),
    ],
  });
  if (ctx.state.behaviour.revokeSessionsStatus === 204) return noContent;
  return {
    status: 200,
    body: { "@odata.context": `${ctx.req.baseUrl}/${ctx.req.version}/$metadata#Edm.Boolean`, value: true },
  };
}

// ── Memberships and devices ──────────────────────────────────────────────────────────────────────

/** A directory role object as `memberOf` lists it (activated roles only; ids derived per tenant). */
export function directoryRoleObject(ctx: RouteContext, templateId: string): Record<string, unknown> {
  const definition = ctx.state.roleDefinitions.find(
    (d) => d.id === templateId || d.templateId === templateId,
  );
  return {
    "@odata.type": "#microsoft.graph.directoryRole",
    id: derivedId(`${ctx.state.tenant.id}/${templateId}`),
    displayName: definition?.displayName ?? null,
    description: null,
    roleTemplateId: templateId,
  };
}

export function groupObject(group: { id: string } & Record<string, unknown>): Record<string, unknown> {
  const { members: _members, ...graph } = group;
  return { "@odata.type": "#microsoft.graph.group", groupTypes: [], ...graph };
}

const directoryObjectSpec: ListSpec<Record<string, unknown>> = {
  entityName: "DirectoryObject",
  contextPath: "directoryObjects",
  directory: true,
  defaultTop: 100,
  maxTop: 999,
  filter: { id: ["eq", "in"], displayName: ["eq", "startswith"] },
};

function memberOf(transitive: boolean) {
  return (ctx: RouteContext) => {
    const user = requireUser(ctx);
    const groups = transitive ? ctx.state.transitiveGroupsOf(user.id) : ctx.state.directGroupsOf(user.id);
    const direct = new Set([user.id, ...(transitive ? groups.map((g) => g.id) : [])]);
    const roles = ctx.state.roleAssignments
      .filter((a) => direct.has(a.principalId))
      .map((a) => directoryRoleObject(ctx, a.roleDefinitionId));
    const unique = new Map<string, Record<string, unknown>>();
    for (const item of [...groups.map((g) => groupObject(g as never)), ...roles])
      unique.set(item.id as string, item);
    return listResponse(ctx, [...unique.values()], directoryObjectSpec);
  };
}

function userDevices(kind: "ownerIds" | "userIds") {
  return (ctx: RouteContext) => {
    const user = requireUser(ctx);
    const devices = [...ctx.state.devices.values()]
      .filter((d) => d[kind].includes(user.id))
      .map((d) => ({ "@odata.type": "#microsoft.graph.device", ...deviceObject(d) }));
    return listResponse(ctx, devices, directoryObjectSpec);
  };
}

export const userRoutes: RouteSpec[] = [
  {
    method: "GET",
    pattern: "/users",
    throttle: "directory",
    cost: 2,
    alsoBeta: true,
    handler: listUsers,
    responseType: "user",
    collection: true,
  },
  {
    method: "GET",
    pattern: "/users/{userId}",
    throttle: "directory",
    alsoBeta: true,
    handler: getUser,
    responseType: "user",
  },
  { method: "PATCH", pattern: "/users/{userId}", throttle: "directory", alsoBeta: true, handler: patchUser },
  {
    method: "POST",
    pattern: "/users/{userId}/revokeSignInSessions",
    throttle: "directory",
    alsoBeta: true,
    handler: revokeSignInSessions,
  },
  {
    method: "GET",
    pattern: "/users/{userId}/memberOf",
    throttle: "directory",
    alsoBeta: true,
    handler: memberOf(false),
    responseType: "directoryObject",
    collection: true,
  },
  {
    method: "GET",
    pattern: "/users/{userId}/transitiveMemberOf",
    throttle: "directory",
    alsoBeta: true,
    handler: memberOf(true),
    responseType: "directoryObject",
    collection: true,
  },
  {
    method: "GET",
    pattern: "/users/{userId}/registeredDevices",
    throttle: "directory",
    alsoBeta: true,
    handler: userDevices("userIds"),
    responseType: "directoryObject",
    collection: true,
  },
  {
    method: "GET",
    pattern: "/users/{userId}/ownedDevices",
    throttle: "directory",
    alsoBeta: true,
    handler: userDevices("ownerIds"),
    responseType: "directoryObject",
    collection: true,
  },
];
