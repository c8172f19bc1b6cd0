import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectCase, parseUserScope } from "../../src/collect/index.js";
import type { RunningEmulator } from "../../src/emulator/index.js";
import type { TenantDocument } from "../../src/emulator/tenant/schema.js";
import { openCase } from "../../src/store/index.js";
import { clientFor, emulatorFor, SINCE, tempDir, testTenant } from "./emulator-case.js";

const tmp = tempDir();
let tenant: TenantDocument;
let emulator: RunningEmulator;
let obrien: { id: string; userPrincipalName: string };

/** Permissions the read-only app loses in this tenant, to see the preflight name each one. */
const WITHHELD = ["AuditLog.Read.All", "IdentityRiskEvent.Read.All", "Policy.Read.DeviceConfiguration"];

beforeAll(async () => {
  tenant = testTenant(30);
  const user = tenant.users[3]!;
  user.userPrincipalName = `o'brien@${user.userPrincipalName.split("@")[1]}`;
  obrien = { id: user.id, userPrincipalName: user.userPrincipalName };
  const reader = tenant.apps.find((app) => !app.permissions.some((p) => /ReadWrite/.test(p)))!;
  reader.permissions = reader.permissions.filter((p) => !WITHHELD.includes(p));
  emulator = await emulatorFor(tenant);
});

afterAll(async () => {
  await emulator?.close();
  tmp.remove();
});

describe("permission preflight with the read-only app", () => {
  it("names the exact permission each stream part lacks, skips those parts and collects the rest", async () => {
    const client = clientFor(emulator, true);
    const store = openCase(tmp.file("reader.db"));
    try {
      let announced: unknown;
      const summary = await collectCase({
        client,
        store,
        since: SINCE,
        onPreflight: (result) => {
          announced = result;
        },
      });
      expect(announced).toEqual(summary.preflight);
      expect(summary.preflight.missing).toEqual([
        { stream: "users", part: "signInActivity", needs: "AuditLog.Read.All" },
        { stream: "methods", part: "registrationDetails", needs: "AuditLog.Read.All" },
        {
          stream: "policies",
          part: "deviceRegistrationPolicy",
          needs: "Policy.Read.DeviceConfiguration (or Policy.ReadWrite.DeviceConfiguration)",
        },
        {
          stream: "risk",
          part: "riskDetections",
          needs: "IdentityRiskEvent.Read.All",
        },
        { stream: "signins", part: "signins", needs: "AuditLog.Read.All" },
      ]);
      const byPart = new Map(
        summary.outcomes.map((outcome) => [`${outcome.stream}/${outcome.part}`, outcome]),
      );
      expect(byPart.get("signins/signins")).toMatchObject({
        status: "skipped",
        reason: "the app lacks AuditLog.Read.All",
      });
      expect(byPart.get("methods/registrationDetails")?.status).toBe("skipped");
      expect(byPart.get("users/users")).toMatchObject({
        status: "collected",
        records: tenant.users.length,
        reason: "signInActivity not collected: the app lacks AuditLog.Read.All",
      });
      for (const part of [
        "methods/methods",
        "devices/devices",
        "roles/roles",
        "audits/audits",
        "risk/riskyUsers",
      ]) {
        expect(byPart.get(part)?.status, part).toBe("collected");
      }
      const counts = new Map(store.counts().kinds.map((kind) => [kind.kind, kind.total]));
      expect(counts.get("signIns") ?? 0).toBe(0);
      expect(counts.get("methods")).toBe(
        new Set(tenant.methods.map((m) => `${m.userId}/${m.method.id}`)).size,
      );
      expect([...store.iterate("users")].every((stored) => stored.record.signInActivity === undefined)).toBe(
        true,
      );
    } finally {
      store.close();
      await client.close();
    }
  });
});

describe("--users with a quote in the UPN", () => {
  it("finds o'brien through an escaped OData literal and collects only that user's methods", async () => {
    const client = clientFor(emulator);
    const store = openCase(tmp.file("obrien.db"));
    try {
      const users = parseUserScope(obrien.userPrincipalName)!;
      const summary = await collectCase({ client, store, since: SINCE, only: ["users", "methods"], users });
      expect(summary.outcomes.every((outcome) => outcome.status === "collected" && !outcome.failures)).toBe(
        true,
      );
      expect([...store.iterate("users")].map((stored) => stored.record.userPrincipalName)).toEqual([
        obrien.userPrincipalName,
      ]);
      const scopes = new Set([...store.iterate("methods")].map((stored) => stored.scope));
      expect([...scopes]).toEqual([obrien.id]);
      expect([...store.iterate("methods")]).toHaveLength(
        tenant.methods.filter((m) => m.userId === obrien.id).length,
      );
    } finally {
      store.close();
      await client.close();
    }
  });

  it("passes a responder's own OData filter, with the advanced-query headers endswith needs", async () => {
    const client = clientFor(emulator);
    const store = openCase(tmp.file("endswith.db"));
    try {
      const literal = obrien.userPrincipalName.replaceAll("'", "''");
      const users = parseUserScope(`endswith(userPrincipalName,'${literal}')`)!;
      expect(users).toHaveProperty("filter");
      const summary = await collectCase({ client, store, since: SINCE, only: ["users"], users });
      expect(summary.outcomes[0]).toMatchObject({ status: "collected", records: 1 });
      expect([...store.iterate("users")].map((stored) => stored.record.id)).toEqual([obrien.id]);
    } finally {
      store.close();
      await client.close();
    }
  });
});
