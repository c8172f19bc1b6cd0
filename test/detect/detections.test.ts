import { describe, expect, test } from "vitest";
import { detect } from "../../src/detect/engine.js";
import type { Finding } from "../../src/detect/finding.js";
import { at, CaseBuilder } from "./builder.js";

const ATTACKER = { ip: "203.0.113.66", country: "NL", city: "Amsterdam", asn: 60781 };
const AUTHENTICATOR = "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod";

function byDetection(findings: Finding[], id: string): Finding[] {
  return findings.filter((f) => f.detectionId === id);
}

/** A user with a month of routine sign-ins from the office. */
function routineUser(b: CaseBuilder, name: string): string {
  const id = b.user(`${name}@contoso.com`);
  b.history(id, -30 * 24, 0);
  return id;
}

describe("1 unusual-origin", () => {
  test("a method registered from a country and ASN the user never used is medium, tied to the inventory method", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    b.signIn(alice, 1, ATTACKER);
    const audit = b.methodRegistered(alice, 1.1, { ip: ATTACKER.ip });
    b.method(alice, {
      "@odata.type": AUTHENTICATOR,
      id: "m-rogue",
      displayName: "Pixel 7",
      createdDateTime: at(1.1),
    });
    const found = byDetection(detect(b.snapshot()).findings, "unusual-origin");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: "medium",
      userId: alice,
      object: { kind: "method", methodId: "m-rogue", odataType: AUTHENTICATOR },
      recommendedActions: ["deleteMethod"],
    });
    expect(found[0]!.explanation).toContain("country NL never seen");
    expect(found[0]!.evidence.map((e) => e.id)).toContain(audit.id);
  });

  test("a traveller registering from abroad on their own managed laptop is only low", () => {
    const b = new CaseBuilder();
    const alice = b.user("alice@contoso.com");
    b.history(alice, -30 * 24, 0, { deviceId: "laptop-1" });
    b.signIn(alice, 1, { ...ATTACKER, deviceId: "laptop-1" });
    b.methodRegistered(alice, 1.1, { ip: ATTACKER.ip });
    const found = detect(b.snapshot()).findings.filter((f) => f.severity !== "informational");
    expect(found.map((f) => [f.detectionId, f.severity])).toEqual([["unusual-origin", "low"]]);
    expect(found[0]!.explanation).toContain("but the session came from the user's usual device laptop-1");
  });

  test("a registration from the user's usual network is not reported", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    b.methodRegistered(alice, 1);
    expect(byDetection(detect(b.snapshot()).findings, "unusual-origin")).toHaveLength(0);
  });

  test("without enough history there is no baseline, so nothing is claimed", () => {
    const b = new CaseBuilder();
    const bob = b.user("bob@contoso.com");
    b.signIn(bob, -2);
    b.signIn(bob, 1, ATTACKER);
    b.methodRegistered(bob, 1.1, { ip: ATTACKER.ip });
    expect(byDetection(detect(b.snapshot()).findings, "unusual-origin")).toHaveLength(0);
  });
});

describe("2 after-risk", () => {
  test("registration within 6 h after a high-risk sign-in is high and recommends revoking sessions", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    const risky = b.signIn(alice, -3, { ...ATTACKER, risk: "high" });
    b.methodRegistered(alice, 0, { ip: ATTACKER.ip });
    const [finding] = byDetection(detect(b.snapshot()).findings, "after-risk");
    expect(finding).toMatchObject({ severity: "high", technique: "T1098.005" });
    expect(finding!.recommendedActions).toEqual(expect.arrayContaining(["revokeSessions", "resetPassword"]));
    expect(finding!.evidence.map((e) => e.id)).toContain(risky.id);
  });

  test("a risk detection 8 h before is outside the window", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    b.risk.push({
      id: "rd-1",
      userId: alice,
      riskEventType: "unfamiliarFeatures",
      riskLevel: "high",
      activityDateTime: at(-8),
    });
    b.methodRegistered(alice, 0);
    expect(byDetection(detect(b.snapshot()).findings, "after-risk")).toHaveLength(0);
  });

  test("a success from a password-spray address counts as risk", () => {
    const b = new CaseBuilder();
    const users = Array.from({ length: 12 }, (_, i) => routineUser(b, `user${i}`));
    for (const user of users) b.signIn(user, -2, { ...ATTACKER, errorCode: 50126 });
    const victim = users[0]!;
    b.signIn(victim, -1.5, ATTACKER);
    b.methodRegistered(victim, -1, { ip: ATTACKER.ip });
    const [finding] = byDetection(detect(b.snapshot()).findings, "after-risk");
    expect(finding?.severity).toBe("high");
    expect(finding?.explanation).toContain("password-spray");
  });
});

