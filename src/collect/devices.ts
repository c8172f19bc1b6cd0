import { GraphError } from "../graph/index.js";
import type { Device, DirectoryObjectRef } from "../graph/types.js";
import { type CollectContext, graphProvenance, type PartOutcome, scopesOf } from "./context.js";
import { DEVICE_FIELDS, REF_FIELDS } from "./fields.js";
import {
  auditTargets,
  completedCheckpoint,
  decidePass,
  type InventoryPlan,
  namesDevice,
  type PassCheckpoint,
  type PassDecision,
} from "./inventory-pass.js";
import { listAll } from "./list.js";
import { runPart } from "./outcome.js";
import { permissionGate } from "./preflight.js";
import { USERS_CHECKPOINT, type UsersCheckpoint } from "./users.js";

/**
 * Graph returns at most 20 objects of an expanded relationship and at most 100 parent objects per
 * page when `$expand` is used on directory objects (documented known issue).
 */
const EXPAND_LIMIT = 20;
const EXPAND_PAGE = "100";
/** Directory listings without `$expand` page up to 999. */
const LIST_PAGE = "999";
const USER_TYPE = "#microsoft.graph.user";

type Relationship = "registeredOwners" | "registeredUsers";

export const DEVICES_CHECKPOINT = "devices";

/** Owners and users of each device whose relationships were read in this pass. */
interface DevicePass {
  devices: Map<string, Device>;
  owners: Map<string, DirectoryObjectRef[]>;
  users: Map<string, DirectoryObjectRef[]>;
}

/**
 * Devices with their registered owners and users.
 *
 * A full pass lists the devices once per relationship with `$expand` (one request per 100 devices
 * instead of one per device), and lists per device only the rare device whose expansion may have
 * been cut at 20. An incremental pass (see inventory-pass.ts for when) lists the devices without
 * `$expand` (999 per page: every device's fields current, deleted devices gone) and re-reads the
 * owners and users only of devices new to the case, devices an audit record since the last pass
 * names, and devices whose stored owner or user references no longer match the users listing (a
 * renamed or deleted user: no audit names the device then).
 */
export async function collectDevices(
  ctx: CollectContext,
  plan: InventoryPlan,
  usersListed: Promise<unknown> | undefined,
): Promise<PartOutcome> {
  const denied = permissionGate(ctx.granted, "devices", "devices");
  if (denied) return denied;
  ctx.progress.begin("devices");
  const previous = ctx.store.getCheckpoint(DEVICES_CHECKPOINT) as Partial<PassCheckpoint> | undefined;
  let decision: PassDecision | undefined;
  const outcome = await runPart("devices", "devices", async (count) => {
    decision = await decidePass(ctx, DEVICES_CHECKPOINT, plan, () => usersBlocker(ctx, usersListed));
    const pass =
      decision.mode === "incremental" ? await changedPass(ctx, decision.auditsSince!) : await fullPass(ctx);
    const { devices, owners, users } = pass;
    const provenance = graphProvenance("/devices");
    ctx.store.transaction(() => {
      ctx.store.replaceInventory("devices", undefined, [...devices.values()], provenance);
      for (const [kind, relationship, refs] of [
        ["deviceOwners", "registeredOwners", owners],
        ["deviceUsers", "registeredUsers", users],
      ] as const) {
        const endpoint = graphProvenance(`/devices/{id}/${relationship}`);
        for (const [id, related] of refs) ctx.store.replaceInventory(kind, id, related, endpoint);
        // Owners and users of devices that no longer exist go with them.
        for (const scope of scopesOf(ctx, kind)) {
          if (!devices.has(scope)) ctx.store.replaceInventory(kind, scope, [], endpoint);
        }
      }
      ctx.store.setCheckpoint(DEVICES_CHECKPOINT, completedCheckpoint(ctx, previous, decision!, true));
    });
    count(devices.size);
    return decision.mode === "incremental"
      ? `incremental, owners and users of ${owners.size} of ${devices.size} devices re-read (${decision.reason})`
      : `full pass: ${decision.reason}`;
  });
  ctx.progress.end("devices", outcome.status === "collected" ? `${outcome.records} devices` : outcome.status);
  return outcome.status === "collected" && decision ? { ...outcome, mode: decision.mode } : outcome;
}

/**
 * Reference checks need this run's listing of every user: wait for it, and say why not when it is
 * missing.
 */
async function usersBlocker(
  ctx: CollectContext,
  usersListed: Promise<unknown> | undefined,
): Promise<string | undefined> {
  if (ctx.users) return "a --users scope lists only some users, and owners are checked against the listing";
  if (!usersListed) return "users are not listed in this run, and owners are checked against the listing";
  await usersListed;
  const listing = ctx.store.getCheckpoint(USERS_CHECKPOINT) as UsersCheckpoint | undefined;
  if (!listing || listing.scopedIds || listing.completedAt < ctx.asOf.toISOString())
    return "the users listing of this run did not complete";
  return undefined;
}

async function fullPass(ctx: CollectContext): Promise<DevicePass> {
  const devices = new Map<string, Device>();
  // The two listings are independent: run them side by side.
  const [owners, users] = await Promise.all([
    listWithRelationship(ctx, "registeredOwners", devices),
    listWithRelationship(ctx, "registeredUsers", devices),
  ]);
  // A device created between the two listings has references from one of them only.
  for (const id of devices.keys()) {
    if (!owners.has(id)) owners.set(id, []);
    if (!users.has(id)) users.set(id, []);
  }
  return { devices, owners, users };
}

