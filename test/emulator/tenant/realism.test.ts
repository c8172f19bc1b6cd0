import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { FIRST_PARTY } from "../../../src/emulator/tenant/catalog.js";
import { buildScenario } from "../../../src/emulator/tenant/index.js";

/**
 * Generated records against the real Graph description and public samples in ../shared (read in
 * place, never copied). Skipped, with this reason in the name, when ../shared is absent.
 */
const repoRoot = path.resolve(import.meta.dirname, "../../..");
const shared = path.resolve(repoRoot, "../shared");
const exists = existsSync(path.join(shared, "reference/graph-metadata/v1.0-cleanMetadata.xml"));
const SKIP = "(not run: ../shared is absent)";

/** Property names of a CSDL entity or complex type (without base types). */
function csdlProperties(xml: string, kind: "EntityType" | "ComplexType", name: string): Set<string> {
  const start = xml.indexOf(`<${kind} Name="${name}"`);
  if (start < 0) throw new Error(`${kind} ${name} not in the CSDL`);
  const end = xml.indexOf(`</${kind}>`, start);
  const body = xml.slice(start, end);
  return new Set([...body.matchAll(/<(?:Navigation)?Property Name="([^"]+)"/g)].map((m) => m[1]!));
}

/** Beta-only signIn properties the tenant model carries (graph-entra.md §6.3). */
const BETA_SIGNIN = [
  "authenticationDetails",
  "authenticationRequirement",
  "mfaDetail",
  "signInEventTypes",
  "incomingTokenType",
  "autonomousSystemNumber",
  "authenticationProtocol",
  "sessionId",
];

describe.skipIf(!exists)(`realism against ../shared ${exists ? "" : SKIP}`, () => {
  const { tenant } = buildScenario("demo", { users: 60, days: 5, seed: "realism" });
  const xml = exists
    ? readFileSync(path.join(shared, "reference/graph-metadata/v1.0-cleanMetadata.xml"), "utf8")
    : "";

  test("sign-in fields are v1.0 signIn properties or the documented beta additions", () => {
    const known = new Set([...csdlProperties(xml, "EntityType", "signIn"), "id", ...BETA_SIGNIN]);
    const keys = new Set(tenant.signIns.flatMap((s) => Object.keys(s)));
    expect([...keys].filter((k) => !known.has(k))).toEqual([]);
    const status = csdlProperties(xml, "ComplexType", "signInStatus");
    const device = csdlProperties(xml, "ComplexType", "deviceDetail");
    const location = csdlProperties(xml, "ComplexType", "signInLocation");
    for (const s of tenant.signIns.slice(0, 500)) {
      for (const k of Object.keys(s.status ?? {})) expect(status.has(k)).toBe(true);
      for (const k of Object.keys(s.deviceDetail ?? {})) expect(device.has(k)).toBe(true);
      for (const k of Object.keys(s.location ?? {})) expect(location.has(k)).toBe(true);
    }
  });

  test("audit, device, user and method fields are Graph properties", () => {
    const audit = new Set([...csdlProperties(xml, "EntityType", "directoryAudit"), "id", "userAgent"]);
    expect(
      [...new Set(tenant.directoryAudits.flatMap((a) => Object.keys(a)))].filter((k) => !audit.has(k)),
    ).toEqual([]);
    const target = csdlProperties(xml, "ComplexType", "targetResource");
    for (const a of tenant.directoryAudits)
      for (const t of a.targetResources ?? [])
        for (const k of Object.keys(t)) expect(target.has(k)).toBe(true);
    const device = new Set([...csdlProperties(xml, "EntityType", "device"), "id", "ownerIds", "userIds"]);
    expect([...new Set(tenant.devices.flatMap((d) => Object.keys(d)))].filter((k) => !device.has(k))).toEqual(
      [],
    );
    const user = new Set([...csdlProperties(xml, "EntityType", "user"), "id", "profile"]);
    expect([...new Set(tenant.users.flatMap((u) => Object.keys(u)))].filter((k) => !user.has(k))).toEqual([]);
    for (const m of tenant.methods) {
      const type = m.method["@odata.type"].replace("#microsoft.graph.", "");
      const props = new Set([
        ...csdlProperties(xml, "EntityType", type),
        "id",
        "createdDateTime",
        "@odata.type",
      ]);
      expect(
        Object.keys(m.method).filter((k) => !props.has(k)),
        type,
      ).toEqual([]);
    }
  });

  test("app permissions exist in permissions.json as application permissions", () => {
    const perms = JSON.parse(
      readFileSync(path.join(shared, "reference/graph-metadata/permissions.json"), "utf8"),
    ).permissions as Record<string, { schemes: Record<string, unknown> }>;
    for (const app of tenant.apps) {
      for (const p of app.permissions) expect(perms[p]?.schemes.Application, p).toBeDefined();
    }
  });

  test("StrongAuthenticationMethod values have the shape of the public Graph example", () => {
    const sample = JSON.parse(
      readFileSync(
        path.join(
          shared,
          "data/microsoft-graph-docs-contrib/api-reference/beta/api/directoryaudit-list.response-1.json",
        ),
        "utf8",
      ),
    );
    const real = sample.targetResources[0].modifiedProperties.find(
      (p: { displayName: string }) => p.displayName === "StrongAuthenticationMethod",
    );
    const ours = tenant.directoryAudits
      .flatMap((a) => a.targetResources ?? [])
      .flatMap((t) => t.modifiedProperties ?? [])
      .find((p) => p.displayName === "StrongAuthenticationMethod" && p.newValue !== "[]");
    expect(ours).toBeDefined();
    const shape = (v: string) =>
      (JSON.parse(v) as Record<string, unknown>[]).map((e) => Object.keys(e).sort().join(","));
    expect(new Set(shape(ours!.newValue!))).toEqual(new Set(shape(real.newValue)));
    const included = sample.targetResources[0].modifiedProperties.find(
      (p: { displayName: string }) => p.displayName === "Included Updated Properties",
    );
    expect(included.oldValue).toBeNull();
    expect(typeof JSON.parse(included.newValue)).toBe("string");
  });

  test("first-party app ids are the ones the reference names", () => {
    const text =
      readFileSync(path.join(shared, "reference/peers.md"), "utf8") +
      readFileSync(path.join(shared, "reference/graph-entra.md"), "utf8");
    expect(text).toContain(FIRST_PARTY.authBroker.appId);
    expect(text).toContain("01cb2876");
    const portal = readFileSync(
      path.join(shared, "data/microsoft-graph-docs/api-reference/beta/api/signin-list.response-2.json"),
      "utf8",
    );
    expect(portal).toContain(FIRST_PARTY.azurePortal.appId);
  });
});
