import type { GraphClient } from "../graph/client.js";
import type { AuthenticationMethod, Device } from "../graph/types.js";
import type { EvictionPlan, UserPlan } from "./plan.js";
import { isNotFound } from "./steps.js";
import type { EvictStore } from "./store.js";

/** Before the user's first write: the full JSON of every object the plan deletes, read live (else the plan's copy). */
export async function saveForensics(
  options: { plan: EvictionPlan; graph: GraphClient; store: EvictStore; now?: () => Date },
  user: UserPlan,
  liveObjects: { methods: AuthenticationMethod[]; devices: Device[] } | undefined,
): Promise<void> {
  const { plan, graph, store } = options;
  const saved = new Set(store.forensics(plan.id, user.userId).map((r) => `${r.objectKind}|${r.objectId}`));
  const at = (options.now ?? (() => new Date()))().toISOString();
  for (const step of user.steps) {
    if (step.kind === "deleteMethod" && !saved.has(`method|${step.methodId}`)) {
      const live = liveObjects?.methods.find((m) => m.id === step.methodId);
      const baseline = user.baseline.methods.find((m) => m.id === step.methodId);
      store.saveForensic({
        planId: plan.id,
        userId: user.userId,
        objectKind: "method",
        objectId: step.methodId,
        capturedAt: at,
        source: live ? "graph" : "plan",
        json: live ?? baseline ?? { id: step.methodId, "@odata.type": step.odataType },
      });
      saved.add(`method|${step.methodId}`);
    }
    if (step.kind === "deleteDevice" && !saved.has(`device|${step.deviceObjectId}`)) {
      // The drift check's read (full object, before any write of this run) serves when there was one.
      let device: Device | undefined = liveObjects?.devices.find((d) => d.id === step.deviceObjectId);
      if (!device) device = await readDeviceOrAbsent(graph, step.deviceObjectId);
      store.saveForensic({
        planId: plan.id,
        userId: user.userId,
        objectKind: "device",
        objectId: step.deviceObjectId,
        capturedAt: at,
        source: device ? "graph" : "plan",
        json: device ??
          user.baseline.devices.find((d) => d.id === step.deviceObjectId) ?? { id: step.deviceObjectId },
      });
      saved.add(`device|${step.deviceObjectId}`);
    }
  }
}

async function readDeviceOrAbsent(graph: GraphClient, deviceObjectId: string): Promise<Device | undefined> {
  try {
    return (
      await graph.request<Device>({ method: "GET", path: `/devices/${encodeURIComponent(deviceObjectId)}` })
    ).body;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
