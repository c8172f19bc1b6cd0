import { GraphHttpError } from "../http/errors.js";
import type { RouteSpec } from "../http/router.js";
import type { RouteContext } from "../http/types.js";
import { itemResponse, type ListSpec, listResponse } from "../odata/query.js";
import type { TenantDevice } from "../tenant/schema.js";
import { derivedId, noContent } from "./common.js";

/**
 * Intune `deviceManagement/managedDevices` (graph-entra.md §4.3): one managed device per Entra
 * device that is managed (`isManaged: true`), joined by `azureADDeviceId` = `device.deviceId`,
 * and the `retire` action the eviction uses.
 */

function isEnrolled(device: TenantDevice): boolean {
  return device.isManaged === true && Boolean(device.deviceId);
}

export function managedDeviceId(device: TenantDevice): string {
  return derivedId(`intune/${device.id}`);
}

function managedDevice(ctx: RouteContext, device: TenantDevice): Record<string, unknown> {
  const owner = ctx.state.users.get(device.ownerIds[0] ?? "");
  const id = managedDeviceId(device);
  const enrolled = device.registrationDateTime ?? ctx.state.tenant.createdDateTime;
  return {
    id,
    deviceName: device.displayName ?? null,
    azureADDeviceId: device.deviceId,
    azureADRegistered: true,
    userId: owner?.id ?? null,
    userPrincipalName: owner?.userPrincipalName ?? null,
    operatingSystem: device.operatingSystem ?? null,
    osVersion: device.operatingSystemVersion ?? null,
    manufacturer: device.manufacturer ?? null,
    model: device.model ?? null,
    complianceState:
      device.isCompliant === true ? "compliant" : device.isCompliant === false ? "noncompliant" : "unknown",
    managementAgent: "mdm",
    managementState: ctx.state.intuneStates.get(id) ?? "managed",
    managedDeviceOwnerType: device.deviceOwnership === "personal" ? "personal" : "company",
    deviceRegistrationState: "registered",
    enrolledDateTime: enrolled,
    lastSyncDateTime: device.approximateLastSignInDateTime ?? enrolled,
    isEncrypted: true,
    jailBroken: "False",
  };
}

const spec: ListSpec<Record<string, unknown>> = {
  entityName: "ManagedDevice",
  contextPath: "deviceManagement/managedDevices",
  defaultTop: 1000,
  maxTop: 1000,
  filter: {
    id: ["eq"],
    azureADDeviceId: ["eq"],
    userId: ["eq"],
    userPrincipalName: ["eq", "startswith"],
    deviceName: ["eq", "startswith"],
    operatingSystem: ["eq"],
    managementState: ["eq"],
    complianceState: ["eq"],
  },
  orderBy: ["deviceName", "enrolledDateTime", "lastSyncDateTime"],
};

function all(ctx: RouteContext): Record<string, unknown>[] {
  return [...ctx.state.devices.values()].filter(isEnrolled).map((d) => managedDevice(ctx, d));
}

function requireManaged(ctx: RouteContext): Record<string, unknown> {
  const found = all(ctx).find((m) => m.id === ctx.params.managedDeviceId);
  if (!found)
    throw new GraphHttpError(
      404,
      "ResourceNotFound",
      `Managed device '${ctx.params.managedDeviceId}' was not found.`,
    );
  return found;
}

export const intuneRoutes: RouteSpec[] = [
  {
    method: "GET",
    pattern: "/deviceManagement/managedDevices",
    throttle: "none",
    alsoBeta: true,
    responseType: "managedDevice",
    collection: true,
    handler: (ctx) => listResponse(ctx, all(ctx), spec),
  },
  {
    method: "GET",
    pattern: "/deviceManagement/managedDevices/{managedDeviceId}",
    throttle: "none",
    alsoBeta: true,
    responseType: "managedDevice",
    handler: (ctx) => itemResponse(ctx, requireManaged(ctx), spec),
  },
  {
    method: "POST",
    pattern: "/deviceManagement/managedDevices/{managedDeviceId}/retire",
    throttle: "none",
    alsoBeta: true,
    handler: (ctx) => {
      const managed = requireManaged(ctx);
      ctx.state.intuneStates.set(managed.id as string, "retirePending");
      return noContent;
    },
  },
];
