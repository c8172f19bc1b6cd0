import { describe, expect, test } from "vitest";
import { FIRST_PARTY, RESOURCES, ROLES, TOOL_FINGERPRINTS } from "../../../src/emulator/tenant/catalog.js";
import {
  buildScenario,
  DEFAULT_NOW,
  type GroundTruth,
  listScenarios,
  type TenantDocument,
  tenantDocumentSchema,
  UnknownScenarioError,
} from "../../../src/emulator/tenant/index.js";

const built = new Map<string, { tenant: TenantDocument; groundTruth: GroundTruth }>();
function scenario(name: string) {
  let s = built.get(name);
  if (!s) {
    s = buildScenario(name);
    built.set(name, s);
  }
  return s;
}

/** The ids present in the tenant, per ground-truth kind. */
function idsByKind(t: TenantDocument): Record<string, Set<string>> {
  return {
    method: new Set(t.methods.map((m) => `${m.userId}/${m.method.id}`)),
    device: new Set(t.devices.map((d) => d.id)),
    audit: new Set(t.directoryAudits.map((a) => a.id)),
    signIn: new Set(t.signIns.map((s) => s.id)),
    riskDetection: new Set(t.riskDetections.map((r) => r.id)),
    user: new Set(t.users.map((u) => u.id)),
    session: new Set(t.sessions.map((s) => s.id)),
  };
}

const names = listScenarios().map((s) => s.name);

test("the catalogue lists the eight scenarios of issue #4 with techniques", () => {
  expect(names).toEqual([
    "apt29-dormant",
    "sim-swap",
    "mfa-fatigue",
    "device-code-prt",
    "bulk-join",
    "admin-persistence",
    "benign-noise",
    "demo",
  ]);
  for (const s of listScenarios()) {
    expect(s.description.length).toBeGreaterThan(20);
    if (s.name !== "benign-noise") expect(s.techniques.length).toBeGreaterThan(0);
  }
  expect(() => buildScenario("demo", { users: 20 })).toThrow(
    "scenario demo needs at least 30 users (got 20)",
  );
  expect(() => buildScenario("nope")).toThrow(UnknownScenarioError);
  expect(() => buildScenario("nope")).toThrow(/unknown scenario "nope"; known scenarios: apt29-dormant, /);
});

describe.each(names)("scenario %s", (name) => {
  test("ground truth refers to objects and events that exist in the tenant", () => {
    const { tenant, groundTruth } = scenario(name);
    expect(tenantDocumentSchema.safeParse(tenant).success).toBe(true);
    expect(groundTruth.tenantId).toBe(tenant.tenant.id);
    const ids = idsByKind(tenant);
    const users = ids.user!;
    for (const item of groundTruth.malicious) {
      const key = item.kind === "method" ? `${item.userId}/${item.id}` : item.id;
      expect(ids[item.kind]!.has(key), `${item.kind} ${item.id} (${item.description})`).toBe(true);
      if (item.userId) expect(users.has(item.userId)).toBe(true);
      expect(item.technique).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(item.step).toBeGreaterThan(0);
    }
    for (const item of groundTruth.benignNoise) {
      const key = item.kind === "method" ? `${item.userId}/${item.id}` : item.id;
      expect(ids[item.kind]!.has(key), `benign ${item.kind} ${item.id}`).toBe(true);
      expect(item.why.length).toBeGreaterThan(10);
    }
    const bad = new Set(groundTruth.malicious.map((m) => `${m.kind}:${m.userId}:${m.id}`));
    for (const b of groundTruth.benignNoise) expect(bad.has(`${b.kind}:${b.userId}:${b.id}`)).toBe(false);
    for (const s of groundTruth.scenarios)
      for (const u of s.compromisedUsers) expect(users.has(u)).toBe(true);
  });

  test("every attack record lies in the window and before now; the same seed gives the same truth", () => {
    const { tenant, groundTruth } = scenario(name);
    const logTimes = new Map<string, string>([
      ...tenant.signIns.map((s) => [s.id, s.createdDateTime] as const),
      ...tenant.directoryAudits.map((a) => [a.id, a.activityDateTime] as const),
    ]);
    for (const item of groundTruth.malicious) {
      const at = logTimes.get(item.id);
      if (at) expect(Date.parse(at)).toBeLessThan(DEFAULT_NOW.getTime());
    }
    if (name === "sim-swap") {
      expect(JSON.stringify(buildScenario(name).groundTruth)).toBe(JSON.stringify(groundTruth));
    }
  });

  test("attack scenarios name compromised users and indicators; benign-noise has none", () => {
    const { groundTruth } = scenario(name);
    if (name === "benign-noise") {
      expect(groundTruth.malicious).toEqual([]);
      expect(groundTruth.scenarios[0]!.compromisedUsers).toEqual([]);
      expect(groundTruth.benignNoise.length).toBeGreaterThan(15);
      return;
    }
    for (const s of groundTruth.scenarios.filter((x) => x.name !== "benign-noise")) {
      expect(s.compromisedUsers.length).toBeGreaterThan(0);
      expect(s.indicators.ips.length).toBeGreaterThan(0);
    }
    const steps = groundTruth.malicious.map((m) => m.step);
    expect(Math.max(...steps)).toBeGreaterThan(1);
  });
});

