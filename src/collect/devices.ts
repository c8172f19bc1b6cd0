import type { Device, DirectoryObjectRef } from "../graph/types.js";
import { type CollectContext, graphProvenance, type PartOutcome, scopesOf } from "./context.js";
import { DEVICE_FIELDS, REF_FIELDS } from "./fields.js";
import { listAll } from "./list.js";
import { runPart } from "./outcome.js";
import { permissionGate } from "./preflight.js";

/**
 * Graph returns at most 20 objects of an expanded relationship and at most 100 parent objects per
 * page when `$expand` is used on directory objects (documented known issue).
 */
const EXPAND_LIMIT = 20;
const EXPAND_PAGE = "100";

type Relationship = "registeredOwners" | "registeredUsers";

/**
 * Devices with their registered owners and users: one listing per relationship with `$expand`
 * (one request per 100 devices instead of one per device), and a per-device listing only for the
 * rare device whose expansion may have been cut at 20.
 */
export async function collectDevices(ctx: CollectContext): Promise<PartOutcome> {
  const denied = permissionGate(ctx.granted, "devices", "devices");
  if (denied) return denied;
  ctx.progress.begin("devices");
  const outcome = await runPart("devices", "devices", async (count) => {
    const devices = new Map<string, Device>();
    // The two listings are independent: run them side by side.
    const [owners, users] = await Promise.all([
      listWithRelationship(ctx, "registeredOwners", devices),
      listWithRelationship(ctx, "registeredUsers", devices),
    ]);
    const provenance = graphProvenance("/devices");
    ctx.store.transaction(() => {
      ctx.store.replaceInventory("devices", undefined, [...devices.values()], provenance);
      for (const id of devices.keys()) {
        ctx.store.replaceInventory(
          "deviceOwners",
          id,
          owners.get(id) ?? [],
          graphProvenance("/devices/{id}/registeredOwners"),
        );
        ctx.store.replaceInventory(
          "deviceUsers",
          id,
          users.get(id) ?? [],
          graphProvenance("/devices/{id}/registeredUsers"),
        );
      }
      // Owners and users of devices that no longer exist go with them.
      for (const [kind, relationship] of [
        ["deviceOwners", "registeredOwners"],
        ["deviceUsers", "registeredUsers"],
      ] as const) {
        for (const scope of scopesOf(ctx, kind)) {
          if (!devices.has(scope)) {
            ctx.store.replaceInventory(kind, scope, [], graphProvenance(`/devices/{id}/${relationship}`));
          }
        }
      }
      ctx.store.setCheckpoint("devices", { completedAt: provenance.collectedAt });
    });
    count(devices.size);
    return undefined;
  });
  ctx.progress.end("devices", outcome.status === "collected" ? `${outcome.records} devices` : outcome.status);
  return outcome;
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
