import { describe, expect, test } from "vitest";
import { targetFingerprint } from "../../src/evict/fingerprint.js";
import type { EvictionPlan, PlanStep } from "../../src/evict/plan.js";
import { PlanFormatError, parsePlan } from "../../src/evict/plan.js";
import { buildPlan, type PlanInput } from "../../src/evict/planner.js";
import { ROLE_TEMPLATES } from "../../src/evict/privilege.js";
import {
  authenticator,
  device,
  deviceFinding,
  methodFinding,
  PASSWORD,
  phone,
  RESPONDER_APP,
  snapshot,
  user,
} from "./fixtures.js";

const NOW = new Date("2026-11-20T10:00:00Z");
const alice = user("u-alice", "alice@contoso.com");
const rogueApp = authenticator("m-rogue", "Attacker Pixel");
const goodApp = authenticator("m-good", "Alice iPhone");
const roguePhone = phone("mobile", "+1 5550000001");

function plan(parts: Partial<PlanInput>): EvictionPlan {
  return buildPlan({
    id: "plan-1",
    now: NOW,
    snapshot: snapshot({ users: [alice] }),
    findings: [],
    app: RESPONDER_APP,
    ...parts,
  });
}

const kinds = (steps: PlanStep[]) => steps.map((s) => s.kind);

