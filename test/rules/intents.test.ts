import { describe, expect, test } from "vitest";
import { defaultConfig } from "../../src/detect/config.js";
import { DETECTIONS } from "../../src/detect/detections/index.js";
import { AUTH_BROKER_APP_ID } from "../../src/detect/signins.js";
import { evaluateIntent, type LogRecords } from "../../src/rules/evaluate.js";
import { RULE_INTENTS, TOOL_DEFAULT_OS_BUILDS } from "../../src/rules/intents.js";
import type { RuleIntent } from "../../src/rules/model.js";
import {
  addsDevice,
  alice,
  at,
  audit,
  bob,
  helpdesk,
  history,
  registersMethod,
  setsPhone,
  signIn,
} from "./records.js";

const intent = (id: string): RuleIntent => {
  const found = RULE_INTENTS.find((i) => i.id === id);
  if (!found) throw new Error(`no intent ${id}`);
  return found;
};
const run = (id: string, records: Partial<LogRecords>) =>
  evaluateIntent(intent(id), { audits: records.audits ?? [], signIns: records.signIns ?? [] });

const T0 = "2026-05-20T09:00:00.000Z";
const HOME = "198.51.100.10";
const ATTACKER = "203.0.113.66";

describe("the rule table", () => {
  test("every rule mirrors an existing detection and ids are unique", () => {
    const detectionIds = new Set(DETECTIONS.map((d) => d.id));
    for (const i of RULE_INTENTS) expect(detectionIds, i.id).toContain(i.detectionId);
    expect(new Set(RULE_INTENTS.map((i) => i.id)).size).toBe(RULE_INTENTS.length);
  });

  test("thresholds are the detection engine's defaults", () => {
    const t = defaultConfig().thresholds;
    const fatigue = intent("mfa-fatigue-then-success");
    expect(fatigue.kind === "burst" && [fatigue.threshold, fatigue.windowMinutes]).toEqual([
      t.fatigueMinFailures,
      t.fatigueWindowMinutes,
    ]);
    const bulk = intent("bulk-device-registration");
    expect(bulk.kind === "burst" && [bulk.threshold, bulk.windowMinutes]).toEqual([
      t.bulkMinDevices,
      t.bulkWindowMinutes,
    ]);
  });
});

