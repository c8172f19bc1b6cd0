import { describe, expect, test } from "vitest";
import { PostureInputError } from "../../src/posture/errors.js";
import { reviewPosture } from "../../src/posture/review.js";
import type { PostureCheck, PostureReport } from "../../src/posture/types.js";
import { caPolicy, FINDINGS, ID, ROLE, tenant } from "./tenants.js";

const NOW = new Date("2026-11-24T12:00:00Z");

function check(report: PostureReport, id: string): PostureCheck {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

const results = (report: PostureReport) => Object.fromEntries(report.checks.map((c) => [c.id, c.result]));

describe("posture review of a well-configured tenant", () => {
  const report = reviewPosture(tenant("good"), [], { now: NOW });

  test("every check passes, except the affected-user check which has no findings to work on", () => {
    const { "exc.affectedUsersExcluded": affected, ...rest } = results(report);
    expect(affected).toBe("notApplicable");
    expect(Object.values(rest).every((result) => result === "pass")).toBe(true);
    expect(report.counts).toEqual({ pass: report.checks.length - 1, fail: 0, warning: 0, notApplicable: 1 });
  });

  test("a passing check names the policy and the exact settings it rests on", () => {
    const legacy = check(report, "ca.legacyAuthBlocked");
    expect(legacy.scubaGear).toEqual(["MS.AAD.1.1v1"]);
    expect(legacy.maester).toContain("MT.1009");
    expect(legacy.evidence).toContainEqual({
      ref: "ca-good-legacy",
      name: "Block legacy authentication",
      setting: "state",
      value: "enabled",
    });
    expect(legacy.fix).toBe("");
    const deviceCode = check(report, "ca.deviceCodeFlowBlocked");
    expect(deviceCode.scubaGear).toEqual(["MS.AAD.3.9v1"]);
    expect(deviceCode.maester).toEqual(["MT.1052"]);
    expect(deviceCode.evidence.map((e) => e.ref)).toContain("ca-good-device-code");
  });

  test("the device-registration MFA setting is read from the policy and agrees with the CA user-action policy", () => {
    const reg = check(report, "reg.deviceRegistrationMfa");
    expect(reg.maester).toEqual(["MT.1061"]);
    expect(reg.evidence[0]).toMatchObject({
      ref: "deviceRegistrationPolicy",
      setting: "multiFactorAuthConfiguration",
      value: "notRequired",
    });
  });

  test("the break-glass account is inferred from its exclusions and name, and said to be inferred", () => {
    expect(report.breakGlass).toEqual([
      expect.objectContaining({
        userId: ID.breakGlass,
        source: expect.stringMatching(/^inferred: excluded from all 7/),
      }),
    ]);
  });

  test("privileged users are covered through roles, including a role held through a group", () => {
    const carol = report.coverage.find((u) => u.userId === ID.carol)!;
    expect(carol.why).toEqual(["privileged"]);
    expect(carol.roles).toEqual(["User Administrator"]);
    expect(carol.enforced.map((p) => p.includedBy)).toContain(
      "role User Administrator (via group Tier0 Admins)",
    );
    expect(carol).toMatchObject({
      mfaForSignIn: "required",
      phishingResistantForSignIn: true,
      legacyAuthBlocked: true,
      securityInfoRegistrationProtected: true,
      deviceRegistrationProtected: true,
      gaps: [],
    });
  });

  test("an administrative-unit-scoped role does not make a user privileged (Conditional Access ignores it)", () => {
    expect(report.coverage.map((u) => u.userId)).not.toContain(ID.dave);
  });
});

describe("posture review of a badly configured tenant during a SIM-swap and rogue-device case", () => {
  const report = reviewPosture(tenant("bad"), FINDINGS, { now: NOW });

  test("each check's result", () => {
    expect(results(report)).toEqual({
      "ca.legacyAuthBlocked": "fail",
      "ca.mfaAllUsers": "warning",
      "ca.phishingResistantPrivileged": "fail",
      "ca.highRiskUsersBlocked": "fail",
      "ca.highRiskSignInsBlocked": "fail",
      "ca.securityDefaultsConsistency": "pass",
      "ca.deviceCodeFlowBlocked": "fail",
      "reg.securityInfoRegistration": "fail",
      "reg.deviceRegistrationMfa": "fail",
      "dev.joinRegisterScope": "fail",
      "dev.userDeviceQuota": "fail",
      "mth.smsVoiceDisabled": "fail",
      "mth.authenticatorContext": "warning",
      "mth.temporaryAccessPass": "warning",
      "mth.fido2Restrictions": "warning",
      "mth.registrationCampaign": "fail",
      "mth.policyMigrationComplete": "warning",
      "exc.breakGlassExcluded": "fail",
      "exc.onlyBreakGlassExcluded": "warning",
      "exc.reportOnlyShouldEnforce": "warning",
      "exc.affectedUsersExcluded": "fail",
      "cov.affectedAndPrivilegedCovered": "fail",
    });
    for (const c of report.checks.filter((c) => c.result === "fail" || c.result === "warning")) {
      expect(c.fix, c.id).not.toBe("");
    }
  });

  test("a report-only policy does not count, and the evidence says so", () => {
    expect(check(report, "ca.legacyAuthBlocked").evidence).toContainEqual(
      expect.objectContaining({
        ref: "ca-bad-legacy",
        setting: "state",
        value: "enabledForReportingButNotEnforced",
      }),
    );
    expect(check(report, "exc.reportOnlyShouldEnforce").evidence.map((e) => e.ref)).toEqual([
      "ca-bad-legacy",
      "ca-bad-secinfo",
    ]);
  });

  test("MFA that trusted locations skip is a warning naming the condition", () => {
    expect(check(report, "ca.mfaAllUsers").evidence).toContainEqual(
      expect.objectContaining({
        ref: "ca-bad-mfa",
        setting: "conditions",
        value: "locations exclude AllTrusted",
      }),
    );
  });

  test("the device-registration toggle in conflict with a CA 'register or join devices' policy fails (MT.1061)", () => {
    const reg = check(report, "reg.deviceRegistrationMfa");
    expect(reg.summary).toMatch(/conflict/);
    expect(reg.evidence).toEqual([
      expect.objectContaining({ setting: "multiFactorAuthConfiguration", value: "required" }),
      expect.objectContaining({ ref: "ca-bad-device-reg", value: ["urn:user:registerdevice"] }),
    ]);
  });

  test("SMS and voice fail because the case shows interception, and the evidence says for whom they are enabled", () => {
    const sms = check(report, "mth.smsVoiceDisabled");
    expect(sms.evidence).toContainEqual(
      expect.objectContaining({ ref: "authenticationMethodsPolicy/Sms", note: "for all users" }),
    );
    expect(sms.evidence).toContainEqual(
      expect.objectContaining({
        ref: "authenticationMethodsPolicy/Voice",
        setting: "includeTargets",
        value: [ID.alice],
      }),
    );
    expect(sms.evidence).toContainEqual(expect.objectContaining({ ref: "f-1", value: "T1111" }));
    // Without the SIM-swap finding the same settings are only a warning.
    expect(check(reviewPosture(tenant("bad"), [], { now: NOW }), "mth.smsVoiceDisabled").result).toBe(
      "warning",
    );
  });

  test("suppressed findings do not raise a check", () => {
    const suppressed = FINDINGS.map((f) => ({ ...f, suppressedBy: "allowlist: lab" }));
    const quiet = reviewPosture(tenant("bad"), suppressed, { now: NOW });
    expect(check(quiet, "mth.smsVoiceDisabled").result).toBe("warning");
    expect(check(quiet, "exc.affectedUsersExcluded").result).toBe("notApplicable");
  });

  test("the break-glass account missing from one all-users policy fails MT.1005 for that policy only", () => {
    const bg = check(report, "exc.breakGlassExcluded");
    expect(report.breakGlass[0]).toMatchObject({
      userId: ID.breakGlass,
      source: "inferred: Global Administrator named as an emergency account",
    });
    expect(
      bg.evidence.filter((e) => e.setting === "conditions.users.excludeUsers").map((e) => e.ref),
    ).toEqual(["ca-bad-device-reg"]);
  });

  test("exclusions beyond break-glass are listed: a nested group and a role", () => {
    const notes = check(report, "exc.onlyBreakGlassExcluded").evidence.map((e) => e.note);
    expect(notes).toEqual([
      "excludes group Travelers: alice@contoso.com",
      "excludes every holder of role User Administrator",
    ]);
  });

  test("an affected user excluded through a nested group is named with the membership path", () => {
    expect(check(report, "exc.affectedUsersExcluded").evidence).toEqual([
      expect.objectContaining({ ref: "ca-bad-mfa", value: "group Travelers (via Finance)" }),
    ]);
  });

  test("per-user coverage names each gap", () => {
    const byId = Object.fromEntries(report.coverage.map((u) => [u.userId, u]));
    expect(byId[ID.alice]).toMatchObject({
      why: ["affected"],
      mfaForSignIn: "notRequired",
      excludedFrom: [
        { policyId: "ca-bad-mfa", excludedBy: "group Travelers (via Finance)", state: "enabled" },
      ],
      gaps: [
        "no-mfa-for-sign-in",
        "legacy-auth-not-blocked",
        "security-info-registration-unprotected",
        "excluded-from: MFA for staff",
      ],
    });
    // Dave is affected; the MFA policy reaches him but skips trusted locations.
    expect(byId[ID.dave]).toMatchObject({ mfaForSignIn: "conditional", deviceRegistrationProtected: true });
    // Carol's User Administrator role (through Tier0 Admins) is excluded from the admin policy.
    expect(byId[ID.carol].excludedFrom).toEqual([
      expect.objectContaining({
        policyId: "ca-bad-admins",
        excludedBy: "role User Administrator (via group Tier0 Admins)",
      }),
    ]);
    expect(byId[ID.carol].gaps).toContain("not-phishing-resistant");
    expect(byId[ID.bob]).toMatchObject({ mfaForSignIn: "required", phishingResistantForSignIn: false });
    expect(byId[ID.breakGlass].why).toEqual(["privileged", "breakGlass"]);
  });

  test("the coverage check leaves the break-glass account out", () => {
    const refs = check(report, "cov.affectedAndPrivilegedCovered").evidence.map((e) => e.ref);
    expect(refs).not.toContain(ID.breakGlass);
    expect(refs).toEqual(expect.arrayContaining([ID.alice, ID.dave, ID.bob, ID.carol]));
  });
});

describe("posture edge cases", () => {
  test("a designated break-glass account by UPN replaces inference; an unknown one is refused by name", () => {
    const report = reviewPosture(tenant("good"), [], { breakGlass: ["BreakGlass01@contoso.com"], now: NOW });
    expect(report.breakGlass).toEqual([
      { userId: ID.breakGlass, userPrincipalName: "breakglass01@contoso.com", source: "designated" },
    ]);
    expect(() => reviewPosture(tenant("good"), [], { breakGlass: ["nobody@contoso.com"] })).toThrow(
      new PostureInputError('break-glass account "nobody@contoso.com" is not a user in the case'),
    );
  });

  test("a case without policies reports the policy checks as not applicable instead of passing", () => {
    const report = reviewPosture(
      tenant("good", {
        missing: new Set(["policies"]),
        conditionalAccessPolicies: [],
        authenticationMethodsPolicy: undefined,
        deviceRegistrationPolicy: undefined,
        securityDefaults: undefined,
      }),
      FINDINGS,
      { now: NOW },
    );
    expect(report.counts.pass).toBe(0);
    expect(report.counts.notApplicable).toBe(report.checks.length);
    expect(report.missingStreams).toEqual(["policies"]);
    expect(check(report, "ca.legacyAuthBlocked").summary).toMatch(/not in the case/);
  });

  test("an excluded group whose nested members are not in the case makes the affected-user check a warning, not a pass", () => {
    const base = tenant("bad");
    const groupMembers = new Map(base.groupMembers);
    groupMembers.delete(ID.finance);
    const report = reviewPosture({ ...base, groupMembers }, FINDINGS, { now: NOW });
    expect(report.unresolvedGroups).toEqual([
      { groupId: ID.finance, name: "Finance", nestedIn: "Travelers" },
    ]);
    expect(check(report, "exc.affectedUsersExcluded")).toMatchObject({
      result: "warning",
      evidence: [
        expect.objectContaining({
          ref: ID.finance,
          note: "membership not collected (nested in excluded group Travelers)",
        }),
      ],
    });
  });

  test("an affected user excluded only from a report-only policy is a warning, not a fail", () => {
    const report = reviewPosture(
      tenant("good", {
        conditionalAccessPolicies: [
          ...tenant("good").conditionalAccessPolicies,
          caPolicy({
            id: "pilot",
            displayName: "Pilot",
            state: "enabledForReportingButNotEnforced",
            users: { excludeUsers: [ID.breakGlass, ID.alice] },
            builtInControls: ["compliantDevice"],
          }),
        ],
      }),
      FINDINGS,
      { now: NOW },
    );
    expect(check(report, "exc.affectedUsersExcluded")).toMatchObject({
      result: "warning",
      evidence: [
        expect.objectContaining({
          ref: "pilot",
          note: "(report-only) excludes affected user alice@contoso.com by user (by id)",
        }),
      ],
    });
  });

  test("security defaults with no CA policy satisfy MFA for all users but warn about registration", () => {
    const report = reviewPosture(
      tenant("good", {
        conditionalAccessPolicies: [],
        securityDefaults: { id: "00000000-0000-0000-0000-000000000005", isEnabled: true },
      }),
      [],
      { now: NOW },
    );
    expect(check(report, "ca.mfaAllUsers").result).toBe("pass");
    expect(check(report, "ca.securityDefaultsConsistency").result).toBe("warning");
  });

  test("MFA OR compliant device is conditional MFA; a policy with a platform condition is narrowed", () => {
    const report = reviewPosture(
      tenant("good", {
        conditionalAccessPolicies: [
          caPolicy({
            id: "p-or",
            displayName: "MFA or compliant",
            builtInControls: ["mfa", "compliantDevice"],
          }),
        ],
      }),
      FINDINGS,
      { now: NOW },
    );
    expect(check(report, "ca.mfaAllUsers")).toMatchObject({ result: "warning" });
    expect(check(report, "ca.mfaAllUsers").evidence[0]).toMatchObject({
      setting: "grantControls",
      value: "mfa OR compliantDevice",
    });
    expect(report.coverage.find((u) => u.userId === ID.alice)!.mfaForSignIn).toBe("conditional");
  });

  test("a custom authentication strength counts as phishing-resistant only when every combination is", () => {
    const strength = (id: string, allowedCombinations: string[]) => ({
      id,
      displayName: id,
      policyType: "custom",
      allowedCombinations,
    });
    const admins = (id: string, strengthId: string) =>
      caPolicy({ id, displayName: id, users: { includeUsers: ["All"] }, strength: strengthId });
    const make = (strengthId: string) =>
      reviewPosture(
        tenant("good", {
          conditionalAccessPolicies: [admins("p", strengthId)],
          authenticationStrengthPolicies: [
            strength("keys-only", ["fido2", "windowsHelloForBusiness"]),
            strength("keys-or-sms", ["fido2", "password,sms"]),
          ],
        }),
        [],
        { now: NOW },
      );
    expect(check(make("keys-only"), "ca.phishingResistantPrivileged").result).toBe("pass");
    expect(check(make("keys-or-sms"), "ca.phishingResistantPrivileged").result).toBe("fail");
  });

  test("a guest is reached by the guest include and role excludes are honoured", () => {
    const report = reviewPosture(
      tenant("good", {
        conditionalAccessPolicies: [
          caPolicy({
            id: "guests",
            displayName: "Guests MFA",
            users: { includeUsers: ["GuestsOrExternalUsers"], excludeUsers: [] },
            builtInControls: ["mfa"],
          }),
          caPolicy({
            id: "no-ga",
            displayName: "All but GA",
            users: { excludeRoles: [ROLE.globalAdmin], excludeUsers: [] },
            builtInControls: ["mfa"],
          }),
        ],
      }),
      [{ ...FINDINGS[0], userId: ID.guest }],
      { now: NOW },
    );
    const guest = report.coverage.find((u) => u.userId === ID.guest)!;
    expect(guest.enforced.map((p) => p.includedBy)).toEqual(["guests or external users", "All users"]);
    const bob = report.coverage.find((u) => u.userId === ID.bob)!;
    expect(bob.excludedFrom).toEqual([
      expect.objectContaining({ policyId: "no-ga", excludedBy: "role Global Administrator" }),
    ]);
  });
});
