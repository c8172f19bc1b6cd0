import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../src/emulator/index.js";
import { buildScenario, type GroundTruthKind } from "../../../src/emulator/tenant/index.js";
import { type Graph, graphAs, tokenFor } from "../../support/emulator-client.js";

/**
 * The ground truth of the demo tenant (which combines five attacks and the benign noise) is
 * reachable through the emulator's Graph API; ground truth itself is not.
 */

const { tenant, groundTruth } = buildScenario("demo", { users: 120, days: 10, seed: "reachability" });
let emu: RunningEmulator;
let graph: Graph;

beforeAll(async () => {
  emu = await startEmulator({ tenant, throttle: false, auditDelayMs: 0 });
  const responder = tenant.apps[0]!;
  graph = graphAs(emu, await tokenFor(emu, responder.appId, responder.secrets[0]!));
});
afterAll(() => emu?.close());

const methodsByUser = new Map<string, Promise<string[]>>();
function methodIds(userId: string): Promise<string[]> {
  let ids = methodsByUser.get(userId);
  if (!ids) {
    ids = graph("GET", `/v1.0/users/${userId}/authentication/methods`).then((r) => {
      expect(r.status).toBe(200);
      return (r.body.value as { id: string }[]).map((m) => m.id);
    });
    methodsByUser.set(userId, ids);
  }
  return ids;
}

async function reachable(kind: GroundTruthKind, id: string, userId?: string): Promise<boolean> {
  const path: Record<Exclude<GroundTruthKind, "method" | "session">, string> = {
    device: `/v1.0/devices/${id}`,
    audit: `/v1.0/auditLogs/directoryAudits/${encodeURIComponent(id)}`,
    signIn: `/beta/auditLogs/signIns/${id}`,
    riskDetection: `/v1.0/identityProtection/riskDetections/${id}`,
    user: `/v1.0/users/${id}`,
  };
  if (kind === "method") return (await methodIds(userId!)).includes(id);
  if (kind === "session") return true; // sessions have no Graph surface; revokeSignInSessions ends them
  const r = await graph("GET", path[kind]);
  return r.status === 200 && r.body.id === id;
}

describe("demo ground truth through Graph", () => {
  test("every malicious object and event can be read by id", async () => {
    const missing: string[] = [];
    for (const m of groundTruth.malicious) {
      if (!(await reachable(m.kind, m.id, m.userId)))
        missing.push(`${m.kind} ${m.id} (${m.scenario} step ${m.step})`);
    }
    expect(missing).toEqual([]);
  });

  test("every benign-noise object and event can be read by id", async () => {
    const missing: string[] = [];
    for (const b of groundTruth.benignNoise) {
      if (!(await reachable(b.kind, b.id, b.userId))) missing.push(`${b.kind} ${b.id}`);
    }
    expect(missing).toEqual([]);
  });

  test("the attacker flag on sessions is not served", async () => {
    const victim = groundTruth.scenarios[0]!.compromisedUsers[0]!;
    const r = await graph("GET", `/v1.0/users/${victim}`);
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toMatch(/attacker|groundTruth|profile/);
  });
});
