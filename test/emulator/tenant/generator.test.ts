import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { ROLES } from "../../../src/emulator/tenant/catalog.js";
import { DEFAULT_NOW, generateTenant, tenantDocumentSchema } from "../../../src/emulator/tenant/index.js";

const hash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");
const DAY = 86_400_000;

describe("generateTenant", () => {
  const tenant = generateTenant({ users: 400, days: 14, seed: "gen-test" });

  test("same seed gives a byte-identical tenant; another seed or now does not", () => {
    expect(hash(generateTenant({ users: 400, days: 14, seed: "gen-test" }))).toBe(hash(tenant));
    expect(hash(generateTenant({ users: 400, days: 14, seed: "other" }))).not.toBe(hash(tenant));
    const later = generateTenant({
      users: 400,
      days: 14,
      seed: "gen-test",
      now: new Date(DEFAULT_NOW.getTime() + 7 * DAY),
    });
    expect(later.users.map((u) => u.id)).toEqual(tenant.users.map((u) => u.id));
    expect(later.signIns[0]!.createdDateTime).not.toBe(tenant.signIns[0]!.createdDateTime);
  });

  test("the document satisfies its own schema", () => {
    expect(tenantDocumentSchema.safeParse(tenant).success).toBe(true);
  });

  test("every reference points at an object that exists", () => {
    const users = new Set(tenant.users.map((u) => u.id));
    const groups = new Set(tenant.groups.map((g) => g.id));
    const sps = new Set(tenant.apps.map((a) => a.servicePrincipalId));
    const roles = new Set(tenant.roleDefinitions.map((r) => r.id));
    for (const m of tenant.methods) expect(users.has(m.userId)).toBe(true);
    for (const d of tenant.devices)
      for (const id of [...d.ownerIds, ...d.userIds]) expect(users.has(id)).toBe(true);
    for (const g of tenant.groups)
      for (const id of g.members) expect(users.has(id) || groups.has(id)).toBe(true);
    for (const a of tenant.roleAssignments) {
      expect(users.has(a.principalId) || sps.has(a.principalId)).toBe(true);
      expect(roles.has(a.roleDefinitionId)).toBe(true);
    }
    for (const s of tenant.signIns) expect(users.has(s.userId)).toBe(true);
    for (const s of tenant.sessions) expect(users.has(s.userId)).toBe(true);
    expect(new Set(tenant.users.map((u) => u.userPrincipalName)).size).toBe(tenant.users.length);
  });

  test("logs are chronological and inside the window, ending before now", () => {
    const start = DEFAULT_NOW.getTime() - 15 * DAY;
    const times = tenant.signIns.map((s) => s.createdDateTime);
    expect([...times].sort()).toEqual(times);
    expect(Date.parse(times[0]!)).toBeGreaterThanOrEqual(start);
    expect(Date.parse(times[times.length - 1]!)).toBeLessThan(DEFAULT_NOW.getTime());
    const audits = tenant.directoryAudits.map((a) => a.activityDateTime);
    expect([...audits].sort()).toEqual(audits);
  });

  test("a realistic mix of methods, with no accidental shared phone numbers", () => {
    const byType = new Map<string, number>();
    for (const m of tenant.methods)
      byType.set(m.method["@odata.type"], (byType.get(m.method["@odata.type"]) ?? 0) + 1);
    const count = (t: string) => byType.get(`#microsoft.graph.${t}AuthenticationMethod`) ?? 0;
    expect(count("password")).toBe(tenant.users.length);
    expect(count("microsoftAuthenticator")).toBeGreaterThan(tenant.users.length * 0.6);
    expect(count("phone")).toBeGreaterThan(tenant.users.length * 0.6);
    expect(count("fido2")).toBeGreaterThan(0);
    expect(count("windowsHelloForBusiness")).toBeGreaterThan(0);
    expect(count("softwareOath")).toBeGreaterThan(0);
    expect(count("email")).toBeGreaterThan(0);
    const withStrong = new Set(
      tenant.methods
        .filter((m) => m.method["@odata.type"] !== "#microsoft.graph.passwordAuthenticationMethod")
        .map((m) => m.userId),
    );
    expect(withStrong.size).toBeLessThan(tenant.users.length);
    const numbers = tenant.methods.flatMap((m) =>
      m.method["@odata.type"] === "#microsoft.graph.phoneAuthenticationMethod" ? [m.method.phoneNumber] : [],
    );
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const n of numbers) expect(n).toMatch(/^\+\d{1,3} \d{6,12}$/);
  });

  test("personas: break-glass accounts, dormant accounts, admins with roles", () => {
    const breakGlass = tenant.users.filter((u) => u.profile?.breakGlass);
    expect(breakGlass).toHaveLength(2);
    const ga = tenant.roleAssignments
      .filter((a) => a.roleDefinitionId === ROLES.globalAdministrator.id)
      .map((a) => a.principalId);
    for (const u of breakGlass) expect(ga).toContain(u.id);
    const dormant = tenant.users.filter((u) => u.profile?.dormant);
    expect(dormant.length).toBeGreaterThan(0);
    const active = new Set(tenant.signIns.map((s) => s.userId));
    for (const u of dormant) expect(active.has(u.id)).toBe(false);
    for (const u of dormant)
      expect(Date.parse(u.signInActivity?.lastSignInDateTime ?? "")).toBeLessThan(
        DEFAULT_NOW.getTime() - 60 * DAY,
      );
  });

  test("sign-ins: interactive and non-interactive, MFA failures with the real codes", () => {
    expect(
      tenant.signIns.some(
        (s) => s.isInteractive === false && s.signInEventTypes?.[0] === "nonInteractiveUser",
      ),
    ).toBe(true);
    const codes = new Set(tenant.signIns.map((s) => s.status?.errorCode));
    expect(codes).toContain(0);
    expect(codes).toContain(50126);
    expect(codes).toContain(500121);
    expect(codes).toContain(50074);
    const denied = tenant.signIns.find((s) => s.status?.errorCode === 500121)!;
    expect(denied.status?.additionalDetails).toMatch(/^MFA denied; /);
    const perDay = tenant.signIns.length / (tenant.users.length * 10);
    expect(perDay).toBeGreaterThan(2);
    expect(perDay).toBeLessThan(6);
  });

  test("two apps: the responder with write permissions and PAA, a read-only reader; roles configurable", () => {
    const [responder, reader] = tenant.apps;
    expect(responder!.permissions).toContain("UserAuthenticationMethod.ReadWrite.All");
    expect(responder!.directoryRoles).toEqual([ROLES.privilegedAuthenticationAdministrator.id]);
    expect(reader!.permissions.every((p) => !p.includes("ReadWrite"))).toBe(true);
    expect(reader!.directoryRoles).toEqual([]);
    const bare = generateTenant({ users: 10, days: 1, seed: 3, responderRoles: [] });
    expect(bare.apps[0]!.directoryRoles).toEqual([]);
    expect(bare.roleAssignments.some((a) => a.principalId === bare.apps[0]!.servicePrincipalId)).toBe(false);
  });

  test("bad options are rejected with the option named", () => {
    expect(() => generateTenant({ users: 5, days: 1, seed: 1 })).toThrow(
      "users must be an integer from 10 to 200000 (got 5)",
    );
    expect(() => generateTenant({ users: 10, days: 0, seed: 1 })).toThrow(/^days must be an integer/);
    expect(() => generateTenant({ users: 10.5, days: 1, seed: 1 })).toThrow(/^users must be an integer/);
    expect(() => generateTenant({ users: 10, days: 1, seed: Number.NaN })).toThrow(/seed/);
    expect(() => generateTenant({ users: 10, days: 1, seed: 1, now: new Date("x") })).toThrow(
      /now must be a valid date/,
    );
  });

  test("a free tenant has security defaults and no Conditional Access", () => {
    const free = generateTenant({ users: 10, days: 1, seed: 2, licence: "free" });
    expect(free.tenant.licence).toBe("free");
    expect(free.securityDefaults.isEnabled).toBe(true);
    expect(free.conditionalAccessPolicies).toEqual([]);
    expect(tenant.securityDefaults.isEnabled).toBe(false);
    expect(tenant.conditionalAccessPolicies.length).toBeGreaterThan(3);
  });
});
