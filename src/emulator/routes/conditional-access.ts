import { randomUUID } from "node:crypto";
import type { ConditionalAccessPolicy, NamedLocation } from "../../graph/types.js";
import { badRequest, GraphHttpError } from "../http/errors.js";
import type { RouteSpec } from "../http/router.js";
import type { RouteContext } from "../http/types.js";
import { itemResponse, type ListSpec, listResponse } from "../odata/query.js";
import { callerApp, jsonObject, noContent } from "./common.js";

/** `/identity/conditionalAccess/policies` and `namedLocations`: read and write, each write audited. */

const policySpec: ListSpec<ConditionalAccessPolicy> = {
  entityName: "ConditionalAccessPolicy",
  contextPath: "identity/conditionalAccess/policies",
  defaultTop: 1000,
  maxTop: 1000,
  filter: { id: ["eq"], displayName: ["eq", "startswith"], state: ["eq", "ne"] },
  orderBy: ["displayName", "createdDateTime", "modifiedDateTime"],
};

const locationSpec: ListSpec<NamedLocation> = {
  entityName: "NamedLocation",
  contextPath: "identity/conditionalAccess/namedLocations",
  defaultTop: 1000,
  maxTop: 1000,
  filter: {
    id: ["eq"],
    displayName: ["eq", "startswith"],
    createdDateTime: ["ge", "le"],
    modifiedDateTime: ["ge", "le"],
  },
  orderBy: ["displayName", "createdDateTime", "modifiedDateTime"],
};

const POLICY_STATES = new Set(["enabled", "disabled", "enabledForReportingButNotEnforced"]);

function validatePolicy(body: Record<string, unknown>, creating: boolean): void {
  if (creating && (typeof body.displayName !== "string" || body.displayName.length === 0)) {
    throw badRequest("displayName is required.", "BadRequest");
  }
  if (creating && (body.conditions === null || typeof body.conditions !== "object")) {
    throw badRequest("conditions is required.", "BadRequest");
  }
  if (body.state !== undefined && !POLICY_STATES.has(body.state as string)) {
    throw badRequest(`Invalid state '${String(body.state)}'.`, "BadRequest");
  }
  for (const key of ["id", "createdDateTime", "modifiedDateTime"]) {
    if (key in body && !(creating && key === "id"))
      throw badRequest(`Property '${key}' is read-only.`, "BadRequest");
  }
}

function policyAudit(
  ctx: RouteContext,
  verb: "Add" | "Update" | "Delete",
  policy: ConditionalAccessPolicy,
  before?: unknown,
): void {
  ctx.state.audit({
    activity: `${verb} conditional access policy`,
    category: "Policy",
    service: "Conditional Access",
    operationType: verb,
    initiatedBy: { app: callerApp(ctx) },
    targets: [
      {
        id: policy.id,
        displayName: policy.displayName ?? null,
        type: "Policy",
        modifiedProperties: [
          {
            displayName: "ConditionalAccessPolicy",
            oldValue: before === undefined ? null : JSON.stringify(before),
            newValue: verb === "Delete" ? null : JSON.stringify(policy),
          },
        ],
      },
    ],
  });
}

function requirePolicy(ctx: RouteContext): ConditionalAccessPolicy {
  const policy = ctx.state.conditionalAccessPolicies.get(ctx.params.policyId ?? "");
  if (!policy)
    throw new GraphHttpError(404, "ResourceNotFound", `Policy '${ctx.params.policyId}' was not found.`);
  return policy;
}

function createPolicy(ctx: RouteContext) {
  const body = jsonObject(ctx);
  validatePolicy(body, true);
  const now = new Date().toISOString();
  const policy = {
    templateId: null,
    grantControls: null,
    sessionControls: null,
    description: null,
    ...body,
    id: randomUUID(),
    createdDateTime: now,
    modifiedDateTime: null,
    state: (body.state as string) ?? "enabled",
  } as unknown as ConditionalAccessPolicy;
  ctx.state.conditionalAccessPolicies.set(policy.id, policy);
  policyAudit(ctx, "Add", policy);
  return itemResponse(ctx, policy, policySpec, 201);
}

function patchPolicy(ctx: RouteContext) {
  const policy = requirePolicy(ctx);
  const body = jsonObject(ctx);
  validatePolicy(body, false);
  const before = structuredClone(policy);
  Object.assign(policy, body, { modifiedDateTime: new Date().toISOString() });
  policyAudit(ctx, "Update", policy, before);
  return noContent;
}

function deletePolicy(ctx: RouteContext) {
  const policy = requirePolicy(ctx);
  ctx.state.conditionalAccessPolicies.delete(policy.id);
  policyAudit(ctx, "Delete", policy, policy);
  return noContent;
}

