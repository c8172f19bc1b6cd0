import type { DirectoryAudit, SignIn } from "../../graph/types.js";
import { GraphHttpError } from "../http/errors.js";
import type { RouteSpec } from "../http/router.js";
import type { RouteContext } from "../http/types.js";
import { itemResponse, type ListSpec, listResponse } from "../odata/query.js";

/** `/auditLogs/directoryAudits` and `/auditLogs/signIns` (v1.0 interactive; beta adds the other sign-in types). */

const auditSpec: ListSpec<DirectoryAudit> = {
  entityName: "DirectoryAudit",
  contextPath: "auditLogs/directoryAudits",
  defaultTop: 1000,
  maxTop: 1000,
  filter: {
    id: ["eq"],
    activityDateTime: ["eq", "ge", "le", "gt", "lt"],
    activityDisplayName: ["eq", "startswith"],
    category: ["eq"],
    correlationId: ["eq"],
    loggedByService: ["eq"],
    result: ["eq"],
    operationType: ["eq"],
    "initiatedBy/user/id": ["eq"],
    "initiatedBy/user/displayName": ["eq"],
    "initiatedBy/user/userPrincipalName": ["eq", "startswith"],
    "initiatedBy/app/appId": ["eq"],
    "initiatedBy/app/displayName": ["eq"],
    "targetResources/any": ["eq"],
    "targetResources/any/id": ["eq"],
    "targetResources/any/displayName": ["eq", "startswith"],
    "targetResources/any/userPrincipalName": ["eq", "startswith"],
  },
  orderBy: ["activityDateTime"],
  project: (a) => {
    const { userAgent: _betaOnly, ...v1 } = a;
    return v1 as Record<string, unknown>;
  },
};

/** v1.0 signIn properties (CSDL); the rest of a stored record is beta-only. */
const V1_SIGN_IN_PROPERTIES = [
  "id",
  "createdDateTime",
  "appDisplayName",
  "appId",
  "appliedConditionalAccessPolicies",
  "authenticationAppDeviceDetails",
  "clientAppUsed",
  "conditionalAccessStatus",
  "correlationId",
  "deviceDetail",
  "homeTenantId",
  "ipAddress",
  "isInteractive",
  "location",
  "resourceDisplayName",
  "resourceId",
  "resourceTenantId",
  "riskDetail",
  "riskEventTypes",
  "riskEventTypes_v2",
  "riskLevelAggregated",
  "riskLevelDuringSignIn",
  "riskState",
  "servicePrincipalId",
  "servicePrincipalName",
  "status",
  "userAgent",
  "userDisplayName",
  "userId",
  "userPrincipalName",
] as const;

function v1SignIn(signIn: SignIn): Record<string, unknown> {
  const record = signIn as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of V1_SIGN_IN_PROPERTIES) if (record[key] !== undefined) out[key] = record[key];
  return out;
}

const signInFilter: Record<string, readonly string[]> = {
  id: ["eq"],
  createdDateTime: ["eq", "ge", "le", "gt", "lt"],
  userId: ["eq"],
  userPrincipalName: ["eq", "startswith"],
  userDisplayName: ["eq", "startswith"],
  appId: ["eq"],
  appDisplayName: ["eq", "startswith"],
  ipAddress: ["eq", "startswith"],
  clientAppUsed: ["eq"],
  conditionalAccessStatus: ["eq"],
  correlationId: ["eq"],
  resourceId: ["eq"],
  resourceDisplayName: ["eq", "startswith"],
  riskDetail: ["eq"],
  riskLevelAggregated: ["eq"],
  riskLevelDuringSignIn: ["eq"],
  riskState: ["eq"],
  isInteractive: ["eq"],
  "riskEventTypes_v2/any": ["eq", "startswith"],
  "status/errorCode": ["eq", "ne"],
  "location/city": ["eq", "startswith"],
  "location/state": ["eq", "startswith"],
  "location/countryOrRegion": ["eq", "startswith"],
  "deviceDetail/browser": ["eq", "startswith"],
  "deviceDetail/operatingSystem": ["eq", "startswith"],
  "deviceDetail/deviceId": ["eq"],
};

const signInSpec: ListSpec<SignIn> = {
  entityName: "SignIn",
  contextPath: "auditLogs/signIns",
  defaultTop: 1000,
  maxTop: 1000,
  filter: signInFilter,
  orderBy: ["createdDateTime"],
  project: v1SignIn,
};

const betaSignInSpec: ListSpec<SignIn> = {
  ...signInSpec,
  filter: { ...signInFilter, "signInEventTypes/any": ["eq"] },
  project: (s) => ({ ...s }) as Record<string, unknown>,
};

function isInteractive(signIn: SignIn): boolean {
  if (signIn.signInEventTypes && signIn.signInEventTypes.length > 0)
    return signIn.signInEventTypes.includes("interactiveUser");
  return signIn.isInteractive !== false;
}

/** Sign-in logs need Entra ID P1 or P2 (graph-entra.md §6.1). */
function requirePremium(ctx: RouteContext): void {
  if (ctx.state.tenant.licence === "free") {
    throw new GraphHttpError(
      403,
      "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
      "Neither tenant is B2C or tenant doesn't have premium license",
    );
  }
}

function listSignIns(ctx: RouteContext) {
  requirePremium(ctx);
  if (ctx.req.version === "beta") {
    // Beta returns interactive sign-ins unless the filter asks for other event types.
    const asksForTypes = ctx.req.query.get("$filter")?.includes("signInEventTypes") ?? false;
    const items = asksForTypes ? ctx.state.signIns : ctx.state.signIns.filter(isInteractive);
    return listResponse(ctx, items, betaSignInSpec);
  }
  return listResponse(ctx, ctx.state.signIns.filter(isInteractive), signInSpec);
}

function getSignIn(ctx: RouteContext) {
  requirePremium(ctx);
  const signIn = ctx.state.signIns.find((s) => s.id === ctx.params.signInId);
  if (!signIn || (ctx.req.version === "v1.0" && !isInteractive(signIn))) {
    throw new GraphHttpError(404, "ResourceNotFound", `Sign-in '${ctx.params.signInId}' was not found.`);
  }
  return itemResponse(ctx, signIn, ctx.req.version === "beta" ? betaSignInSpec : signInSpec);
}

export const logRoutes: RouteSpec[] = [
  {
    method: "GET",
    pattern: "/auditLogs/directoryAudits",
    throttle: "reports",
    alsoBeta: true,
    responseType: "directoryAudit",
    collection: true,
    handler: (ctx) => listResponse(ctx, ctx.state.visibleAudits(), auditSpec),
  },
  {
    method: "GET",
    pattern: "/auditLogs/directoryAudits/{auditId}",
    throttle: "reports",
    alsoBeta: true,
    responseType: "directoryAudit",
    handler: (ctx) => {
      const audit = ctx.state.visibleAudits().find((a) => a.id === ctx.params.auditId);
      if (!audit)
        throw new GraphHttpError(
          404,
          "ResourceNotFound",
          `Audit record '${ctx.params.auditId}' was not found.`,
        );
      return itemResponse(ctx, audit, auditSpec);
    },
  },
  {
    method: "GET",
    pattern: "/auditLogs/signIns",
    throttle: "reports",
    alsoBeta: true,
    responseType: "signIn",
    collection: true,
    handler: listSignIns,
  },
  {
    method: "GET",
    pattern: "/auditLogs/signIns/{signInId}",
    throttle: "reports",
    alsoBeta: true,
    responseType: "signIn",
    handler: getSignIn,
  },
];