describe("each rule fires on its attack and not on the look-alike benign activity", () => {
  test("registration from an IP unseen for the user", () => {
    const signIns = history(alice, T0, 14, HOME);
    expect(
      run("registration-from-unseen-ip", { signIns, audits: [registersMethod(alice, T0, ATTACKER)] }),
    ).toHaveLength(1);
    expect(
      run("registration-from-unseen-ip", { signIns, audits: [registersMethod(alice, T0, HOME)] }),
    ).toHaveLength(0);
    // The attacker's own sign-in minutes before the registration is not history.
    const withAttackerSignIn = [...signIns, signIn(alice, at(T0, -5), { ip: ATTACKER })];
    expect(
      run("registration-from-unseen-ip", {
        signIns: withAttackerSignIn,
        audits: [registersMethod(alice, T0, ATTACKER)],
      }),
    ).toHaveLength(1);
  });

  test("registration within hours of a risky sign-in", () => {
    const risky = signIn(alice, at(T0, -90), { ip: ATTACKER, risk: "high" });
    const matches = run("registration-after-risky-signin", {
      signIns: [risky],
      audits: [registersMethod(alice, T0, ATTACKER)],
    });
    expect(matches.map((m) => m.recordIds)).toEqual([[expect.any(String), risky.id]]);
    const lowRisk = signIn(alice, at(T0, -90), { risk: "low" });
    expect(
      run("registration-after-risky-signin", {
        signIns: [lowRisk],
        audits: [registersMethod(alice, T0, HOME)],
      }),
    ).toHaveLength(0);
    const longAgo = signIn(alice, at(T0, -8 * 60), { risk: "high" });
    expect(
      run("registration-after-risky-signin", {
        signIns: [longAgo],
        audits: [registersMethod(alice, T0, HOME)],
      }),
    ).toHaveLength(0);
  });

  test("registration on a dormant account, but not on a new hire", () => {
    // Bob signs in daily, so the logs cover the lookback; Alice has been silent for 20 days.
    const signIns = [...history(bob, T0, 20, HOME), ...history(alice, at(T0, -20 * 24 * 60), 5, HOME)];
    expect(
      run("registration-on-dormant-account", { signIns, audits: [registersMethod(alice, T0, ATTACKER)] }),
    ).toHaveLength(1);
    expect(
      run("registration-on-dormant-account", { signIns, audits: [registersMethod(bob, T0, HOME)] }),
    ).toHaveLength(0);
    const hired = audit("Add user", at(T0, -3 * 24 * 60), {
      by: helpdesk,
      service: "Core Directory",
      target: { type: "User", id: alice.id, upn: alice.upn },
    });
    expect(
      run("registration-on-dormant-account", { signIns, audits: [hired, registersMethod(alice, T0, HOME)] }),
    ).toHaveLength(0);
  });

  test("the same phone number on several users, whatever its formatting", () => {
    const attack = [setsPhone(alice, T0, "+1 4255550100"), setsPhone(bob, at(T0, 30), "+1 (425) 555-0100")];
    const matches = run("phone-number-on-several-users", { audits: attack });
    expect(matches.map((m) => m.subject)).toEqual(["+14255550100"]);
    const benign = [setsPhone(alice, T0, "+1 4255550100"), setsPhone(bob, T0, "+1 4255550199")];
    expect(run("phone-number-on-several-users", { audits: benign })).toHaveLength(0);
  });

  test("MFA prompt bombing followed by success", () => {
    const denials = Array.from({ length: 10 }, (_, i) =>
      signIn(alice, at(T0, i * 0.4), {
        ip: ATTACKER,
        errorCode: 500121,
        detail: "MFA denied; user declined the authentication",
      }),
    );
    const success = signIn(alice, at(T0, 6), { ip: ATTACKER });
    expect(run("mfa-fatigue-then-success", { signIns: [...denials, success] })).toHaveLength(1);
    // No success after: no alert. Nine denials: no alert. Ten spread over an hour: no alert.
    expect(run("mfa-fatigue-then-success", { signIns: denials })).toHaveLength(0);
    expect(run("mfa-fatigue-then-success", { signIns: [...denials.slice(1), success] })).toHaveLength(0);
    const spread = Array.from({ length: 10 }, (_, i) => signIn(alice, at(T0, i * 6), { errorCode: 500121 }));
    expect(run("mfa-fatigue-then-success", { signIns: [...spread, signIn(alice, at(T0, 61))] })).toHaveLength(
      0,
    );
  });

  test("a few MFA denials from an IP new to the user, then success; not from the user's usual IP", () => {
    const signIns = history(alice, T0, 14, HOME);
    const fromAttacker = [0, 1, 2].map((m) => signIn(alice, at(T0, m), { ip: ATTACKER, errorCode: 500121 }));
    const fromHome = [0, 1, 2].map((m) => signIn(alice, at(T0, m), { ip: HOME, errorCode: 500121 }));
    const success = signIn(alice, at(T0, 10), { ip: ATTACKER });
    expect(
      run("mfa-denials-from-new-ip-then-success", { signIns: [...signIns, ...fromAttacker, success] }),
    ).toHaveLength(1);
    expect(
      run("mfa-denials-from-new-ip-then-success", { signIns: [...signIns, ...fromHome, success] }),
    ).toHaveLength(0);
  });

  test("method registered in a password-only session; not when MFA was required, not while onboarding", () => {
    const session = signIn(alice, at(T0, -10), { ip: ATTACKER, requirement: "singleFactorAuthentication" });
    const registration = registersMethod(alice, T0, ATTACKER);
    expect(
      run("registration-in-single-factor-session", { signIns: [session], audits: [registration] }),
    ).toHaveLength(1);
    const mfaSession = signIn(alice, at(T0, -10), { ip: ATTACKER });
    expect(
      run("registration-in-single-factor-session", { signIns: [mfaSession], audits: [registration] }),
    ).toHaveLength(0);
    const hired = audit("Add user", at(T0, -2 * 24 * 60), {
      by: helpdesk,
      service: "Core Directory",
      target: { type: "User", id: alice.id, upn: alice.upn },
    });
    expect(
      run("registration-in-single-factor-session", { signIns: [session], audits: [hired, registration] }),
    ).toHaveLength(0);
  });

  test("a burst that straddles a 5-minute boundary is still found (sliding window, not bins)", () => {
    const denials = Array.from({ length: 10 }, (_, i) =>
      signIn(alice, at("2026-05-20T09:03:00.000Z", i * 0.3), { errorCode: 500121 }),
    );
    expect(
      run("mfa-fatigue-then-success", {
        signIns: [...denials, signIn(alice, at("2026-05-20T09:10:00.000Z", 0))],
      }),
    ).toHaveLength(1);
  });

  test("MFA fraud reports, in sign-ins and audits", () => {
    const fraud = signIn(alice, T0, { errorCode: 500121, detail: "MFA denied; Phone App Reported Fraud" });
    expect(run("mfa-fraud-reported-signin", { signIns: [fraud] })).toHaveLength(1);
    expect(
      run("mfa-fraud-reported-signin", {
        signIns: [
          signIn(alice, T0, { errorCode: 500121, detail: "MFA denied; user declined the authentication" }),
        ],
      }),
    ).toHaveLength(0);
    expect(
      run("mfa-fraud-reported-audit", {
        audits: [audit("Fraud reported - user is blocked for MFA", T0, { by: alice })],
      }),
    ).toHaveLength(1);
    expect(
      run("mfa-fraud-reported-audit", { audits: [audit("User reviewed security info", T0, { by: alice })] }),
    ).toHaveLength(0);
  });

  test("device registration without MFA", () => {
    const drs = { resource: "Device Registration Service" };
    expect(
      run("device-registration-without-mfa", {
        signIns: [signIn(alice, T0, { ...drs, requirement: "singleFactorAuthentication" })],
      }),
    ).toHaveLength(1);
    expect(run("device-registration-without-mfa", { signIns: [signIn(alice, T0, { ...drs })] })).toHaveLength(
      0,
    );
    expect(
      run("device-registration-without-mfa", {
        signIns: [signIn(alice, T0, { ...drs, errorCode: 50126, requirement: "singleFactorAuthentication" })],
      }),
    ).toHaveLength(0);
  });

  test("device-code sign-in to the Authentication Broker", () => {
    expect(
      run("device-code-to-auth-broker", {
        signIns: [signIn(alice, T0, { appId: AUTH_BROKER_APP_ID, protocol: "deviceCode" })],
      }),
    ).toHaveLength(1);
    expect(
      run("device-code-to-auth-broker", { signIns: [signIn(alice, T0, { appId: AUTH_BROKER_APP_ID })] }),
    ).toHaveLength(0);
  });

  test("three devices by one user within 15 minutes", () => {
    const three = [0, 4, 9].map((m, i) => addsDevice(alice, at(T0, m), ATTACKER, `DESKTOP-${i}`));
    expect(run("bulk-device-registration", { audits: three })).toHaveLength(1);
    const slow = [0, 10, 20].map((m, i) => addsDevice(alice, at(T0, m), HOME, `LAPTOP-${i}`));
    expect(run("bulk-device-registration", { audits: slow })).toHaveLength(0);
    const twoUsers = [
      addsDevice(alice, T0, HOME, "A"),
      addsDevice(bob, T0, HOME, "B"),
      addsDevice(alice, at(T0, 1), HOME, "C"),
    ];
    expect(run("bulk-device-registration", { audits: twoUsers })).toHaveLength(0);
  });

  test("device with an attack tool's default OS build", () => {
    for (const build of TOOL_DEFAULT_OS_BUILDS) {
      expect(
        run("tool-default-device", { audits: [addsDevice(alice, T0, ATTACKER, "DESKTOP-AB12CD34", build)] }),
      ).toHaveLength(1);
    }
    expect(
      run("tool-default-device", { audits: [addsDevice(alice, T0, HOME, "LAPTOP-7", "10.0.26100.2314")] }),
    ).toHaveLength(0);
  });

  test("method added by another account", () => {
    const tap = audit("Admin registered security info", T0, {
      by: helpdesk,
      reason: "Admin registered temporary access pass method for user",
      target: { type: "User", id: alice.id, upn: alice.upn },
    });
    expect(run("admin-registered-security-info", { audits: [tap] }).map((m) => m.subject)).toEqual([
      alice.upn,
    ]);
    expect(
      run("admin-registered-security-info", { audits: [registersMethod(alice, T0, HOME)] }),
    ).toHaveLength(0);
  });

  test("StrongAuthentication properties set outside the MFA services", () => {
    expect(
      run("strong-authentication-set-directly", {
        audits: [setsPhone(alice, T0, "+1 4255550100", "AADInternals")],
      }),
    ).toHaveLength(1);
    expect(
      run("strong-authentication-set-directly", { audits: [setsPhone(alice, T0, "+1 4255550100")] }),
    ).toHaveLength(0);
  });
});
