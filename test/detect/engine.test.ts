import { describe, expect, test } from "vitest";
import { DetectConfigError, defaultConfig, parseConfig } from "../../src/detect/config.js";
import { detect } from "../../src/detect/engine.js";
import { CaseBuilder } from "./builder.js";

const ATTACKER = { ip: "203.0.113.66", country: "NL", city: "Amsterdam", asn: 60781 };

function compromised(b: CaseBuilder, name = "alice"): string {
  const id = b.user(`${name}@contoso.com`);
  b.history(id, -30 * 24, 0);
  b.signIn(id, 1, { ...ATTACKER, risk: "high" });
  b.methodRegistered(id, 1.1, { ip: ATTACKER.ip });
  return id;
}

describe("engine", () => {
  test("finding ids are stable across runs and distinct across detections", () => {
    const b = new CaseBuilder();
    compromised(b);
    const first = detect(b.snapshot()).findings;
    const second = detect(b.snapshot()).findings;
    expect(first.length).toBeGreaterThan(1);
    expect(second.map((f) => f.id)).toEqual(first.map((f) => f.id));
    expect(new Set(first.map((f) => f.id)).size).toBe(first.length);
  });

  test("privileged accounts are raised one level, explained, and sorted first", () => {
    const b = new CaseBuilder();
    compromised(b, "alice");
    const admin = compromised(b, "admin");
    b.roleAssignments.push({
      id: "ra",
      principalId: admin,
      roleDefinitionId: "62e90394-69f5-4237-9190-012177145e10",
    });
    const { findings } = detect(b.snapshot());
    expect(findings[0]!.userId).toBe(admin);
    const adminRisk = findings.find((f) => f.userId === admin && f.detectionId === "after-risk")!;
    expect(adminRisk.severity).toBe("critical");
    expect(adminRisk.privilegeReasons).toEqual(["Global Administrator"]);
    expect(adminRisk.explanation).toContain("Tier 0");
  });

  test("an allowlisted range suppresses (still shown, with the reason); an expired entry does not", () => {
    const b = new CaseBuilder();
    compromised(b);
    const config = parseConfig(
      [
        "allowlist:",
        "  - { kind: ipRange, value: 203.0.113.0/24, reason: partner VPN, expires: 2099-01-01 }",
        "  - { kind: account, value: alice@contoso.com, reason: old exception, expires: 2020-01-01 }",
      ].join("\n"),
    );
    const result = detect(b.snapshot(), { config });
    const origin = result.findings.find((f) => f.detectionId === "unusual-origin")!;
    expect(origin.suppressedBy).toContain("partner VPN");
    expect(result.notes.expiredAllowlistEntries).toEqual(["account alice@contoso.com (expired 2020-01-01)"]);
    // Suppressed findings sort after live ones.
    expect(result.findings.at(-1)!.suppressedBy).toBeDefined();
  });

  test("a trusted named location suppresses location-based findings", () => {
    const b = new CaseBuilder();
    compromised(b);
    b.namedLocations.push({
      "@odata.type": "#microsoft.graph.ipNamedLocation",
      id: "nl",
      displayName: "HQ egress",
      isTrusted: true,
      ipRanges: [{ cidrAddress: "203.0.113.0/24" }],
    });
    const origin = detect(b.snapshot()).findings.find((f) => f.detectionId === "unusual-origin")!;
    expect(origin.suppressedBy).toContain('trusted named location "HQ egress"');
  });

  test("the responder app's TAP, service-initiated events and 'reviewed' views are not attacks", () => {
    const b = new CaseBuilder();
    const alice = b.user("alice@contoso.com");
    b.history(alice, -30 * 24, 0);
    b.methodRegistered(alice, 1, {
      admin: true,
      appId: "aaaaaaaa-0000-0000-0000-000000000001",
      appName: "mfa-evict",
      reason: "Admin registered temporary access pass method for user",
    });
    b.method(alice, {
      "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
      id: "tap-1",
      createdDateTime: b.audits[0]!.activityDateTime,
    });
    const service = b.methodRegistered(alice, 2, { ip: ATTACKER.ip, reason: "Authenticator token renewal" });
    service.initiatedBy = { user: null, app: { displayName: "Azure MFA" } };
    const review = b.methodRegistered(alice, 3, { ip: ATTACKER.ip });
    review.activityDisplayName = "User reviewed security info";
    const result = detect(b.snapshot(), { responderAppIds: ["AAAAAAAA-0000-0000-0000-000000000001"] });
    expect(result.findings).toEqual([]);
    expect(result.notes).toMatchObject({ responderEvents: 1, serviceEvents: 1, methodRegistrations: 0 });
  });

  test("a logs-only case says what it could not check and still finds the attack", () => {
    const b = new CaseBuilder();
    compromised(b);
    b.users = [];
    const result = detect(b.snapshot());
    expect(result.findings.some((f) => f.detectionId === "after-risk")).toBe(true);
    // Without the user inventory the account is still named, from its own records.
    expect(result.findings[0]!.userPrincipalName).toBe("alice@contoso.com");
    // Without the inventory the object cannot be deleted by id: review instead.
    expect(result.findings.find((f) => f.detectionId === "after-risk")!.object).toMatchObject({
      kind: "user",
      label: expect.stringContaining("inventory not collected"),
    });
    const messages = result.gaps.map((g) => g.message).join("\n");
    expect(messages).toContain(
      "shared-method could not check phone numbers and Authenticator devices in the inventory",
    );
    expect(result.gaps.find((g) => g.detectionId === "unprotected-registration")?.effect).toBe("skipped");
  });

  test("a bad config names the field", () => {
    expect(() => parseConfig("thresholds:\n  fatigueMinFailures: -1\n", "detect.yaml")).toThrow(
      DetectConfigError,
    );
    expect(() => parseConfig("thresholds:\n  fatigueMinFailures: -1\n", "detect.yaml")).toThrow(
      /detect\.yaml: thresholds\.fatigueMinFailures/,
    );
    expect(() =>
      parseConfig("allowlist:\n  - { kind: ipRange, value: x, reason: r, expires: soon }\n"),
    ).toThrow(/expires/);
    expect(parseConfig("thresholds:\n  bulkMinDevices: 5\n").thresholds).toEqual({
      ...defaultConfig().thresholds,
      bulkMinDevices: 5,
    });
  });
});