async function changedPass(ctx: CollectContext, auditsSince: string): Promise<DevicePass> {
  const devices = new Map<string, Device>();
  const query = { $select: DEVICE_FIELDS.join(","), $top: LIST_PAGE };
  for await (const items of ctx.client.pages<Device>({ method: "GET", path: "/devices", query })) {
    for (const device of items) devices.set(device.id, device);
    ctx.progress.advance("devices", items.length);
  }
  // Audit targets carry the object id; the deviceId is accepted too, in case a service logs that.
  const byDeviceId = new Map<string, string>();
  for (const device of devices.values()) if (device.deviceId) byDeviceId.set(device.deviceId, device.id);
  const changed = new Set<string>();
  for (const id of auditTargets(ctx, auditsSince, "Device", namesDevice)) {
    const objectId = devices.has(id) ? id : byDeviceId.get(id);
    if (objectId) changed.add(objectId);
  }
  for (const id of devices.keys()) if (!ctx.store.get("devices", id)) changed.add(id);
  for (const kind of ["deviceOwners", "deviceUsers"] as const) {
    for (const { scope, record } of ctx.store.iterate(kind)) {
      if (scope && devices.has(scope) && !changed.has(scope) && isStale(ctx, record)) changed.add(scope);
    }
  }
  const ids = [...changed].sort();
  const [owners, users] = await Promise.all([
    readRelationship(ctx, "registeredOwners", ids),
    readRelationship(ctx, "registeredUsers", ids),
  ]);
  return { devices, owners, users };
}

/** A stored user reference that the users listing contradicts: the user is gone or renamed. */
function isStale(ctx: CollectContext, ref: DirectoryObjectRef): boolean {
  if (ref["@odata.type"] !== USER_TYPE) return false;
  const user = ctx.store.get("users", ref.id)?.record;
  if (!user) return true;
  return (
    (user.displayName ?? null) !== (ref.displayName ?? null) ||
    (user.userPrincipalName ?? null) !== (ref.userPrincipalName ?? null)
  );
}

/** One relationship of the given devices, 20 devices per `$batch`; a device gone since the listing has none. */
async function readRelationship(
  ctx: CollectContext,
  relationship: Relationship,
  ids: readonly string[],
): Promise<Map<string, DirectoryObjectRef[]>> {
  const refs = new Map<string, DirectoryObjectRef[]>();
  if (ids.length === 0) return refs;
  const results = await ctx.client.batch<{ value: DirectoryObjectRef[]; "@odata.nextLink"?: string }>(
    ids.map((id) => ({
      method: "GET",
      path: `/devices/${encodeURIComponent(id)}/${relationship}`,
      query: { $select: REF_FIELDS.join(",") },
    })),
  );
  for (const [index, result] of results.entries()) {
    const id = ids[index]!;
    if (result instanceof GraphError) {
      if (result.status === 404) {
        refs.set(id, []);
        continue;
      }
      throw result;
    }
    const related = [...(result.body?.value ?? [])];
    const nextLink = result.body?.["@odata.nextLink"];
    if (nextLink)
      for await (const page of ctx.client.pageStream<DirectoryObjectRef>({ nextLink }))
        related.push(...page.items);
    refs.set(id, related.map(trimRef));
  }
  return refs;
}

async function listWithRelationship(
  ctx: CollectContext,
  relationship: Relationship,
  devices: Map<string, Device>,
): Promise<Map<string, DirectoryObjectRef[]>> {
  const refs = new Map<string, DirectoryObjectRef[]>();
  const truncated: string[] = [];
  const query = {
    $select: DEVICE_FIELDS.join(","),
    // A nested `($select=…)` would trim the expansion, but not every Graph implementation parses
    // commas inside it; the references are trimmed here instead.
    $expand: relationship,
    $top: EXPAND_PAGE,
  };
  for await (const items of ctx.client.pages<Device>({ method: "GET", path: "/devices", query })) {
    for (const item of items) {
      const { registeredOwners, registeredUsers, ...device } = item;
      const related = (relationship === "registeredOwners" ? registeredOwners : registeredUsers) ?? [];
      if (!devices.has(device.id)) {
        devices.set(device.id, device);
        if (relationship === "registeredOwners") ctx.progress.advance("devices", 1);
      }
      refs.set(device.id, related.map(trimRef));
      if (related.length >= EXPAND_LIMIT) truncated.push(device.id);
    }
  }
  for (const id of truncated) {
    refs.set(
      id,
      await listAll<DirectoryObjectRef>(ctx.client, {
        path: `/devices/${encodeURIComponent(id)}/${relationship}`,
        query: { $select: REF_FIELDS.join(",") },
      }).then((all) => all.map(trimRef)),
    );
  }
  return refs;
}

/** The reference fields only (an expansion returns whole user objects). */
function trimRef(ref: DirectoryObjectRef): DirectoryObjectRef {
  const out: DirectoryObjectRef = { "@odata.type": ref["@odata.type"], id: ref.id };
  if (ref.displayName !== undefined) out.displayName = ref.displayName;
  if (ref.userPrincipalName !== undefined) out.userPrincipalName = ref.userPrincipalName;
  return out;
}
