import { describe, expect, test } from "vitest";
import { scoreRun } from "../../eval/score.js";
import type { Finding } from "../../src/detect/finding.js";
import type { GroundTruth } from "../../src/emulator/tenant/ground-truth.js";

function finding(partial: Partial<Finding>): Finding {
  return {
    id: "F-1",
    detectionId: "unusual-origin",
    title: "t",
    technique: "T1098.005",
    severity: "medium",
    score: 50,
    userId: "u1",
    object: { kind: "user" },
    explanation: "e",
    evidence: [],
    recommendedActions: ["review"],
    privileged: false,
    ...partial,
  };
}

const truth: GroundTruth = {
  groundTruthVersion: 1,
  tenantId: "t",
  seed: "s",
  now: "2026-11-02T09:00:00Z",
  scenarios: [
    {
      name: "x",
      description: "",
      techniques: [],
      compromisedUsers: ["u1"],
      indicators: { ips: [], phoneNumbers: [], deviceNames: [], asns: [] },
    },
  ],
  malicious: [
    {
      id: "m1",
      kind: "method",
      userId: "u1",
      technique: "T1098.005",
      scenario: "x",
      step: 2,
      description: "rogue",
    },
    {
      id: "a1",
      kind: "audit",
      userId: "u1",
      technique: "T1098.005",
      scenario: "x",
      step: 2,
      description: "audit",
    },
    {
      id: "s9",
      kind: "signIn",
      userId: "u7",
      technique: "T1110.003",
      scenario: "x",
      step: 1,
      description: "spray",
    },
  ],
  benignNoise: [{ id: "m2", kind: "method", userId: "u2", why: "new phone" }],
};

describe("eval scoring", () => {
  test("objects count for recall, events only for coverage; sprayed accounts are not compromised", () => {
    const score = scoreRun(
      [
        finding({
          object: { kind: "method", methodId: "m1", odataType: "x" },
          evidence: [{ kind: "audit", id: "a1", summary: "" }],
        }),
      ],
      truth,
      false,
    );
    expect(score).toMatchObject({ tp: 1, fp: 0, objects: 2, objectsFound: 2, events: 2, eventsCovered: 1 });
  });

  test("a method id is matched with its user (fixed method ids repeat across users)", () => {
    const score = scoreRun(
      [finding({ userId: "u2", object: { kind: "method", methodId: "m1", odataType: "x" } })],
      truth,
      false,
    );
    expect(score.tp).toBe(0);
    expect(score.fp).toBe(1);
    expect(score.missed.map((m) => m.id).sort()).toEqual(["m1", "u1"]);
  });

  test("low and suppressed findings do not count; high on a benign item is flagged", () => {
    const score = scoreRun(
      [
        finding({ severity: "low", userId: "u3" }),
        finding({ suppressedBy: "allowlist", userId: "u3" }),
        finding({
          severity: "high",
          userId: "u2",
          object: { kind: "method", methodId: "m2", odataType: "x" },
        }),
      ],
      truth,
      false,
    );
    expect(score.fp).toBe(1);
    expect(score.benignHigh).toHaveLength(1);
  });
});
