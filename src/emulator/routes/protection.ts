import type { RiskDetection, RiskyUser } from "../../graph/types.js";
import { badRequest, GraphHttpError } from "../http/errors.js";
import type { RouteSpec } from "../http/router.js";
import type { RouteContext } from "../http/types.js";
import { itemResponse, type ListSpec, listResponse } from "../odata/query.js";
import { callerApp, jsonObject, noContent } from "./common.js";

/** `/identityProtection/riskyUsers` (list, get, dismiss, confirmCompromised) and `riskDetections`. */

const riskyUserSpec: ListSpec<RiskyUser> = {
  entityName: "RiskyUser",
  contextPath: "identityProtection/riskyUsers",
  defaultTop: 20,
  maxTop: 500,
  filter: {
    id: ["eq"],
    riskLevel: ["eq"],
    riskState: ["eq", "ne"],
    riskDetail: ["eq"],
    userPrincipalName: ["eq", "startswith"],
    userDisplayName: ["eq", "startswith"],
    riskLastUpdatedDateTime: ["ge", "le", "gt", "lt"],
    isDeleted: ["eq"],
  },
  orderBy: ["riskLastUpdatedDateTime", "userPrincipalName"],
};

const riskDetectionSpec: ListSpec<RiskDetection> = {
  entityName: "RiskDetection",
  contextPath: "identityProtection/riskDetections",
  defaultTop: 500,
  maxTop: 500,
  filter: {
    id: ["eq"],
    userId: ["eq"],
    userPrincipalName: ["eq", "startswith"],
    riskEventType: ["eq"],
    riskLevel: ["eq"],
    riskState: ["eq"],
    detectedDateTime: ["ge", "le", "gt", "lt"],
    activityDateTime: ["ge", "le", "gt", "lt"],
    ipAddress: ["eq"],
    source: ["eq"],
  },
  orderBy: ["detectedDateTime", "activityDateTime"],
};

function riskAction(kind: "dismiss" | "confirmCompromised") {
  return (ctx: RouteContext) => {
    const body = jsonObject(ctx);
    const userIds = body.userIds;
    if (!Array.isArray(userIds) || userIds.length === 0 || userIds.some((id) => typeof id !== "string")) {
      throw badRequest("userIds must be a non-empty array of user object ids.", "BadRequest");
    }
    if (userIds.length > 60) throw badRequest("At most 60 userIds can be sent per request.", "BadRequest");
    const now = new Date().toISOString();
    for (const id of userIds as string[]) {
      const user = ctx.state.users.get(id);
      if (!user) throw new GraphHttpError(404, "ResourceNotFound", `User '${id}' was not found.`);
      const risky: RiskyUser = ctx.state.riskyUsers.get(id) ?? {
        id,
        userPrincipalName: user.userPrincipalName,
        userDisplayName: user.displayName ?? null,
        isDeleted: false,
        isProcessing: false,
      };
      if (kind === "dismiss")
        Object.assign(risky, {
          riskLevel: "none",
          riskState: "dismissed",
          riskDetail: "adminDismissedAllRiskForUser",
        });
      else
        Object.assign(risky, {
          riskLevel: "high",
          riskState: "confirmedCompromised",
          riskDetail: "adminConfirmedUserCompromised",
        });
      risky.riskLastUpdatedDateTime = now;
      ctx.state.riskyUsers.set(id, risky);
      ctx.state.audit({
        activity: kind === "dismiss" ? "DismissUser" : "ConfirmAccountCompromised",
        category: "Other",
        service: "Identity Protection",
        operationType: "Update",
        initiatedBy: { app: callerApp(ctx) },
        targets: [
          {
            id,
            displayName: user.displayName ?? null,
            type: "User",
            userPrincipalName: user.userPrincipalName,
          },
        ],
      });
    }
    return noContent;
  };
}

export const protectionRoutes: RouteSpec[] = [
  {
    method: "GET",
    pattern: "/identityProtection/riskyUsers",
    throttle: "protection",
    alsoBeta: true,
    responseType: "riskyUser",
    collection: true,
    handler: (ctx) => listResponse(ctx, [...ctx.state.riskyUsers.values()], riskyUserSpec),
  },
  {
    method: "GET",
    pattern: "/identityProtection/riskyUsers/{userId}",
    throttle: "protection",
    alsoBeta: true,
    responseType: "riskyUser",
    handler: (ctx) => {
      const risky = ctx.state.riskyUsers.get(ctx.params.userId ?? "");
      if (!risky)
        throw new GraphHttpError(404, "ResourceNotFound", `Risky user '${ctx.params.userId}' was not found.`);
      return itemResponse(ctx, risky, riskyUserSpec);
    },
  },
  {
    method: "POST",
    pattern: "/identityProtection/riskyUsers/dismiss",
    throttle: "protection",
    alsoBeta: true,
    handler: riskAction("dismiss"),
  },
  {
    method: "POST",
    pattern: "/identityProtection/riskyUsers/confirmCompromised",
    throttle: "protection",
    alsoBeta: true,
    handler: riskAction("confirmCompromised"),
  },
  {
    method: "GET",
    pattern: "/identityProtection/riskDetections",
    throttle: "protection",
    alsoBeta: true,
    responseType: "riskDetection",
    collection: true,
    handler: (ctx) => listResponse(ctx, ctx.state.riskDetections, riskDetectionSpec),
  },
  {
    method: "GET",
    pattern: "/identityProtection/riskDetections/{detectionId}",
    throttle: "protection",
    alsoBeta: true,
    responseType: "riskDetection",
    handler: (ctx) => {
      const detection = ctx.state.riskDetections.find((d) => d.id === ctx.params.detectionId);
      if (!detection)
        throw new GraphHttpError(
          404,
          "ResourceNotFound",
          `Risk detection '${ctx.params.detectionId}' was not found.`,
        );
      return itemResponse(ctx, detection, riskDetectionSpec);
    },
  },
];