describe("3 dormant-or-weak", () => {
  test("a method on an account silent for 60 days is reported", () => {
    const b = new CaseBuilder();
    routineUser(b, "other");
    b.history(b.users[0]!.id, -90 * 24, -30 * 24);
    const sleeper = b.user("sleeper@contoso.com", -400 * 24);
    b.history(sleeper, -90 * 24, -60 * 24);
    b.signIn(sleeper, -1, { ...ATTACKER, requirement: "singleFactorAuthentication" });
    b.methodRegistered(sleeper, -0.9, { ip: ATTACKER.ip });
    const [finding] = byDetection(detect(b.snapshot()).findings, "dormant-or-weak");
    expect(finding?.explanation).toContain("no successful sign-in in the 30 days");
    expect(finding?.explanation).toContain("password alone");
    expect(finding?.severity).toBe("high");
  });

  test("a new hire registering a first method with the password is onboarding", () => {
    const b = new CaseBuilder();
    routineUser(b, "other");
    const hire = b.user("hire@contoso.com", -48);
    b.signIn(hire, -1, { requirement: "singleFactorAuthentication" });
    b.methodRegistered(hire, -0.9);
    expect(byDetection(detect(b.snapshot()).findings, "dormant-or-weak")).toHaveLength(0);
  });

  test("when sign-ins do not reach 30 days back, dormancy is not claimed", () => {
    const b = new CaseBuilder();
    const quiet = b.user("quiet@contoso.com");
    routineUser(b, "x");
    b.signIns = b.signIns.filter((s) => Date.parse(s.createdDateTime) > Date.parse(at(-10 * 24)));
    b.methodRegistered(quiet, 0);
    expect(byDetection(detect(b.snapshot()).findings, "dormant-or-weak")).toHaveLength(0);
  });
});

describe("4 shared-method", () => {
  test("the same number typed differently on two users is one number", () => {
    const b = new CaseBuilder();
    const a = b.user("a@contoso.com");
    const c = b.user("c@contoso.com");
    const phone = "#microsoft.graph.phoneAuthenticationMethod" as const;
    b.method(a, { "@odata.type": phone, id: "p1", phoneNumber: "+1 4255550100", phoneType: "mobile" });
    b.method(c, { "@odata.type": phone, id: "p2", phoneNumber: "+14255550100", phoneType: "mobile" });
    const found = byDetection(detect(b.snapshot()).findings, "shared-method");
    expect(found.map((f) => f.userId).sort()).toEqual([a, c].sort());
    expect(found.every((f) => f.severity === "high")).toBe(true);
    expect(found[0]!.explanation).toContain("+14255550100");
  });

  test("one Authenticator token on two users is found from the Update user records", () => {
    const b = new CaseBuilder();
    const a = routineUser(b, "a");
    const c = routineUser(b, "c");
    b.methodRegistered(a, -5);
    b.strongAuthUpdate(a, -5, { appDevice: { name: "Galaxy", token: "push-token-XYZ" } });
    b.methodRegistered(c, -2);
    b.strongAuthUpdate(c, -2, { appDevice: { name: "Galaxy", token: "push-token-XYZ" } });
    const result = detect(b.snapshot());
    const found = byDetection(result.findings, "shared-method");
    expect(found).toHaveLength(2);
    // The secret material of the phone-app detail never reaches a finding.
    expect(JSON.stringify(result)).not.toContain("SUPERSECRETKEY");
    expect(JSON.stringify(result)).not.toContain("push-token-XYZ");
  });
});

