import { createHash } from "node:crypto";
import type { AppIdentity, TargetResource } from "../../graph/types.js";
import { badRequest, insufficientPrivileges, notFound } from "../http/errors.js";
import type { RouteContext } from "../http/types.js";
import type { TenantDevice, TenantUser } from "../tenant/schema.js";

/** Small helpers the route modules share. */

export function requireUser(ctx: RouteContext, param = "userId"): TenantUser {
  const key = ctx.params[param] ?? "";
  const user = ctx.state.findUser(key);
  if (!user) throw notFound(key);
  return user;
}

export function requireDevice(ctx: RouteContext, param = "deviceId"): TenantDevice {
  const key = ctx.params[param] ?? "";
  const device = ctx.state.devices.get(key);
  if (!device) throw notFound(key.replace(/^deviceId:/, ""));
  return device;
}

export function callerApp(ctx: RouteContext): AppIdentity {
  return ctx.state.appIdentity(ctx.req.caller.appId);
}

export function userTarget(
  user: TenantUser,
  modifiedProperties: TargetResource["modifiedProperties"] = [],
): TargetResource {
  return {
    id: user.id,
    displayName: user.displayName ?? null,
    type: "User",
    userPrincipalName: user.userPrincipalName,
    modifiedProperties,
  };
}

export function deviceTarget(
  device: TenantDevice,
  modifiedProperties: TargetResource["modifiedProperties"] = [],
): TargetResource {
  return { id: device.id, displayName: device.displayName ?? null, type: "Device", modifiedProperties };
}

/** The request body as a JSON object, or a 400 naming what is wrong. */
export function jsonObject(ctx: RouteContext): Record<string, unknown> {
  const body = ctx.req.body;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw badRequest("Empty Payload. JSON content expected.", "BadRequest");
  }
  return body as Record<string, unknown>;
}

export function hasRole(ctx: RouteContext, ...permissions: string[]): boolean {
  return permissions.some((p) => ctx.req.caller.roles.includes(p));
}

/** App-only writes on a target may need a directory role on the app's service principal. */
export function requireDirectoryRole(ctx: RouteContext, anyOf: readonly string[]): void {
  const app = ctx.state.findApp(ctx.req.caller.appId);
  if (!app?.directoryRoles.some((role) => anyOf.includes(role))) throw insufficientPrivileges();
}

export const noContent = { status: 204 } as const;

/** A stable GUID-shaped id derived from text (directory-role, role-assignment and managed-device ids). */
export function derivedId(text: string): string {
  const hex = createHash("sha1").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
