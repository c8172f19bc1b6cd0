import type { AuthenticationMethodConfiguration, AuthenticationStrengthPolicy } from "../../graph/types.js";
import { badRequest, GraphHttpError } from "../http/errors.js";
import type { RouteSpec } from "../http/router.js";
import type { RouteContext } from "../http/types.js";
import { contextUrl, itemResponse, type ListSpec, listResponse, shapeItem } from "../odata/query.js";
import { callerApp, jsonObject, noContent } from "./common.js";

/**
 * `/policies/…`: authentication strengths, the authentication methods policy and its method
 * configurations, device registration, authorization, and security defaults.
 */

const strengthSpec: ListSpec<AuthenticationStrengthPolicy> = {
  entityName: "AuthenticationStrengthPolicy",
  contextPath: "policies/authenticationStrengthPolicies",
  defaultTop: 1000,
  maxTop: 1000,
  filter: { id: ["eq"], policyType: ["eq"], displayName: ["eq"] },
};

const configurationSpec: ListSpec<AuthenticationMethodConfiguration> = {
  entityName: "AuthenticationMethodConfiguration",
  contextPath: "policies/authenticationMethodsPolicy/authenticationMethodConfigurations",
  defaultTop: 1000,
  maxTop: 1000,
};

/** A singleton answer with `$select` applied. */
function singleton(ctx: RouteContext, fragment: string, value: object) {
  const spec: ListSpec<object> = { entityName: fragment, contextPath: fragment, defaultTop: 1, maxTop: 1 };
  return {
    status: 200,
    body: { "@odata.context": contextUrl(ctx, `${fragment}/$entity`), ...shapeItem(ctx, value, spec) },
  };
}

function policyAudit(
  ctx: RouteContext,
  activity: string,
  category: string,
  service: string,
  id: string,
  name: string,
): void {
  ctx.state.audit({
    activity,
    category,
    service,
    operationType: "Update",
    initiatedBy: { app: callerApp(ctx) },
    targets: [{ id, displayName: name, type: "Policy" }],
  });
}

function requireConfiguration(ctx: RouteContext): AuthenticationMethodConfiguration {
  const id = (ctx.params.configurationId ?? "").toLowerCase();
  const config = ctx.state.authenticationMethodsPolicy.authenticationMethodConfigurations?.find(
    (c) => c.id.toLowerCase() === id,
  );
  if (!config)
    throw new GraphHttpError(
      404,
      "NotFound",
      `Authentication method configuration '${ctx.params.configurationId}' was not found.`,
    );
  return config;
}

function patchConfiguration(ctx: RouteContext) {
  const config = requireConfiguration(ctx);
  const body = jsonObject(ctx);
  if ("id" in body && body.id !== config.id) throw badRequest("id cannot be changed.", "BadRequest");
  if (body.state !== undefined && body.state !== "enabled" && body.state !== "disabled") {
    throw badRequest(`Invalid state '${String(body.state)}'.`, "BadRequest");
  }
  Object.assign(config, body);
  policyAudit(
    ctx,
    "Authentication Methods Policy Update",
    "ApplicationManagement",
    "Authentication Methods",
    config.id,
    config.id,
  );
  return noContent;
}

function patchMethodsPolicy(ctx: RouteContext) {
  const body = jsonObject(ctx);
  const policy = ctx.state.authenticationMethodsPolicy as unknown as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (key === "id" || key === "authenticationMethodConfigurations")
      throw badRequest(`Property '${key}' cannot be updated here.`, "BadRequest");
    policy[key] = body[key];
  }
  policy.lastModifiedDateTime = new Date().toISOString();
  policyAudit(
    ctx,
    "Authentication Methods Policy Update",
    "ApplicationManagement",
    "Authentication Methods",
    "authenticationMethodsPolicy",
    "Authentication Methods Policy",
  );
  return noContent;
}