describe("planner", () => {
  test("orders a user's steps as CM0071 does and keeps the benign strong method (no TAP)", () => {
    const rogueDevice = device("d1", "Windows");
    const result = plan({
      snapshot: snapshot({
        users: [alice],
        methods: new Map([["u-alice", [PASSWORD, goodApp, rogueApp]]]),
        devices: [rogueDevice],
      }),
      findings: [methodFinding("u-alice", rogueApp), deviceFinding("u-alice", rogueDevice)],
    });
    const [u] = result.users;
    expect(u!.status).toBe("ready");
    expect(kinds(u!.steps)).toEqual([
      "rotatePassword",
      "revokeSessions",
      "deleteMethod",
      "disableDevice",
      "deleteDevice",
    ]);
    expect(u!.steps.find((s) => s.kind === "deleteMethod")).toMatchObject({ methodId: "m-rogue" });
    expect(u!.notes.join(" ")).toContain("Alice iPhone");
    expect(u!.steps[0]!.id).toBe("u-alice/1-rotatePassword");
  });

  test("issues a one-time TAP within the policy bounds when no strong method remains", () => {
    const result = plan({
      snapshot: snapshot({
        users: [alice],
        methods: new Map([["u-alice", [PASSWORD, rogueApp]]]),
        authenticationMethodsPolicy: {
          id: "authenticationMethodsPolicy",
          authenticationMethodConfigurations: [
            {
              id: "TemporaryAccessPass",
              state: "enabled",
              minimumLifetimeInMinutes: 60,
              maximumLifetimeInMinutes: 120,
              defaultLifetimeInMinutes: 60,
              isUsableOnce: false,
              includeTargets: [{ id: "all_users", targetType: "group" }],
            },
          ],
        },
      }),
      findings: [methodFinding("u-alice", rogueApp)],
      options: { tap: { lifetimeInMinutes: 1_000 } },
    });
    const tap = result.users[0]!.steps.at(-1)!;
    expect(tap).toMatchObject({ kind: "issueTap", lifetimeInMinutes: 120, isUsableOnce: true });
    expect(result.users[0]!.preChecks.find((c) => c.id === "tapPolicy")!.result).toBe("pass");
    expect(result.users[0]!.alerts.map((a) => a.rule)).toContain("Temporary Access Pass Added To An Account");
  });

  test("never plans deleting the password method", () => {
    const result = plan({
      snapshot: snapshot({ users: [alice], methods: new Map([["u-alice", [PASSWORD, goodApp]]]) }),
      findings: [methodFinding("u-alice", PASSWORD)],
    });
    expect(result.users[0]!.steps.some((s) => s.kind === "deleteMethod")).toBe(false);
    expect(result.skipped[0]!.reason).toMatch(/password method never is/);
  });

  test("moves a rogue default phone off the default before deleting it, last", () => {
    const result = plan({
      snapshot: snapshot({
        users: [alice],
        methods: new Map([["u-alice", [PASSWORD, roguePhone, goodApp, rogueApp]]]),
        registrationDetails: [
          {
            id: "u-alice",
            isSystemPreferredAuthenticationMethodEnabled: false,
            userPreferredMethodForSecondaryAuthentication: "sms",
          },
        ],
      }),
      findings: [methodFinding("u-alice", roguePhone), methodFinding("u-alice", rogueApp)],
    });
    const steps = result.users[0]!.steps;
    expect(kinds(steps)).toEqual([
      "rotatePassword",
      "revokeSessions",
      "deleteMethod",
      "setDefaultMethod",
      "deleteMethod",
    ]);
    expect(steps[2]).toMatchObject({ methodId: "m-rogue", isDefault: false });
    expect(steps[3]).toMatchObject({ preference: "push", methodId: "m-good" });
    expect(steps[4]).toMatchObject({ methodId: roguePhone.id, isDefault: true });
  });

  test("a rogue default with no benign replacement gets a manual instruction and a TAP", () => {
    const result = plan({
      snapshot: snapshot({
        users: [alice],
        methods: new Map([["u-alice", [PASSWORD, roguePhone]]]),
        registrationDetails: [{ id: "u-alice", userPreferredMethodForSecondaryAuthentication: "sms" }],
      }),
      findings: [methodFinding("u-alice", roguePhone)],
    });
    const u = result.users[0]!;
    expect(kinds(u.steps)).toEqual(["rotatePassword", "revokeSessions", "deleteMethod", "issueTap"]);
    expect(u.manual.join(" ")).toMatch(/make it the default, then run apply again/);
  });

  test("non-Windows devices are deleted without a disable, and Intune-managed ones are retired", () => {
    const phoneDevice = device("d2", "iOS", {
      isManaged: true,
      mdmAppId: "0000000a-0000-0000-c000-000000000000",
    });
    const result = plan({
      snapshot: snapshot({
        users: [alice],
        methods: new Map([["u-alice", [PASSWORD, goodApp]]]),
        devices: [phoneDevice],
      }),
      findings: [deviceFinding("u-alice", phoneDevice)],
    });
    const u = result.users[0]!;
    expect(kinds(u.steps)).toEqual([
      "rotatePassword",
      "revokeSessions",
      "retireManagedDevice",
      "deleteDevice",
    ]);
    expect(u.notes.join(" ")).toMatch(/cannot disable a non-Windows device/);
  });

  test("refuses a break-glass account unless included on purpose", () => {
    const input = {
      snapshot: snapshot({ users: [alice], methods: new Map([["u-alice", [PASSWORD, goodApp, rogueApp]]]) }),
      findings: [methodFinding("u-alice", rogueApp)],
    };
    const refused = plan({ ...input, options: { breakGlass: ["ALICE@contoso.com"] } });
    expect(refused.users[0]!.status).toBe("refused");
    expect(refused.users[0]!.refusals[0]).toMatch(/break-glass/);
    const included = plan({
      ...input,
      options: { breakGlass: ["alice@contoso.com"], includeBreakGlass: true },
    });
    expect(included.users[0]!.status).toBe("ready");
  });

  test("refuses an administrator target when the app lacks a privileged directory role, naming the role", () => {
    const result = plan({
      snapshot: snapshot({
        users: [alice],
        methods: new Map([["u-alice", [PASSWORD, goodApp, rogueApp]]]),
        roleAssignments: [
          { id: "ra1", principalId: "u-alice", roleDefinitionId: ROLE_TEMPLATES.globalAdministrator },
        ],
      }),
      findings: [methodFinding("u-alice", rogueApp)],
      app: { ...RESPONDER_APP, directoryRoles: [ROLE_TEMPLATES.userAdministrator] },
    });
    const u = result.users[0]!;
    expect(u.status).toBe("refused");
    expect(u.refusals.join(" ")).toMatch(/Privileged Authentication Administrator/);
    expect(u.privilegedRoles[0]!.name).toBe("Global Administrator");
  });

  test("refuses when the app lacks write permissions (read-only app)", () => {
    const result = plan({
      snapshot: snapshot({ users: [alice], methods: new Map([["u-alice", [PASSWORD, goodApp, rogueApp]]]) }),
      findings: [methodFinding("u-alice", rogueApp)],
      app: { permissions: ["User.Read.All", "UserAuthenticationMethod.Read.All"], directoryRoles: [] },
    });
    expect(result.users[0]!.status).toBe("refused");
    expect(result.users[0]!.refusals.join(" ")).toMatch(
      /rotatePassword needs one of User-PasswordProfile.ReadWrite.All/,
    );
  });

  test("says that the cloud rotation does not reach on-premises AD for synced users", () => {
    const synced = user("u-bob", "bob@contoso.com", { onPremisesSyncEnabled: true });
    const bobApp = authenticator("m-bob", "x");
    const result = plan({
      snapshot: snapshot({ users: [synced], methods: new Map([["u-bob", [PASSWORD, goodApp, bobApp]]]) }),
      findings: [methodFinding("u-bob", bobApp)],
    });
    expect(result.users[0]!.manual.join(" ")).toMatch(/twice in on-premises Active Directory/);
  });

  test("skips suppressed, false-positive and low-severity findings with the reason", () => {
    const s = snapshot({ users: [alice], methods: new Map([["u-alice", [PASSWORD, goodApp, rogueApp]]]) });
    const suppressed = methodFinding("u-alice", rogueApp, { suppressedBy: "allowlist:vip" });
    const fp = methodFinding("u-alice", rogueApp);
    const low = methodFinding("u-alice", rogueApp, { severity: "low" });
    const result = plan({
      snapshot: s,
      findings: [suppressed, fp, low],
      triage: [{ findingId: fp.id, verdict: "falsePositive", decidedAt: NOW.toISOString() }],
      options: { minSeverity: "medium" },
    });
    expect(result.users).toHaveLength(0);
    expect(result.skipped.map((x) => x.reason)).toEqual([
      "suppressed by allowlist:vip",
      "triaged as a false positive",
      "severity low below medium",
    ]);
  });

  test("the plan round-trips through JSON and validation; a tampered plan is rejected with the field", () => {
    const result = plan({
      snapshot: snapshot({ users: [alice], methods: new Map([["u-alice", [PASSWORD, rogueApp]]]) }),
      findings: [methodFinding("u-alice", rogueApp)],
    });
    const json = JSON.parse(JSON.stringify(result));
    expect(parsePlan(json)).toEqual(json);
    json.users[0].steps[2].kind = "wipeEverything";
    expect(() => parsePlan(json, "plan.json")).toThrow(PlanFormatError);
    expect(() => parsePlan(json, "plan.json")).toThrow(/plan.json: invalid plan at users.0.steps.2/);
  });

  test("the fingerprint changes when a method is added or a target device changes", () => {
    const base = targetFingerprint([PASSWORD, rogueApp], [{ id: "d1", present: true, accountEnabled: true }]);
    expect(targetFingerprint([rogueApp, PASSWORD], [{ id: "d1", present: true, accountEnabled: true }])).toBe(
      base,
    );
    expect(
      targetFingerprint([PASSWORD, rogueApp, goodApp], [{ id: "d1", present: true, accountEnabled: true }]),
    ).not.toBe(base);
    expect(
      targetFingerprint([PASSWORD, rogueApp], [{ id: "d1", present: true, accountEnabled: false }]),
    ).not.toBe(base);
  });

  test("keeps a benign usable TAP instead of replacing it (one TAP per user)", () => {
    const tap = {
      "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod" as const,
      id: "tap-helpdesk",
      isUsable: true,
    };
    const result = plan({
      snapshot: snapshot({ users: [alice], methods: new Map([["u-alice", [PASSWORD, tap, rogueApp]]]) }),
      findings: [methodFinding("u-alice", rogueApp)],
    });
    expect(kinds(result.users[0]!.steps)).toEqual(["rotatePassword", "revokeSessions", "deleteMethod"]);
    expect(result.users[0]!.notes.join(" ")).toMatch(/already holds a usable Temporary Access Pass/);
  });
});
