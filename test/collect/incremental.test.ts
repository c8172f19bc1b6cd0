import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CollectStream,
  type CollectSummary,
  collectCase,
  type PartOutcome,
} from "../../src/collect/index.js";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { GraphError, type GraphRequest } from "../../src/graph/index.js";
import { METHOD_COLLECTIONS } from "../../src/graph/types.js";
import { openCase } from "../../src/store/index.js";
import {
  clientFor,
  contentsOf,
  emulatorFor,
  recordingClient,
  SINCE,
  tempDir,
  testTenant,
} from "./emulator-case.js";

/**
 * Incremental inventory: after a complete pass, a re-run reads the methods only of new users and
 * of users the audit log names in a method change, and the owners and users only of new, changed
 * or re-owned devices; and it falls back to a full pass whenever the audit log cannot vouch for
 * every change since the last pass.
 */

const AUDIT_DELAY_MS = 200;
const INVENTORY = ["users", "methods", "devices", "deviceOwners", "deviceUsers", "registrationDetails"];
const tmp = tempDir();
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await emulatorFor(testTenant(60), { auditDelayMs: AUDIT_DELAY_MS });
});

afterAll(async () => {
  await emulator?.close();
  tmp.remove();
});

interface Run {
  summary: CollectSummary;
  requests: GraphRequest[];
}

async function collectRun(
  file: string,
  options: Partial<Parameters<typeof collectCase>[0]> = {},
  refuse?: (path: string) => GraphError | undefined,
): Promise<Run> {
  const base = clientFor(emulator);
  const { client, requests } = recordingClient(base, refuse);
  const store = openCase(file);
  try {
    return { summary: await collectCase({ client, store, since: SINCE, ...options }), requests };
  } finally {
    store.close();
    await base.close();
  }
}

function outcome(run: Run, part: string): PartOutcome {
  const found = run.summary.outcomes.find((o) => o.part === part);
  if (!found) throw new Error(`no outcome for ${part}`);
  return found;
}