describe("5 mfa-fatigue", () => {
  test("12 denials in 4 minutes, a success, then a new method: critical, on the method", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    for (let i = 0; i < 12; i++) {
      b.signIn(alice, 1 + (i * 20) / 3600, {
        ...ATTACKER,
        errorCode: 500121,
        additionalDetails: "MFA denied; user declined the authentication",
      });
    }
    b.signIn(alice, 1.1, ATTACKER);
    b.methodRegistered(alice, 1.2, { ip: ATTACKER.ip });
    b.method(alice, { "@odata.type": AUTHENTICATOR, id: "m-new", createdDateTime: at(1.2) });
    const found = byDetection(detect(b.snapshot()).findings, "mfa-fatigue");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: "critical",
      technique: "T1621",
      object: { kind: "method", methodId: "m-new" },
    });
    expect(found[0]!.evidence.filter((e) => e.kind === "signin")).toHaveLength(13);
  });

  test("a few denials from the usual place are not fatigue", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    for (let i = 0; i < 4; i++) b.signIn(alice, 1 + i / 60, { errorCode: 500121 });
    b.signIn(alice, 1.2);
    expect(byDetection(detect(b.snapshot()).findings, "mfa-fatigue")).toHaveLength(0);
  });

  test("three denials from an unfamiliar address then a success are high", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    for (let i = 0; i < 3; i++) b.signIn(alice, 1 + i / 60, { ...ATTACKER, errorCode: 500121 });
    b.signIn(alice, 1.1, ATTACKER);
    const [finding] = byDetection(detect(b.snapshot()).findings, "mfa-fatigue");
    expect(finding).toMatchObject({ severity: "high", object: { kind: "user" } });
  });
});

describe("6 sim-swap", () => {
  test("a changed number then SMS sign-ins from a new country is high", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    b.methodRegistered(alice, 0, {
      reason: "Admin changed phone method for user",
      admin: true,
      by: routineUser(b, "helpdesk"),
    });
    b.strongAuthUpdate(alice, 0, { oldPhone: "+1 4255550100", newPhone: "+44 7700900123" });
    b.signIn(alice, 5, { ...ATTACKER, country: "GB", mfaMethod: "Text message" });
    const [finding] = byDetection(detect(b.snapshot()).findings, "sim-swap");
    expect(finding?.severity).toBe("high");
    expect(finding?.technique).toBe("T1111");
    expect(finding?.explanation).toMatch(/SMS\/voice/);
    expect(finding?.explanation).toContain("+447700900123");
  });
});

describe("7-9 devices", () => {
  test("device-code sign-in to the broker then a device registration is high", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    b.signIn(alice, 1, {
      ...ATTACKER,
      appId: "29d9ed98-a469-4536-ade2-f981bc1d605e",
      protocol: "deviceCode",
    });
    const { deviceId } = b.deviceAdded(alice, 1.05, { name: "LAPTOP-1", ip: ATTACKER.ip });
    b.signIn(alice, 2, { ...ATTACKER, incomingTokenType: "primaryRefreshToken", deviceId });
    const [finding] = byDetection(detect(b.snapshot()).findings, "device-join");
    expect(finding).toMatchObject({ severity: "high", object: { kind: "device", label: "LAPTOP-1" } });
    expect(finding!.explanation).toContain("primary refresh token");
  });

  test("three devices in ten minutes are a bulk registration", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    for (let i = 0; i < 3; i++) b.deviceAdded(alice, 1 + i / 20, { name: `PC-${i}` });
    const found = byDetection(detect(b.snapshot()).findings, "bulk-devices");
    expect(found).toHaveLength(3);
    expect(found.every((f) => f.severity === "high" && f.object.kind === "device")).toBe(true);
  });

  test("ROADtools defaults with its user agent are high; a normal laptop is not reported", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    b.deviceAdded(alice, 1, {
      name: "DESKTOP-AB12CD34",
      osVersion: "10.0.19041.928",
      userAgent: "python-requests/2.31.0",
    });
    b.deviceAdded(alice, 30, { name: "ALICE-LAPTOP" });
    const found = byDetection(detect(b.snapshot()).findings, "tool-traces");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "high", object: { label: "DESKTOP-AB12CD34" } });
  });
});

