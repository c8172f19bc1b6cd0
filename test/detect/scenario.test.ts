import { describe, expect, test } from "vitest";
import { scoreRun } from "../../eval/score.js";
import { snapshotFromTenant } from "../../eval/tenant-snapshot.js";
import { detect } from "../../src/detect/engine.js";
import { buildScenario } from "../../src/emulator/tenant/scenarios/index.js";

/**
 * One small end-to-end guard in the unit suite: the demo scenario (every attack at once) and the
 * benign-noise scenario, through the fast path and the evaluation's scoring. `npm run eval` does
 * the full matrix of scenarios, seeds and sizes.
 */
describe("scenarios against ground truth (small)", () => {
  test("demo: every malicious object found, no false positive", () => {
    const { tenant, groundTruth } = buildScenario("demo", { users: 120, days: 30, seed: "unit" });
    const result = detect(snapshotFromTenant(tenant), { responderAppIds: tenant.apps.map((a) => a.appId) });
    const score = scoreRun(result.findings, groundTruth, false);
    expect(score.missed).toEqual([]);
    expect(score.falsePositives.map((f) => f.explanation)).toEqual([]);
    expect(score.objects).toBeGreaterThan(5);
  });

  test("benign-noise: nothing at medium or above", () => {
    const { tenant, groundTruth } = buildScenario("benign-noise", { users: 120, days: 30, seed: "unit" });
    const result = detect(snapshotFromTenant(tenant), { responderAppIds: tenant.apps.map((a) => a.appId) });
    const score = scoreRun(result.findings, groundTruth, true);
    expect(score.falsePositives.map((f) => f.explanation)).toEqual([]);
    expect(score.benignHigh).toEqual([]);
  });
});