/** Users whose methods listing the run asked for. */
function methodReads(run: Run): string[] {
  return run.requests
    .map((r) => /^\/users\/([^/]+)\/authentication\/methods$/.exec(r.path)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(decodeURIComponent);
}

/** Devices whose registered owners the run listed one by one. */
function ownerReads(run: Run): string[] {
  return run.requests
    .map((r) => /^\/devices\/([^/]+)\/registeredOwners$/.exec(r.path)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(decodeURIComponent);
}

const expands = (run: Run) => run.requests.filter((r) => r.path === "/devices" && r.query?.$expand).length;

function inventoryOf(file: string): Record<string, string[]> {
  const contents = contentsOf(file);
  return Object.fromEntries(INVENTORY.map((kind) => [kind, contents[kind]!]));
}

/** Users holding a Temporary Access Pass: their methods are re-read every run (it expires unaudited). */
function tapHolders(): string[] {
  return [...emulator.state.methods.entries()]
    .filter(
      ([userId, list]) =>
        emulator.state.users.has(userId) &&
        list.some(
          (r) => r.method["@odata.type"] === "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
        ),
    )
    .map(([userId]) => userId);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, AUDIT_DELAY_MS + 100));

describe("incremental inventory collection", () => {
  it("re-reads only what changed, and the case equals a fresh full collection", async () => {
    const file = tmp.file("incremental.db");
    const first = await collectRun(file);
    expect(outcome(first, "methods")).toMatchObject({ mode: "full" });
    expect(outcome(first, "methods").reason).toMatch(/full pass: no complete earlier pass/);
    expect(outcome(first, "devices")).toMatchObject({ mode: "full" });
    const usersBefore = emulator.state.users.size;
    expect(methodReads(first)).toHaveLength(usersBefore);

    // The tenant changes: an attacker registers an Authenticator on one user, an admin deletes
    // another user's Authenticator, a device is registered and another deleted, a user is renamed,
    // one leaves and one joins (the last three without an audit
    // record naming what the case must re-read: the users listing shows them).
    const state = emulator.state;
    const plain = [...state.users.values()].filter((u) => !state.isAdmin(u.id) && u.accountEnabled !== false);
    const authenticatorType = "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod";
    const victim = plain.find(
      (u) => !state.methodsOf(u.id).some((r) => r.method["@odata.type"] === authenticatorType),
    )!;
    const holder = plain.find(
      (u) =>
        u.id !== victim.id &&
        state.methodsOf(u.id).some((r) => r.method["@odata.type"] === authenticatorType),
    )!;
    const owners = (userId: string) =>
      [...state.devices.values()].filter((d) => d.ownerIds.includes(userId) || d.userIds.includes(userId));
    const renamed = plain.find((u) => ![victim.id, holder.id].includes(u.id) && owners(u.id).length > 0)!;
    const leaver = plain.find(
      (u) => ![victim.id, holder.id, renamed.id].includes(u.id) && owners(u.id).length > 0,
    )!;
    const goneDevice = [...state.devices.values()].find(
      (d) => ![...d.ownerIds, ...d.userIds].some((id) => [renamed.id, leaver.id].includes(id)),
    )!;
    const attacker = { ipAddress: "185.220.101.4", userAgent: "Mozilla/5.0 (X11; Linux x86_64)" };
    emulator.actions.registerMethod({
      ...attacker,
      userId: victim.id,
      method: {
        "@odata.type": authenticatorType,
        displayName: "SM-G998B",
        deviceTag: "SoftwareTokenActivated",
      },
    });
    const rogueDevice = emulator.actions.registerDevice({
      ...attacker,
      userId: victim.id,
      displayName: "DESKTOP-R0GUE",
      operatingSystem: "Windows",
      operatingSystemVersion: "10.0.22631",
    });
    const graph = clientFor(emulator);
    const deleted = state.methodsOf(holder.id).find((r) => r.method["@odata.type"] === authenticatorType)!;
    await graph.request({
      method: "DELETE",
      path: `/users/${holder.id}/authentication/${METHOD_COLLECTIONS[authenticatorType]}/${deleted.method.id}`,
    });
    await graph.request({ method: "DELETE", path: `/devices/${goneDevice.id}` });
    await graph.close();
    // The responder app may not rename users; an HR sync would, and no audit names the device then.
    renamed.displayName = "Renamed Person";
    state.users.delete(leaver.id);
    const joiner = {
      ...structuredClone(plain.at(-1)!),
      id: randomUUID(),
      userPrincipalName: `new.hire@${renamed.userPrincipalName.split("@")[1]}`,
    };
    state.putUser(joiner);
    state.methodsOf(joiner.id).push({
      method: {
        "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
        id: randomUUID(),
        emailAddress: "new.hire@example.org",
      },
      isDefault: false,
    });
    await settle();

    const second = await collectRun(file);
    const fresh = await collectRun(tmp.file("fresh.db"));
    // (a) the same inventory as a full collection of the tenant as it is now
    expect(inventoryOf(file)).toEqual(inventoryOf(tmp.file("fresh.db")));
    expect(inventoryOf(file).methods!.some((line) => line.startsWith(`${joiner.id}/`))).toBe(true);
    expect(inventoryOf(file).methods!.some((line) => line.startsWith(`${leaver.id}/`))).toBe(false);
    expect(
      inventoryOf(file).methods!.some((line) => line.startsWith(`${holder.id}/${deleted.method.id}`)),
    ).toBe(false);
    expect(
      inventoryOf(file).deviceOwners!.some((line) => line.startsWith(`${rogueDevice.id}/${victim.id}`)),
    ).toBe(true);
    expect(inventoryOf(file).deviceOwners!.some((line) => line.includes("Renamed Person"))).toBe(true);

    // (b) far fewer reads: exactly the changed, new and TAP-holding users; the changed devices only
    expect(outcome(second, "methods")).toMatchObject({ mode: "incremental" });
    expect(outcome(second, "methods").reason).toMatch(
      new RegExp(
        `^incremental, ${methodReads(second).length} of ${state.users.size} users re-read \\(audits since `,
      ),
    );
    expect(new Set(methodReads(second))).toEqual(new Set([victim.id, holder.id, joiner.id, ...tapHolders()]));
    expect(methodReads(second).length).toBeLessThan(state.users.size / 4);
    expect(methodReads(fresh)).toHaveLength(state.users.size);
    expect(outcome(second, "devices")).toMatchObject({ mode: "incremental" });
    const changedDevices = [
      rogueDevice.id,
      ...owners(renamed.id).map((d) => d.id),
      ...owners(leaver.id).map((d) => d.id),
    ];
    expect(new Set(ownerReads(second))).toEqual(new Set(changedDevices));
    expect(expands(second)).toBe(0);
    expect(expands(fresh)).toBe(2);

    // Nothing changed since: the TAP holders are read again, and the objects of the changes that
    // still lie within the late-arrival overlap before the last pass.
    const third = await collectRun(file);
    expect(new Set(methodReads(third))).toEqual(new Set([victim.id, holder.id, ...tapHolders()]));
    expect(ownerReads(third)).toEqual([rogueDevice.id]);
    expect(inventoryOf(file)).toEqual(inventoryOf(tmp.file("fresh.db")));
  });

  it("reads everything with --full and whenever the audit log cannot vouch for the changes", async () => {
    const file = tmp.file("fallbacks.db");
    // The streams that matter here (the others would only spend the emulator's reports budget).
    const only: CollectStream[] = ["users", "methods", "devices", "audits"];
    const collect = (
      options: Partial<Parameters<typeof collectCase>[0]> = {},
      refuse?: (path: string) => GraphError | undefined,
    ) => collectRun(file, { only, ...options }, refuse);
    await collect();
    const fullPass = (run: Run, reason: RegExp) => {
      expect(outcome(run, "methods")).toMatchObject({ mode: "full" });
      expect(outcome(run, "methods").reason).toMatch(reason);
      expect(methodReads(run)).toHaveLength(emulator.state.users.size);
      expect(outcome(run, "devices")).toMatchObject({ mode: "full" });
      expect(expands(run)).toBe(2);
    };
    const refused = (status: number, code: string) => (path: string) =>
      path === "/auditLogs/directoryAudits"
        ? new GraphError(status, code, "refused by the test", { method: "GET", path })
        : undefined;

    fullPass(await collect({ full: true }), /^full pass: --full$/);
    fullPass(
      await collect({ only: ["users", "methods", "devices"] }),
      /^full pass: directory audits are not collected in this run$/,
    );
    const forbidden = await collect({}, refused(403, "Authorization_RequestDenied"));
    expect(outcome(forbidden, "audits").status).toBe("skipped");
    fullPass(forbidden, /^full pass: no audit coverage up to this run/);
    const failed = await collect({}, refused(400, "BadRequest"));
    expect(outcome(failed, "audits").status).toBe("failed");
    fullPass(failed, /^full pass: no audit coverage up to this run/);
    // A log window that starts after the last pass leaves the time between unaccounted for.
    fullPass(await collect({ since: new Date() }), /^full pass: no audit coverage since the last pass/);
    fullPass(
      await collect({ inventoryMaxAgeMs: 0 }),
      /^full pass: the last full pass is .* old \(one at least every/,
    );

    const store = openCase(file);
    for (const stream of ["methods", "devices"]) {
      const checkpoint = store.getCheckpoint(stream) as Record<string, unknown>;
      store.setCheckpoint(stream, { ...checkpoint, tenantId: "8f4c4c5e-0000-4000-8000-000000000000" });
    }
    store.close();
    fullPass(await collect(), /^full pass: the last pass read another tenant$/);

    const scoped = await collect({ users: { list: [...emulator.state.users.keys()].slice(0, 3) } });
    expect(outcome(scoped, "methods")).toMatchObject({
      mode: "full",
      reason: "full pass: a --users scope is read in full",
    });
    expect(methodReads(scoped)).toHaveLength(3);
    expect(outcome(scoped, "devices").reason).toMatch(/^full pass: a --users scope lists only some users/);

    // A scoped pass is no base for the next incremental one, which still reads from the last whole pass.
    const after = await collect();
    expect(outcome(after, "methods")).toMatchObject({ mode: "incremental" });
    expect(methodReads(after).length).toBeLessThan(emulator.state.users.size / 4);
    expect(outcome(after, "devices")).toMatchObject({ mode: "incremental" });
  });
});
