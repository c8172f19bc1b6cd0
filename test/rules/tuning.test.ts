import { describe, expect, test } from "vitest";
import type { AllowlistEntry } from "../../src/detect/config.js";
import type { Finding } from "../../src/detect/finding.js";
import { sha256Hex } from "../../src/rules/condition.js";
import { evaluateIntent } from "../../src/rules/evaluate.js";
import { RULE_INTENTS } from "../../src/rules/intents.js";
import { tuneIntent, tuningFromCase, watchlistIntents } from "../../src/rules/tuning.js";
import type { CaseSnapshot } from "../../src/store/snapshot.js";
import { caseSnapshot } from "../../src/store/snapshot.js";
import { addsDevice, alice, audit, bob, helpdesk, registersMethod, setsPhone, signIn } from "./records.js";

const snapshot = (partial: Partial<CaseSnapshot>): CaseSnapshot => caseSnapshot(partial);

function finding(partial: Partial<Finding>): Finding {
  return {
    id: "f1",
    detectionId: "unusual-origin",
    title: "t",
    technique: "T1098.005",
    severity: "high",
    score: 80,
    userId: alice.id,
    object: { kind: "user" },
    explanation: "",
    evidence: [],
    recommendedActions: [],
    privileged: false,
    ...partial,
  };
}

const NOW = new Date("2026-05-20T12:00:00Z");
const T0 = "2026-05-20T09:00:00.000Z";

const CASE = snapshot({
  namedLocations: [
    {
      "@odata.type": "#microsoft.graph.ipNamedLocation",
      id: "loc1",
      displayName: "HQ",
      isTrusted: true,
      ipRanges: [{ cidrAddress: "198.51.100.0/24" }],
    },
    {
      "@odata.type": "#microsoft.graph.ipNamedLocation",
      id: "loc2",
      displayName: "Guest Wi-Fi",
      isTrusted: false,
      ipRanges: [{ cidrAddress: "192.0.2.0/24" }],
    },
  ],
  devices: [
    { id: "dev-good", deviceId: "d-good", displayName: "LAPTOP-HQ-01" },
    { id: "dev-bad", deviceId: "d-bad", displayName: "DESKTOP-AB12CD34" },
  ],
  methods: new Map([
    [
      alice.id,
      [
        {
          "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
          id: "m1",
          phoneNumber: "+1 425 555 0100",
          phoneType: "mobile",
        },
      ],
    ],
  ]),
});

const ALLOWLIST: AllowlistEntry[] = [
  { kind: "device", value: "dev-good", reason: "CEO laptop", expires: "2027-01-01" },
  { kind: "account", value: "HelpDesk@contoso.com", reason: "service desk", expires: "2027-01-01" },
  { kind: "ipRange", value: "10.0.0.0/8", reason: "VPN", expires: "2027-01-01" },
  { kind: "ipRange", value: "172.16.0.0/12", reason: "old VPN", expires: "2026-01-01" },
];

const FINDINGS: Finding[] = [
  finding({ id: "a", evidence: [{ kind: "audit", id: "x", summary: "", ipAddress: "203.0.113.66" }] }),
  finding({ id: "b", object: { kind: "device", deviceObjectId: "dev-bad" } }),
  finding({
    id: "c",
    object: { kind: "method", methodId: "m1", odataType: "#microsoft.graph.phoneAuthenticationMethod" },
  }),
  finding({
    id: "d",
    suppressedBy: "allowlist",
    evidence: [{ kind: "audit", id: "y", summary: "", ipAddress: "198.51.100.5" }],
  }),
  finding({ id: "e", evidence: [{ kind: "audit", id: "z", summary: "", ipAddress: "192.0.2.77" }] }),
  // Low severity: only a responder's true-positive verdict makes its evidence an indicator.
  finding({
    id: "g",
    severity: "low",
    evidence: [{ kind: "signin", id: "s1", summary: "", ipAddress: "192.0.2.90" }],
  }),
  finding({
    id: "h",
    severity: "low",
    evidence: [{ kind: "signin", id: "s2", summary: "", ipAddress: "203.0.113.99" }],
  }),
  // Evidence inside a trusted range is never an attacker indicator.
  finding({ id: "i", evidence: [{ kind: "signin", id: "s3", summary: "", ipAddress: "198.51.100.44" }] }),
];