function patchSecurityDefaults(ctx: RouteContext) {
  const body = jsonObject(ctx);
  if (typeof body.isEnabled !== "boolean" || Object.keys(body).some((k) => k !== "isEnabled")) {
    throw badRequest("Only isEnabled (boolean) can be updated.", "BadRequest");
  }
  ctx.state.securityDefaults.isEnabled = body.isEnabled;
  policyAudit(
    ctx,
    "Update security defaults",
    "Policy",
    "Conditional Access",
    ctx.state.securityDefaults.id,
    "Security Defaults",
  );
  return noContent;
}

export const policyRoutes: RouteSpec[] = [
  {
    method: "GET",
    pattern: "/policies/authenticationStrengthPolicies",
    throttle: "directory",
    alsoBeta: true,
    responseType: "authenticationStrengthPolicy",
    collection: true,
    handler: (ctx) => listResponse(ctx, ctx.state.authenticationStrengthPolicies, strengthSpec),
  },
  {
    method: "GET",
    pattern: "/policies/authenticationStrengthPolicies/{policyId}",
    throttle: "directory",
    alsoBeta: true,
    responseType: "authenticationStrengthPolicy",
    handler: (ctx) => {
      const policy = ctx.state.authenticationStrengthPolicies.find((p) => p.id === ctx.params.policyId);
      if (!policy)
        throw new GraphHttpError(
          404,
          "NotFound",
          `Authentication strength policy '${ctx.params.policyId}' was not found.`,
        );
      return itemResponse(ctx, policy, strengthSpec);
    },
  },
  {
    method: "GET",
    pattern: "/policies/authenticationMethodsPolicy",
    throttle: "directory",
    alsoBeta: true,
    responseType: "authenticationMethodsPolicy",
    handler: (ctx) =>
      singleton(ctx, "policies/authenticationMethodsPolicy", ctx.state.authenticationMethodsPolicy),
  },
  {
    method: "PATCH",
    pattern: "/policies/authenticationMethodsPolicy",
    throttle: "directory",
    alsoBeta: true,
    handler: patchMethodsPolicy,
  },
  {
    method: "GET",
    pattern: "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations",
    throttle: "directory",
    alsoBeta: true,
    responseType: "authenticationMethodConfiguration",
    collection: true,
    handler: (ctx) =>
      listResponse(
        ctx,
        ctx.state.authenticationMethodsPolicy.authenticationMethodConfigurations ?? [],
        configurationSpec,
      ),
  },
  {
    method: "GET",
    pattern: "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{configurationId}",
    throttle: "directory",
    alsoBeta: true,
    responseType: "authenticationMethodConfiguration",
    handler: (ctx) => itemResponse(ctx, requireConfiguration(ctx), configurationSpec),
  },
  {
    method: "PATCH",
    pattern: "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{configurationId}",
    throttle: "directory",
    alsoBeta: true,
    handler: patchConfiguration,
  },
  {
    method: "GET",
    pattern: "/policies/deviceRegistrationPolicy",
    throttle: "directory",
    alsoBeta: true,
    responseType: "deviceRegistrationPolicy",
    handler: (ctx) => singleton(ctx, "policies/deviceRegistrationPolicy", ctx.state.deviceRegistrationPolicy),
  },
  {
    method: "GET",
    pattern: "/policies/authorizationPolicy",
    throttle: "directory",
    alsoBeta: true,
    responseType: "authorizationPolicy",
    handler: (ctx) => singleton(ctx, "policies/authorizationPolicy", ctx.state.authorizationPolicy),
  },
  {
    method: "GET",
    pattern: "/policies/identitySecurityDefaultsEnforcementPolicy",
    throttle: "directory",
    alsoBeta: true,
    responseType: "identitySecurityDefaultsEnforcementPolicy",
    handler: (ctx) =>
      singleton(ctx, "policies/identitySecurityDefaultsEnforcementPolicy", ctx.state.securityDefaults),
  },
  {
    method: "PATCH",
    pattern: "/policies/identitySecurityDefaultsEnforcementPolicy",
    throttle: "directory",
    alsoBeta: true,
    handler: patchSecurityDefaults,
  },
];
