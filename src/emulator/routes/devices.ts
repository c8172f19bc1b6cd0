import { badRequest, GraphHttpError } from "../http/errors.js";
import type { RouteSpec } from "../http/router.js";
import type { RouteContext } from "../http/types.js";
import { DEVICE_PROPERTIES } from "../odata/properties.js";
import { itemResponse, type ListSpec, listResponse } from "../odata/query.js";
import { coreDirectoryChanges } from "../state/audit.js";
import type { TenantDevice } from "../tenant/schema.js";
import { callerApp, deviceTarget, jsonObject, noContent, requireDevice } from "./common.js";

/** `/devices`: list, get, PATCH (enable/disable), DELETE, registered owners and users. */

export function deviceObject(device: TenantDevice): Record<string, unknown> {
  const {
    ownerIds: _owners,
    userIds: _users,
    registeredOwners: _ro,
    registeredUsers: _ru,
    ...graph
  } = device;
  return { physicalIds: [], systemLabels: [], ...graph };
}

function userRef(ctx: RouteContext, id: string): Record<string, unknown> | undefined {
  const user = ctx.state.users.get(id);
  if (!user) return undefined;
  return {
    "@odata.type": "#microsoft.graph.user",
    id: user.id,
    displayName: user.displayName ?? null,
    userPrincipalName: user.userPrincipalName,
    mail: user.mail ?? null,
    accountEnabled: user.accountEnabled ?? null,
  };
}

function refs(ctx: RouteContext, ids: string[]): Record<string, unknown>[] {
  return ids.map((id) => userRef(ctx, id)).filter((r): r is Record<string, unknown> => r !== undefined);
}

const DEVICE_PROPERTY_SET: ReadonlySet<string> = new Set(DEVICE_PROPERTIES);

function deviceSpec(ctx: RouteContext): ListSpec<TenantDevice> {
  return {
    entityName: "Device",
    contextPath: "devices",
    directory: true,
    defaultTop: 100,
    maxTop: 999,
    project: deviceObject,
    properties: DEVICE_PROPERTY_SET,
    filter: {
      id: ["eq", "ne", "in"],
      deviceId: ["eq", "ne", "in", "startswith"],
      displayName: ["eq", "ne", "in", "startswith"],
      accountEnabled: ["eq", "ne", "in"],
      operatingSystem: ["eq", "ne", "in", "startswith"],
      operatingSystemVersion: ["eq", "ne", "in", "startswith"],
      trustType: ["eq", "ne", "in"],
      registrationDateTime: ["eq", "ne", "ge", "le"],
      approximateLastSignInDateTime: ["eq", "ne", "ge", "le"],
      isCompliant: ["eq", "ne"],
      isManaged: ["eq", "ne"],
      profileType: ["eq", "ne"],
      "physicalIds/any": ["eq", "startswith"],
    },
    orderBy: ["displayName", "approximateLastSignInDateTime", "registrationDateTime"],
    expand: {
      registeredOwners: (d) => refs(ctx, d.ownerIds),
      registeredUsers: (d) => refs(ctx, d.userIds),
    },
  };
}

const refSpec: ListSpec<Record<string, unknown>> = {
  entityName: "DirectoryObject",
  contextPath: "directoryObjects",
  directory: true,
  defaultTop: 100,
  maxTop: 999,
};

/** Windows-family operating systems, on which app-only PATCH of accountEnabled is allowed. */
function isWindows(device: TenantDevice): boolean {
  return /^windows/i.test(device.operatingSystem ?? "");
}

function patchDevice(ctx: RouteContext) {
  const device = requireDevice(ctx);
  const body = jsonObject(ctx);
  const keys = Object.keys(body);
  const allowed = new Set(["accountEnabled", "extensionAttributes", "displayName", "operatingSystemVersion"]);
  for (const key of keys) {
    if (!allowed.has(key))
      throw badRequest(`Property '${key}' is read-only or not supported on 'Device' for update.`);
  }
  // App-only callers may only update extensionAttributes on non-Windows devices (graph-entra.md §4.2).
  if (!isWindows(device) && keys.some((k) => k !== "extensionAttributes")) {
    throw new GraphHttpError(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation. Application-only requests can update only extensionAttributes on devices whose operating system is not Windows.",
    );
  }
  if ("accountEnabled" in body && typeof body.accountEnabled !== "boolean") {
    throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'Device'.");
  }
  const record = device as unknown as Record<string, unknown>;
  const changes = keys.map((key) => ({
    name: key === "accountEnabled" ? "AccountEnabled" : key[0]!.toUpperCase() + key.slice(1),
    oldValue: record[key],
    newValue: body[key],
  }));
  for (const key of keys) record[key] = body[key];
  ctx.state.audit({
    activity: "Update device",
    category: "Device",
    service: "Core Directory",
    operationType: "Update",
    initiatedBy: { app: callerApp(ctx) },
    targets: [deviceTarget(device, coreDirectoryChanges(changes))],
  });
  return noContent;
}

function deleteDevice(ctx: RouteContext) {
  const device = requireDevice(ctx);
  ctx.state.devices.delete(device.id);
  ctx.state.audit({
    activity: "Delete device",
    category: "Device",
    service: "Core Directory",
    operationType: "Delete",
    initiatedBy: { app: callerApp(ctx) },
    targets: [deviceTarget(device)],
  });
  return noContent;
}

export const deviceRoutes: RouteSpec[] = [
  {
    method: "GET",
    pattern: "/devices",
    throttle: "directory",
    alsoBeta: true,
    responseType: "device",
    collection: true,
    handler: (ctx) => listResponse(ctx, [...ctx.state.devices.values()], deviceSpec(ctx)),
  },
  {
    method: "GET",
    pattern: "/devices/{deviceId}",
    throttle: "directory",
    alsoBeta: true,
    responseType: "device",
    handler: (ctx) => itemResponse(ctx, requireDevice(ctx), deviceSpec(ctx)),
  },
  {
    method: "PATCH",
    pattern: "/devices/{deviceId}",
    throttle: "directory",
    alsoBeta: true,
    handler: patchDevice,
  },
  {
    method: "DELETE",
    pattern: "/devices/{deviceId}",
    throttle: "directory",
    alsoBeta: true,
    handler: deleteDevice,
  },
  {
    method: "GET",
    pattern: "/devices/{deviceId}/registeredOwners",
    throttle: "directory",
    alsoBeta: true,
    responseType: "directoryObject",
    collection: true,
    handler: (ctx) => listResponse(ctx, refs(ctx, requireDevice(ctx).ownerIds), refSpec),
  },
  {
    method: "GET",
    pattern: "/devices/{deviceId}/registeredUsers",
    throttle: "directory",
    alsoBeta: true,
    responseType: "directoryObject",
    collection: true,
    handler: (ctx) => listResponse(ctx, refs(ctx, requireDevice(ctx).userIds), refSpec),
  },
];
