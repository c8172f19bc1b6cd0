import type { GraphClient, GraphRequest } from "../graph/client.js";
import { GraphError } from "../graph/client.js";
import type { AuthenticationMethod, Device, ODataCollection } from "../graph/types.js";
import { deviceState, targetFingerprint } from "./fingerprint.js";
import type { UserPlan } from "./plan.js";

/**
 * Reads each user's current methods and targeted devices (in `$batch`es, through the client's
 * budgets) and fingerprints them the way the planner did, so `apply` can refuse a plan whose
 * targets changed since it was made.
 */
export interface LiveTargets {
  fingerprint: string;
  summary: string;
  objects: { methods: AuthenticationMethod[]; devices: Device[] };
}

export async function readLiveFingerprints(
  graph: GraphClient,
  users: readonly UserPlan[],
): Promise<Map<string, LiveTargets>> {
  const requests: GraphRequest[] = [];
  const index: { userId: string; kind: "methods" | "device"; deviceId?: string }[] = [];
  for (const user of users) {
    requests.push({
      method: "GET",
      path: `/users/${encodeURIComponent(user.userId)}/authentication/methods`,
    });
    index.push({ userId: user.userId, kind: "methods" });
    for (const device of user.baseline.devices) {
      requests.push({ method: "GET", path: `/devices/${encodeURIComponent(device.id)}` });
      index.push({ userId: user.userId, kind: "device", deviceId: device.id });
    }
  }
  const responses = requests.length > 0 ? await graph.batch(requests) : [];
  const methods = new Map<string, AuthenticationMethod[]>();
  const devices = new Map<string, { id: string; device?: Device }[]>();
  const failures = new Map<string, string>();
  responses.forEach((response, i) => {
    const slot = index[i]!;
    if (response instanceof GraphError) {
      if (slot.kind === "device" && response.status === 404) {
        devices.set(slot.userId, [...(devices.get(slot.userId) ?? []), { id: slot.deviceId! }]);
      } else {
        failures.set(slot.userId, response.message);
      }
      return;
    }
    if (slot.kind === "methods") {
      const body = response.body as ODataCollection<AuthenticationMethod>;
      methods.set(slot.userId, body.value);
      // Method lists are short; a user with a nextLink would need paging the batch cannot do.
      if (body["@odata.nextLink"]) failures.set(slot.userId, "method list longer than one page");
    } else {
      devices.set(slot.userId, [
        ...(devices.get(slot.userId) ?? []),
        { id: slot.deviceId!, device: response.body as Device },
      ]);
    }
  });
  const result = new Map<string, LiveTargets>();
  for (const user of users) {
    const failure = failures.get(user.userId);
    if (failure) {
      result.set(user.userId, {
        fingerprint: "",
        summary: `could not read: ${failure}`,
        objects: { methods: [], devices: [] },
      });
      continue;
    }
    const userMethods = methods.get(user.userId) ?? [];
    const userDevices = devices.get(user.userId) ?? [];
    const fingerprint = targetFingerprint(
      userMethods,
      userDevices.map((d) => deviceState(d.device, d.id)),
    );
    result.set(user.userId, {
      fingerprint,
      summary: `${userMethods.length} method(s) now, ${user.baseline.methods.length} planned; ${userDevices.filter((d) => d.device).length}/${user.baseline.devices.length} targeted device(s) present`,
      objects: { methods: userMethods, devices: userDevices.flatMap((d) => (d.device ? [d.device] : [])) },
    });
  }
  return result;
}
