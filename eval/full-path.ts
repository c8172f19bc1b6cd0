import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { collectCase } from "../src/collect/index.js";
import { startEmulator } from "../src/emulator/index.js";
import type { TenantDocument } from "../src/emulator/tenant/schema.js";
import { createGraphClient, credentialFromEnvironment } from "../src/graph/index.js";
import { openCase } from "../src/store/index.js";
import type { CaseSnapshot } from "../src/store/snapshot.js";

/**
 * The full path of the evaluation: serve the scenario's tenant from the emulator over HTTPS, collect
 * it into a fresh case file with the product's connector (as `mfa-evict collect` would), and read
 * the case back. Detection then sees exactly what a responder would. Throttling limits are raised
 * (the documented ones belong to the collection benchmark, not to scoring detection).
 */
export interface CollectedCase {
  snapshot: CaseSnapshot;
  /** The app the collection ran as: its own writes are the responder's. */
  responderAppId: string;
  seconds: number;
}

const RAISED_LIMITS = { reportsPer10s: 200, protectionPerSecond: 50 };

export async function collectTenant(tenant: TenantDocument, days: number): Promise<CollectedCase> {
  const started = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), "mfa-evict-eval-"));
  const emulator = await startEmulator({ tenant, seed: 7, throttle: RAISED_LIMITS, auditDelayMs: 0 });
  const client = createGraphClient({
    env: emulator.env,
    credential: credentialFromEnvironment(emulator.env),
    budgets: { reports: { capacity: 200, windowMs: 10_000 }, protection: { capacity: 50, windowMs: 1_000 } },
  });
  const store = openCase(path.join(dir, "case.db"));
  try {
    // The whole history: the generator's "now" is fixed, so the window is anchored on it.
    const newest = Math.max(
      ...tenant.signIns.slice(0, 1000).map((s) => Date.parse(s.createdDateTime)),
      Date.parse(tenant.tenant.createdDateTime),
    );
    const since = new Date(Math.min(newest, Date.now()) - (days + 2) * 86_400_000);
    const summary = await collectCase({ client, store, since });
    const failed = summary.outcomes.filter((outcome) => outcome.status === "failed");
    if (failed.length > 0) {
      throw new Error(`collection failed for ${failed.map((outcome) => outcome.part).join(", ")}`);
    }
    return {
      snapshot: store.snapshot(),
      responderAppId: emulator.env.AZURE_CLIENT_ID ?? "",
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    store.close();
    await client.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