describe("scenario specifics follow the real attack", () => {
  const signInsOf = (t: TenantDocument, ids: Set<string>) => t.signIns.filter((s) => ids.has(s.id));
  const truthIds = (g: GroundTruth, kind: string) =>
    new Set(g.malicious.filter((m) => m.kind === kind).map((m) => m.id));

  test("apt29-dormant: spray failures, then a dormant MFA-less account registers an Authenticator from abroad", () => {
    const { tenant, groundTruth } = scenario("apt29-dormant");
    const victim = tenant.users.find((u) => u.id === groundTruth.scenarios[0]!.compromisedUsers[0])!;
    expect(victim.profile?.dormant).toBe(true);
    const sprays = signInsOf(tenant, truthIds(groundTruth, "signIn")).filter(
      (s) => s.status?.errorCode === 50126,
    );
    expect(new Set(sprays.map((s) => s.userId)).size).toBeGreaterThanOrEqual(20);
    const reg = tenant.directoryAudits.find(
      (a) =>
        truthIds(groundTruth, "audit").has(a.id) && a.activityDisplayName === "User registered security info",
    )!;
    expect(reg.resultReason).toBe("User registered Authenticator App with Notification and Code");
    expect(groundTruth.scenarios[0]!.indicators.ips).toContain(reg.initiatedBy?.user?.ipAddress);
    const update = tenant.directoryAudits.find(
      (a) => a.correlationId === reg.correlationId && a.activityDisplayName === "Update user",
    )!;
    const props = update.targetResources![0]!.modifiedProperties!;
    const detail = props.find((p) => p.displayName === "StrongAuthenticationPhoneAppDetail")!;
    expect(JSON.parse(detail.newValue!)[0].DeviceName).toBe(
      groundTruth.scenarios[0]!.indicators.deviceNames[0],
    );
    expect(
      JSON.parse(props.find((p) => p.displayName === "Included Updated Properties")!.newValue!),
    ).toContain("StrongAuthenticationPhoneAppDetail");
    const hostCountry = tenant.signIns.find((s) => s.ipAddress === reg.initiatedBy?.user?.ipAddress)!.location
      ?.countryOrRegion;
    expect(hostCountry).not.toBe(victim.profile?.homeCountry);
  });

  test("mfa-fatigue: more than ten 500121 denials within minutes, then an approval, then a new method", () => {
    const { tenant, groundTruth } = scenario("mfa-fatigue");
    const victimId = groundTruth.scenarios[0]!.compromisedUsers[0]!;
    const attack = signInsOf(tenant, truthIds(groundTruth, "signIn")).filter((s) => s.userId === victimId);
    const denials = attack.filter((s) => s.status?.errorCode === 500121);
    expect(denials.length).toBeGreaterThan(10);
    const firstTen = denials.slice(0, 11).map((s) => Date.parse(s.createdDateTime));
    expect(firstTen[10]! - firstTen[0]!).toBeLessThan(10 * 60_000);
    expect(
      denials.some((s) => s.status?.additionalDetails === "MFA denied; user declined the authentication"),
    ).toBe(true);
    const approval = attack.find(
      (s) => s.status?.errorCode === 0 && Date.parse(s.createdDateTime) > firstTen[0]!,
    )!;
    expect(approval.ipAddress).toBe(denials[0]!.ipAddress);
    const method = groundTruth.malicious.find((m) => m.kind === "method" && m.userId === victimId)!;
    expect(tenant.methods.find((m) => m.method.id === method.id)?.method["@odata.type"]).toBe(
      "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
    );
    expect(tenant.directoryAudits.some((a) => a.activityDisplayName === "Suspicious activity reported")).toBe(
      true,
    );
  });

  test("sim-swap: the same attacker number on several users, SMS sign-ins and an SMS password reset", () => {
    const { tenant, groundTruth } = scenario("sim-swap");
    const number = groundTruth.scenarios[0]!.indicators.phoneNumbers[0]!;
    const holders = tenant.methods.filter(
      (m) =>
        m.method["@odata.type"] === "#microsoft.graph.phoneAuthenticationMethod" &&
        m.method.phoneNumber === number,
    );
    expect(new Set(holders.map((m) => m.userId)).size).toBe(3);
    const sms = signInsOf(tenant, truthIds(groundTruth, "signIn")).filter(
      (s) => s.mfaDetail?.authMethod === "OneWaySMS",
    );
    expect(sms.length).toBeGreaterThanOrEqual(3);
    expect(
      tenant.directoryAudits.some(
        (a) =>
          truthIds(groundTruth, "audit").has(a.id) &&
          a.activityDisplayName === "Reset password (self-service)",
      ),
    ).toBe(true);
  });

  test("device-code-prt: device code to the broker for DRS, a ROADtools-default join, then PRT sign-ins from it", () => {
    const { tenant, groundTruth } = scenario("device-code-prt");
    const attack = signInsOf(tenant, truthIds(groundTruth, "signIn"));
    const phish = attack.find((s) => s.authenticationProtocol === "deviceCode")!;
    expect(phish.appId).toBe(FIRST_PARTY.authBroker.appId);
    expect(phish.resourceId).toBe(RESOURCES.drs.id);
    const device = tenant.devices.find((d) => truthIds(groundTruth, "device").has(d.id))!;
    expect(device.displayName).toMatch(/^DESKTOP-[A-Z0-9]{8}$/);
    expect(device.operatingSystemVersion).toBe(TOOL_FINGERPRINTS.roadtoolsWindowsVersion);
    const prt = attack.filter((s) => s.incomingTokenType === "primaryRefreshToken");
    expect(prt.length).toBeGreaterThanOrEqual(2);
    for (const s of prt) expect(s.deviceDetail?.deviceId).toBe(device.deviceId);
    const register = tenant.directoryAudits.find(
      (a) => a.activityDisplayName === "Register device" && a.targetResources?.[0]?.id === device.id,
    )!;
    expect(register.loggedByService).toBe("Device Registration Service");
    expect(register.userAgent).toBe(`Dsreg/10.0 (Windows ${TOOL_FINGERPRINTS.roadtoolsWindowsVersion})`);
  });

  test("bulk-join: many devices by one user within 15 minutes, and a package_* account", () => {
    const { tenant, groundTruth } = scenario("bulk-join");
    const rogue = tenant.devices.filter((d) => truthIds(groundTruth, "device").has(d.id));
    expect(rogue.length).toBe(30);
    const byOwner = new Map<string, number[]>();
    for (const d of rogue)
      byOwner.set(d.ownerIds[0]!, [
        ...(byOwner.get(d.ownerIds[0]!) ?? []),
        Date.parse(d.registrationDateTime!),
      ]);
    const burst = [...byOwner.values()].find((t) => t.length >= 20)!;
    expect(Math.max(...burst) - Math.min(...burst)).toBeLessThan(15 * 60_000);
    const pkg = tenant.users.find((u) => truthIds(groundTruth, "user").has(u.id))!;
    expect(pkg.userPrincipalName).toMatch(/^package_[0-9a-f-]{36}@/);
  });

  test("admin-persistence: Admin registered security info, including a TAP on a Global Administrator", () => {
    const { tenant, groundTruth } = scenario("admin-persistence");
    const audits = tenant.directoryAudits.filter(
      (a) =>
        truthIds(groundTruth, "audit").has(a.id) &&
        a.activityDisplayName === "Admin registered security info",
    );
    expect(audits.length).toBeGreaterThanOrEqual(4);
    const tap = audits.find(
      (a) => a.resultReason === "Admin registered temporary access pass method for user",
    )!;
    const target = tap.targetResources![0]!.id!;
    expect(
      tenant.roleAssignments.some(
        (r) => r.principalId === target && r.roleDefinitionId === ROLES.globalAdministrator.id,
      ),
    ).toBe(true);
    expect(tap.initiatedBy?.user?.id).not.toBe(target);
  });

  test("demo: hostile strings live in the tenant data", () => {
    const { tenant, groundTruth } = scenario("demo");
    expect(tenant.users.length).toBe(200);
    expect(tenant.users.some((u) => u.userPrincipalName.startsWith("o'brien@"))).toBe(true);
    expect(tenant.users.some((u) => u.displayName?.includes("<script>"))).toBe(true);
    expect(tenant.users.some((u) => /[^ -~]/.test(u.displayName ?? ""))).toBe(true);
    expect(tenant.devices.some((d) => (d.displayName?.length ?? 0) > 200)).toBe(true);
    expect(tenant.signIns.some((s) => s.userPrincipalName?.startsWith("o'brien@"))).toBe(true);
    expect(groundTruth.scenarios.map((s) => s.name)).toEqual([
      "apt29-dormant",
      "sim-swap",
      "mfa-fatigue",
      "device-code-prt",
      "admin-persistence",
      "benign-noise",
    ]);
  });
});

describe.each(names)("scenario %s in a one-day, 30-user tenant", (name) => {
  test("builds, stays inside the window, and each victim's steps keep their order", () => {
    const { tenant, groundTruth } = buildScenario(name, { users: 30, days: 1, seed: "tiny" });
    const start = Math.floor(DEFAULT_NOW.getTime() / 86_400_000) * 86_400_000 - 86_400_000;
    const times = new Map<string, number>([
      ...tenant.signIns.map((s) => [s.id, Date.parse(s.createdDateTime)] as const),
      ...tenant.directoryAudits.map((a) => [a.id, Date.parse(a.activityDateTime)] as const),
    ]);
    const byUser = new Map<string, { step: number; at: number }[]>();
    for (const m of groundTruth.malicious) {
      const at = times.get(m.id);
      if (at === undefined || !m.userId) continue;
      expect(at).toBeGreaterThanOrEqual(start);
      expect(at).toBeLessThan(DEFAULT_NOW.getTime());
      byUser.set(m.userId, [...(byUser.get(m.userId) ?? []), { step: m.step, at }]);
    }
    for (const events of byUser.values()) {
      const steps = events.sort((a, b) => a.at - b.at).map((e) => e.step);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
    }
  });
});
