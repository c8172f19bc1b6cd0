import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectCase } from "../../src/collect/index.js";
import type { RunningEmulator } from "../../src/emulator/index.js";
import type { TenantDocument } from "../../src/emulator/tenant/schema.js";
import { openCase } from "../../src/store/index.js";
import {
  caseContents,
  clientFor,
  collectInto,
  contentsOf,
  emulatorFor,
  SINCE,
  tempDir,
  testTenant,
} from "./emulator-case.js";

const tmp = tempDir();
let tenant: TenantDocument;
let clean: RunningEmulator;
let faulty: RunningEmulator;

beforeAll(async () => {
  tenant = testTenant();
  clean = await emulatorFor(tenant);
  faulty = await emulatorFor(tenant, { faultRate: 0.1, seed: 5 });
});

afterAll(async () => {
  await clean?.close();
  await faulty?.close();
  tmp.remove();
});

describe("collect against the emulator", () => {
  it("with 10% injected faults, collects a complete case identical to a fault-free one", async () => {
    const cleanSummary = await collectInto(clean, tmp.file("clean.db"));
    const faultySummary = await collectInto(faulty, tmp.file("faulty.db"));
    const reference = contentsOf(tmp.file("clean.db"));
    expect(contentsOf(tmp.file("faulty.db"))).toEqual(reference);
    expect(faultySummary.outcomes.filter((o) => o.status === "failed")).toEqual([]);
    expect(faultySummary.outcomes.map((o) => [o.part, o.status, o.records])).toEqual(
      cleanSummary.outcomes.map((o) => [o.part, o.status, o.records]),
    );

    // Complete: everything the tenant holds in the window is in the case. (The generator also
    // writes some records after "now"; the window ends at the run's as-of instant.)
    const inWindow = (time: string) => time >= SINCE.toISOString() && time <= cleanSummary.asOf;
    expect(reference.users).toHaveLength(tenant.users.length);
    const seen = new Map<string, number>();
    for (const m of tenant.methods)
      seen.set(`${m.userId}/${m.method.id}`, (seen.get(`${m.userId}/${m.method.id}`) ?? 0) + 1);
    expect(reference.methods).toHaveLength(tenant.methods.length);
    expect(reference.devices).toHaveLength(tenant.devices.length);
    expect(reference.deviceOwners).toHaveLength(tenant.devices.length);
    expect(reference.signIns).toHaveLength(tenant.signIns.filter((s) => inWindow(s.createdDateTime)).length);
    expect(reference.audits).toHaveLength(
      tenant.directoryAudits.filter((a) => inWindow(a.activityDateTime)).length,
    );
    expect(reference.conditionalAccessPolicies).toHaveLength(tenant.conditionalAccessPolicies.length);
    expect(reference.registrationDetails).toHaveLength(tenant.users.length);
    expect(reference.authenticationMethodsPolicy).toHaveLength(1);
  });

  it("re-running is incremental: inventory refreshed, logs only from the end of what the case covers", async () => {
    const file = tmp.file("incremental.db");
    await collectInto(clean, file);
    const before = contentsOf(file);
    const client = clientFor(clean);
    const store = openCase(file);
    const windows = () =>
      (store.getCheckpoint("signins.interactive") as { coverage: { from: string; to: string } }).coverage;
    const firstCoverage = windows();
    try {
      await collectCase({ client, store, since: SINCE });
      expect(caseContents(store)).toEqual(before);
      const secondCoverage = windows();
      expect(secondCoverage.from).toBe(firstCoverage.from);
      expect(secondCoverage.to > firstCoverage.to).toBe(true);
    } finally {
      store.close();
      await client.close();
    }
  });

  it("a re-collection drops what the tenant no longer has: a deleted user's methods, a deleted device's owners", async () => {
    const emulator = await emulatorFor(testTenant());
    const file = tmp.file("deletions.db");
    try {
      await collectInto(emulator, file);
      const before = contentsOf(file);
      const goneUser = tenant.users[0]!.id;
      const goneDevice = tenant.devices[0]!.id;
      expect(before.methods!.some((line) => line.startsWith(`${goneUser}/`))).toBe(true);
      expect(before.deviceOwners!.some((line) => line.startsWith(`${goneDevice}/`))).toBe(true);
      emulator.state.users.delete(goneUser);
      const client = clientFor(emulator);
      await client.request({ method: "DELETE", path: `/devices/${goneDevice}` });
      await client.close();

      await collectInto(emulator, file);
      const after = contentsOf(file);
      expect(after.users).toHaveLength(before.users!.length - 1);
      expect(after.methods!.some((line) => line.startsWith(`${goneUser}/`))).toBe(false);
      expect(after.devices).toHaveLength(before.devices!.length - 1);
      expect(after.deviceOwners!.some((line) => line.startsWith(`${goneDevice}/`))).toBe(false);
      expect(after.deviceUsers!.some((line) => line.startsWith(`${goneDevice}/`))).toBe(false);
    } finally {
      await emulator.close();
    }
  });
});