describe("tuning from a case", () => {
  const tuning = tuningFromCase(CASE, FINDINGS, {
    allowlist: ALLOWLIST,
    triage: [
      { findingId: "e", verdict: "falsePositive", decidedAt: T0 },
      { findingId: "h", verdict: "truePositive", decidedAt: T0 },
    ],
    now: NOW,
  });

  test("trusted ranges: trusted named locations and live allowlist ranges only", () => {
    expect(tuning.trustedCidrs).toEqual(["10.0.0.0/8", "198.51.100.0/24"]);
    expect(tuning.trustedLocationNames).toEqual(["HQ"]);
  });

  test("allowlisted devices by id and by their name in the case; accounts lower-cased", () => {
    expect(tuning.allowedDevices).toEqual(["LAPTOP-HQ-01", "dev-good"]);
    expect(tuning.allowedAccounts).toEqual(["helpdesk@contoso.com"]);
  });

  test("indicators: findings not suppressed nor false positives, medium or worse or confirmed, outside trusted ranges", () => {
    expect(tuning.indicators).toEqual({
      ips: ["203.0.113.66", "203.0.113.99"],
      deviceNames: ["DESKTOP-AB12CD34"],
      phones: ["+14255550100"],
    });
  });

  test("a tuned rule ignores trusted and allowlisted activity but still fires on the rest", () => {
    const bulk = tuneIntent(RULE_INTENTS.find((i) => i.id === "bulk-device-registration")!, tuning);
    const fromHq = [0, 2, 4].map((m, i) =>
      addsDevice(alice, new Date(Date.parse(T0) + m * 60_000).toISOString(), "198.51.100.7", `D${i}`),
    );
    const fromOutside = [0, 2, 4].map((m, i) =>
      addsDevice(bob, new Date(Date.parse(T0) + m * 60_000).toISOString(), "203.0.113.9", `E${i}`),
    );
    expect(
      evaluateIntent(bulk, { audits: [...fromHq, ...fromOutside], signIns: [] }).map((m) => m.subject),
    ).toEqual([bob.upn]);

    const admin = tuneIntent(RULE_INTENTS.find((i) => i.id === "admin-registered-security-info")!, tuning);
    const byHelpdesk = audit("Admin registered security info", T0, {
      by: helpdesk,
      target: { type: "User", id: alice.id, upn: alice.upn },
    });
    const byBob = audit("Admin registered security info", T0, {
      by: bob,
      target: { type: "User", id: alice.id, upn: alice.upn },
    });
    expect(
      evaluateIntent(admin, { audits: [byHelpdesk, byBob], signIns: [] }).map((m) => m.recordIds[0]),
    ).toEqual([byBob.id]);
  });

  test("watchlist rules fire on the attacker's indicators only", () => {
    const rules = watchlistIntents(tuning, "hashed");
    expect(rules.map((r) => r.id)).toEqual([
      "attacker-indicators-signin",
      "attacker-indicators-audit",
      "attacker-phone-number",
    ]);
    const [signInRule, auditRule, phoneRule] = rules;
    const records = {
      signIns: [signIn(bob, T0, { ip: "203.0.113.66" }), signIn(bob, T0, { ip: "198.51.100.8" })],
      audits: [
        registersMethod(bob, T0, "203.0.113.66"),
        setsPhone(bob, T0, "+1 (425) 555-0100"),
        setsPhone(bob, T0, "+44 20 7946 0000"),
      ],
    };
    expect(evaluateIntent(signInRule!, records)).toHaveLength(1);
    expect(evaluateIntent(auditRule!, records)).toHaveLength(1);
    expect(evaluateIntent(phoneRule!, records).map((m) => m.recordIds[0])).toEqual([records.audits[1]?.id]);
    // Hashed: the number itself is not in the rule.
    expect(JSON.stringify(phoneRule)).not.toContain("4255550100");
    expect(JSON.stringify(phoneRule)).toContain(sha256Hex("+14255550100"));
  });

  test("no findings, no watchlist", () => {
    expect(watchlistIntents(tuningFromCase(CASE, [], { now: NOW }), "full")).toEqual([]);
  });
});
