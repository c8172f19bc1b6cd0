import { beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_BEHAVIOUR } from "../../src/emulator/behaviour.js";
import { registerDevice, registerMethod, signIn } from "../../src/emulator/state/attacker.js";
import { EmulatorState } from "../../src/emulator/state/state.js";
import { generateTenant } from "../../src/emulator/tenant/generator.js";
import { evaluateIntent, type LogRecords } from "../../src/rules/evaluate.js";
import { RULE_INTENTS } from "../../src/rules/intents.js";
import type { RuleIntent } from "../../src/rules/model.js";
import { EMPTY_TUNING, tuneIntent } from "../../src/rules/tuning.js";

/**
 * The rules' intents on records the emulator writes: a generated tenant's benign history, then the
 * attacker's actions through the emulated service (the same records Graph would return).
 */

const NOW = new Date("2026-05-20T12:00:00.000Z");
const HOSTILE = { ipAddress: "185.156.73.54", location: { city: "Bucharest", countryOrRegion: "RO" } };
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

const intent = (id: string): RuleIntent => RULE_INTENTS.find((i) => i.id === id) as RuleIntent;

let state: EmulatorState;
let benign: LogRecords;
const records = (): LogRecords => ({ audits: state.allAudits(), signIns: [...state.signIns] });

beforeAll(() => {
  state = new EmulatorState(
    generateTenant({ users: 40, days: 20, seed: "rules-tests", now: NOW }),
    DEFAULT_BEHAVIOUR,
    0,
  );
  benign = records();
});

/** An enabled user with a steady sign-in history, as the baseline rules need. */
function activeUser(skip: readonly string[] = []): string {
  const counts = new Map<string, number>();
  for (const s of benign.signIns) {
    if ((s.status?.errorCode ?? 0) === 0) counts.set(s.userId, (counts.get(s.userId) ?? 0) + 1);
  }
  const [id] = [...counts].filter(([id]) => !skip.includes(id)).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (!id) throw new Error("generated tenant has no active user");
  return id;
}

describe("rules on emulator-written records", () => {
  test("benign history: no high-severity rule fires; the helpdesk's method registrations are the only medium hits and an allowlist silences them", () => {
    const fired = RULE_INTENTS.map((i) => [i, evaluateIntent(i, benign)] as const).filter(
      ([, m]) => m.length,
    );
    expect(fired.filter(([i]) => i.severity === "high").map(([i]) => i.id)).toEqual([]);
    expect(fired.map(([i]) => i.id).every((id) => id === "admin-registered-security-info")).toBe(true);
    const initiators = new Set(
      fired.flatMap(([, m]) =>
        m.flatMap((x) =>
          benign.audits
            .filter((a) => a.id === x.recordIds[0])
            .map((a) => a.initiatedBy?.user?.userPrincipalName ?? ""),
        ),
      ),
    );
    const tuned = tuneIntent(intent("admin-registered-security-info"), {
      ...EMPTY_TUNING,
      allowedAccounts: [...initiators].map((u) => u.toLowerCase()),
    });
    expect(evaluateIntent(tuned, benign)).toEqual([]);
  });

  test("the attacker registers an Authenticator from a new network: unseen-IP rule fires for that user only", () => {
    const victim = activeUser();
    registerMethod(state, {
      ...HOSTILE,
      when: at(10),
      userId: victim,
      method: {
        "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        displayName: "SM-G991B",
        deviceTag: "SoftwareTokenActivated",
        phoneAppVersion: "6.2406.4244",
      },
    });
    const matches = evaluateIntent(intent("registration-from-unseen-ip"), records());
    const upn = state.findUser(victim)?.userPrincipalName.toLowerCase();
    expect(matches.map((m) => m.subject)).toEqual([upn]);
  });

  test("prompt bombing then success: the fatigue rule fires; the denials alone do not", () => {
    const victim = activeUser([]);
    for (let i = 0; i < 10; i++) {
      signIn(state, {
        ...HOSTILE,
        when: at(30 + i * 0.3),
        userId: victim,
        outcome: i % 2 ? "mfaTimeout" : "mfaDenied",
      });
    }
    expect(evaluateIntent(intent("mfa-fatigue-then-success"), records())).toEqual([]);
    signIn(state, { ...HOSTILE, when: at(36), userId: victim, outcome: "success" });
    expect(evaluateIntent(intent("mfa-fatigue-then-success"), records())).toHaveLength(1);
  });

  test("a fraud report on the prompt fires the fraud rule", () => {
    signIn(state, { ...HOSTILE, when: at(50), userId: activeUser(), outcome: "mfaFraud" });
    expect(evaluateIntent(intent("mfa-fraud-reported-signin"), records())).toHaveLength(1);
  });

  test("ROADtools-default devices, three in minutes: tool and bulk rules fire", () => {
    const victim = activeUser();
    for (let i = 0; i < 3; i++) {
      registerDevice(state, {
        ...HOSTILE,
        when: at(60 + i * 4),
        userId: victim,
        displayName: `DESKTOP-${["7QX2M4KD", "A1B2C3D4", "Z9Y8X7W6"][i]}`,
        operatingSystem: "Windows",
        operatingSystemVersion: "10.0.19041.928",
      });
    }
    const now = records();
    expect(evaluateIntent(intent("tool-default-device"), now).length).toBeGreaterThanOrEqual(3);
    expect(evaluateIntent(intent("bulk-device-registration"), now)).toHaveLength(1);
  });
});