function requireLocation(ctx: RouteContext): NamedLocation {
  const location = ctx.state.namedLocations.get(ctx.params.locationId ?? "");
  if (!location)
    throw new GraphHttpError(
      404,
      "ResourceNotFound",
      `Named location '${ctx.params.locationId}' was not found.`,
    );
  return location;
}

function locationAudit(ctx: RouteContext, verb: "Add" | "Update" | "Delete", location: NamedLocation): void {
  ctx.state.audit({
    activity: `${verb} named location`,
    category: "Policy",
    service: "Conditional Access",
    operationType: verb,
    initiatedBy: { app: callerApp(ctx) },
    targets: [{ id: location.id, displayName: location.displayName ?? null, type: "Policy" }],
  });
}

const LOCATION_TYPES = new Set(["#microsoft.graph.ipNamedLocation", "#microsoft.graph.countryNamedLocation"]);

function createLocation(ctx: RouteContext) {
  const body = jsonObject(ctx);
  if (!LOCATION_TYPES.has(body["@odata.type"] as string)) {
    throw badRequest(
      "@odata.type must be #microsoft.graph.ipNamedLocation or #microsoft.graph.countryNamedLocation.",
      "BadRequest",
    );
  }
  if (typeof body.displayName !== "string" || body.displayName.length === 0)
    throw badRequest("displayName is required.", "BadRequest");
  const now = new Date().toISOString();
  const location = {
    ...body,
    id: randomUUID(),
    createdDateTime: now,
    modifiedDateTime: now,
  } as NamedLocation;
  ctx.state.namedLocations.set(location.id, location);
  locationAudit(ctx, "Add", location);
  return itemResponse(ctx, location, locationSpec, 201);
}

export const conditionalAccessRoutes: RouteSpec[] = [
  {
    method: "GET",
    pattern: "/identity/conditionalAccess/policies",
    throttle: "protection",
    alsoBeta: true,
    responseType: "conditionalAccessPolicy",
    collection: true,
    handler: (ctx) => listResponse(ctx, [...ctx.state.conditionalAccessPolicies.values()], policySpec),
  },
  {
    method: "GET",
    pattern: "/identity/conditionalAccess/policies/{policyId}",
    throttle: "protection",
    alsoBeta: true,
    responseType: "conditionalAccessPolicy",
    handler: (ctx) => itemResponse(ctx, requirePolicy(ctx), policySpec),
  },
  {
    method: "POST",
    pattern: "/identity/conditionalAccess/policies",
    throttle: "protection",
    alsoBeta: true,
    handler: createPolicy,
  },
  {
    method: "PATCH",
    pattern: "/identity/conditionalAccess/policies/{policyId}",
    throttle: "protection",
    alsoBeta: true,
    handler: patchPolicy,
  },
  {
    method: "DELETE",
    pattern: "/identity/conditionalAccess/policies/{policyId}",
    throttle: "protection",
    alsoBeta: true,
    handler: deletePolicy,
  },
  {
    method: "GET",
    pattern: "/identity/conditionalAccess/namedLocations",
    throttle: "protection",
    alsoBeta: true,
    responseType: "namedLocation",
    collection: true,
    handler: (ctx) => listResponse(ctx, [...ctx.state.namedLocations.values()], locationSpec),
  },
  {
    method: "GET",
    pattern: "/identity/conditionalAccess/namedLocations/{locationId}",
    throttle: "protection",
    alsoBeta: true,
    responseType: "namedLocation",
    handler: (ctx) => itemResponse(ctx, requireLocation(ctx), locationSpec),
  },
  {
    method: "POST",
    pattern: "/identity/conditionalAccess/namedLocations",
    throttle: "protection",
    alsoBeta: true,
    handler: createLocation,
  },
  {
    method: "PATCH",
    pattern: "/identity/conditionalAccess/namedLocations/{locationId}",
    throttle: "protection",
    alsoBeta: true,
    handler: (ctx) => {
      const location = requireLocation(ctx);
      const body = jsonObject(ctx);
      if ("id" in body || ("@odata.type" in body && body["@odata.type"] !== location["@odata.type"])) {
        throw badRequest("id and @odata.type cannot be changed.", "BadRequest");
      }
      Object.assign(location, body, { modifiedDateTime: new Date().toISOString() });
      locationAudit(ctx, "Update", location);
      return noContent;
    },
  },
  {
    method: "DELETE",
    pattern: "/identity/conditionalAccess/namedLocations/{locationId}",
    throttle: "protection",
    alsoBeta: true,
    handler: (ctx) => {
      const location = requireLocation(ctx);
      ctx.state.namedLocations.delete(location.id);
      locationAudit(ctx, "Delete", location);
      return noContent;
    },
  },
];
