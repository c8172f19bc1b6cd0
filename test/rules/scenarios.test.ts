import { describe, expect, test } from "vitest";
import { buildScenario } from "../../src/emulator/tenant/index.js";
import { evaluateIntent, type IntentMatch } from "../../src/rules/evaluate.js";
import { RULE_INTENTS } from "../../src/rules/intents.js";
import type { RuleIntent } from "../../src/rules/model.js";
import { EMPTY_TUNING, tuneIntent } from "../../src/rules/tuning.js";

/**
 * Every rule intent evaluated on the emulator's scenarios, against their ground truth: on each
 * attack, the rules that mirror the attack's steps fire on the malicious records (and only there);
 * on benign-noise no high-severity rule fires, and the medium ones that do are on records the
 * ground truth lists as alarming-but-legitimate.
 */

const OPTIONS = { users: 60, days: 30, seed: "rules-scenarios" };

/** The rules each attack must set off (others may fire too, but only on malicious records). */
const EXPECTED: Record<string, string[]> = {
  "apt29-dormant": ["registration-in-single-factor-session"],
  "sim-swap": ["phone-number-on-several-users", "registration-from-unseen-ip"],
  "mfa-fatigue": [
    "mfa-denials-from-new-ip-then-success",
    "registration-after-risky-signin",
    "mfa-fraud-reported-audit",
  ],
  "device-code-prt": ["device-code-to-auth-broker", "tool-default-device"],
  "bulk-join": ["bulk-device-registration", "tool-default-device", "device-registration-without-mfa"],
  "admin-persistence": ["admin-registered-security-info", "phone-number-on-several-users"],
};

function run(name: string) {
  const { tenant, groundTruth } = buildScenario(name, OPTIONS);
  const records = { audits: tenant.directoryAudits, signIns: tenant.signIns };
  const fired = new Map<string, IntentMatch[]>();
  for (const intent of RULE_INTENTS) {
    const matches = evaluateIntent(intent, records);
    if (matches.length) fired.set(intent.id, matches);
  }
  return { fired, groundTruth, records };
}

describe("rules on the emulator's attack scenarios", () => {
  test.each(Object.entries(EXPECTED))(
    "%s: its rules fire, and every alert includes a malicious record",
    (name, expected) => {
      const { fired, groundTruth } = run(name);
      const malicious = new Set(groundTruth.malicious.map((m) => m.id));
      expect([...fired.keys()]).toEqual(expect.arrayContaining(expected));
      for (const [id, matches] of fired) {
        for (const match of matches) {
          expect(
            match.recordIds.some((r) => malicious.has(r)),
            `${id} alert on ${match.subject} (${match.recordIds.join(", ")})`,
          ).toBe(true);
        }
      }
    },
  );
});

describe("rules on benign-noise", () => {
  const { fired, groundTruth, records } = run("benign-noise");
  const noise = new Set(groundTruth.benignNoise.map((b) => b.id));
  const severityOf = (id: string) => (RULE_INTENTS.find((i) => i.id === id) as RuleIntent).severity;

  test("no high-severity rule fires", () => {
    expect(
      [...fired.keys()].filter((id) => severityOf(id) === "high" || severityOf(id) === "critical"),
    ).toEqual([]);
  });

  test("what does fire is on records the ground truth documents as alarming but legitimate", () => {
    for (const [id, matches] of fired) {
      for (const match of matches)
        expect(
          match.recordIds.some((r) => noise.has(r)),
          id,
        ).toBe(true);
    }
  });

  test("tuned with the helpdesk allowlisted, the helpdesk's TAP no longer alerts", () => {
    const admin = RULE_INTENTS.find((i) => i.id === "admin-registered-security-info") as RuleIntent;
    const initiators = (fired.get(admin.id) ?? []).flatMap((m) =>
      records.audits
        .filter((a) => a.id === m.recordIds[0])
        .map((a) => a.initiatedBy?.user?.userPrincipalName?.toLowerCase() ?? ""),
    );
    expect(initiators.length).toBeGreaterThan(0);
    const tuned = tuneIntent(admin, { ...EMPTY_TUNING, allowedAccounts: initiators });
    expect(evaluateIntent(tuned, records)).toEqual([]);
  });
});