describe("10-12 admin, legacy, unprotected", () => {
  test("an admin acting for others from a place they never used is high; a helpdesk regular from the office is not reported; a first-time admin from the office is only low", () => {
    const b = new CaseBuilder();
    const victim = routineUser(b, "victim");
    const rogue = routineUser(b, "rogue");
    const helpdesk = routineUser(b, "helpdesk");
    const newcomer = routineUser(b, "newcomer");
    for (let i = 0; i < 4; i++)
      b.methodRegistered(routineUser(b, `staff${i}`), -20 * 24 + i * 48, { admin: true, by: helpdesk });
    b.methodRegistered(victim, 1, {
      admin: true,
      by: rogue,
      ip: ATTACKER.ip,
      reason: "Admin registered phone method for user",
    });
    b.methodRegistered(routineUser(b, "staff9"), 2, { admin: true, by: newcomer });
    const found = byDetection(detect(b.snapshot()).findings, "admin-registered");
    // (No inventory here, so the methods are named by their audit records.)
    const rows = found.map((f) => [
      f.userPrincipalName,
      "label" in f.object && f.object.label ? "method" : "account",
      f.severity,
    ]);
    expect(rows.sort()).toEqual([
      // The acting admin's own account is reported too: it is the one to contain.
      ["rogue@contoso.com", "account", "high"],
      ["staff9@contoso.com", "method", "low"],
      ["victim@contoso.com", "method", "high"],
    ]);
    const onVictim = found.find((f) => f.userPrincipalName === "victim@contoso.com")!;
    expect(onVictim.explanation).toContain("rogue@contoso.com");
    expect(onVictim.explanation).toContain("where they never signed in");
  });

  test("Update user alone (no security-info record) is a legacy-path change; with its partner it is one registration", () => {
    const b = new CaseBuilder();
    const alice = routineUser(b, "alice");
    const admin = routineUser(b, "admin");
    b.strongAuthUpdate(alice, 1, { newPhone: "+1 4255550199" }, { userId: admin, ip: "198.51.100.10" });
    const bob = routineUser(b, "bob");
    b.methodRegistered(bob, 2, { reason: "User registered Mobile Phone SMS" });
    b.strongAuthUpdate(bob, 2, { newPhone: "+1 4255550123" });
    const found = byDetection(detect(b.snapshot()).findings, "legacy-strong-auth");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ userId: alice, severity: "medium", technique: "T1556.006" });
  });

  test("a privileged user's registration without a protecting CA policy is noted; a protecting policy silences it", () => {
    const b = new CaseBuilder();
    const admin = routineUser(b, "admin");
    b.roleAssignments.push({
      id: "ra",
      principalId: admin,
      roleDefinitionId: "62e90394-69f5-4237-9190-012177145e10",
    });
    b.methodRegistered(admin, 1);
    b.collected.add("policies");
    const [finding] = byDetection(detect(b.snapshot()).findings, "unprotected-registration");
    expect(finding).toMatchObject({ severity: "low", privileged: true });
    b.policies.push({
      id: "ca1",
      state: "enabled",
      conditions: {
        users: { includeUsers: ["All"] },
        applications: { includeUserActions: ["urn:user:registersecurityinfo"] },
      },
      grantControls: { builtInControls: ["mfa"] },
    });
    expect(byDetection(detect(b.snapshot()).findings, "unprotected-registration")).toHaveLength(0);
  });
});

describe("legacy records from real exports", () => {
  test("an Update user that only adds StrongAuthenticationMethod entries is a legacy-path change", () => {
    const b = new CaseBuilder();
    const user = routineUser(b, "tuser");
    b.audits.push({
      id: "Directory_504a302a_M1N6X",
      activityDateTime: at(1),
      activityDisplayName: "Update user",
      category: "UserManagement",
      loggedByService: "Core Directory",
      result: "success",
      initiatedBy: { user: { id: user, userPrincipalName: "tuser@contoso.com", ipAddress: "" }, app: null },
      targetResources: [
        {
          id: user,
          type: "User",
          modifiedProperties: [
            {
              displayName: "StrongAuthenticationMethod",
              oldValue: '[{"MethodType":6,"Default":true},{"MethodType":7,"Default":false}]',
              newValue:
                '[{"MethodType":7,"Default":false},{"MethodType":6,"Default":true},{"MethodType":0,"Default":false},{"MethodType":5,"Default":false}]',
            },
          ],
        },
      ],
    });
    const [finding] = byDetection(detect(b.snapshot()).findings, "legacy-strong-auth");
    expect(finding?.explanation).toContain("StrongAuthenticationMethod gained OneWaySMS, PhoneAppOTP");
    expect(finding?.severity).toBe("low");
  });
});
