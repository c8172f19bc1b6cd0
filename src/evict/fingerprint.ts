import type { AuthenticationMethod, Device } from "../graph/types.js";
import { canonicalJson, sha256Hex } from "../journal/canonical.js";

/**
 * The drift fingerprint of one user's eviction targets: every method the user has (type + id: a
 * method added after planning is exactly the change a re-plan must see) and, for each targeted
 * device, whether it exists and is enabled. Computed the same way from the case at plan time and
 * from live Graph reads at apply time.
 */
export function targetFingerprint(
  methods: readonly Pick<AuthenticationMethod, "id" | "@odata.type">[],
  devices: readonly { id: string; present: boolean; accountEnabled?: boolean | null }[],
): string {
  const methodKeys = methods.map((m) => `${m["@odata.type"]}|${m.id}`).sort();
  const deviceKeys = devices
    .map((d) => `${d.id}|${d.present ? (d.accountEnabled === false ? "disabled" : "enabled") : "absent"}`)
    .sort();
  return sha256Hex(canonicalJson({ methods: methodKeys, devices: deviceKeys }));
}

export function deviceState(device: Device | undefined, id: string) {
  return device ? { id, present: true, accountEnabled: device.accountEnabled } : { id, present: false };
}
