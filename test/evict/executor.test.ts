import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ApplyRefusedError, applyPlan } from "../../src/evict/executor.js";
import type { EvictionPlan } from "../../src/evict/plan.js";
import { buildPlan } from "../../src/evict/planner.js";
import { ROLE_TEMPLATES } from "../../src/evict/privilege.js";
import { type SecretRecord, type SecretSink, SecretsFile } from "../../src/evict/secrets-file.js";
import { EvictStore } from "../../src/evict/store.js";
import { Journal, type JournalEntryInput } from "../../src/journal/journal.js";
import { type CaseStore, openCase } from "../../src/store/index.js";
import { FakeGraph, type FakeTenant, ProcessKilled } from "./fake-graph.js";
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

let dir: string;
let store: CaseStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "evict-"));
  store = openCase(path.join(dir, "case.sqlite"));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rogueApp = authenticator("m-rogue", "Attacker Pixel");
const goodApp = authenticator("m-good", "Alice iPhone");
const roguePhone = phone("mobile", "+1 5550000001");
const rogueDevice = device("d1", "Windows");

function tenant(): FakeTenant {
  return {
    users: [
      user("u-alice", "alice@contoso.com"),
      user("u-bob", "bob@contoso.com"),
      user("u-carol", "carol@contoso.com"),
    ],
    methods: new Map([
      ["u-alice", [PASSWORD, goodApp, rogueApp]],
      ["u-bob", [PASSWORD, roguePhone]],
      ["u-carol", [PASSWORD, goodApp, authenticator("m-carol-rogue", "x")]],
    ]),
    devices: [structuredClone(rogueDevice), device("d-benign", "Windows")],
  };
}

function makePlan(t: FakeTenant, extra: { admins?: string[] } = {}): EvictionPlan {
  const s = snapshot({
    users: structuredClone(t.users),
    methods: new Map([...t.methods].map(([k, v]) => [k, structuredClone(v)])),
    devices: structuredClone(t.devices),
    roleAssignments: (extra.admins ?? []).map((id, i) => ({
      id: `ra${i}`,
      principalId: id,
      roleDefinitionId: ROLE_TEMPLATES.globalAdministrator,
    })),
  });
  return buildPlan({
    id: "plan-1",
    now: new Date(),
    snapshot: s,
    app: null,
    findings: [
      methodFinding("u-alice", rogueApp),
      deviceFinding("u-alice", rogueDevice),
      methodFinding("u-bob", roguePhone),
      methodFinding("u-carol", authenticator("m-carol-rogue", "x")),
    ],
  });
}

/** A secrets sink in memory: what `--reveal-secrets` would hold. */
class MemorySecrets implements SecretSink {
  records: SecretRecord[] = [];
  record(secret: SecretRecord): void {
    this.records.push(secret);
  }
  confirm(): void {}
  /** The last password recorded per user: the one the responder hands out. */
  lastPasswords(): Map<string, string> {
    return new Map(this.records.filter((r) => r.kind === "password").map((r) => [r.userId, r.secret]));
  }
}

/** A journal that dies with the fake process. */
class MortalJournal extends Journal {
  constructor(
    host: CaseStore,
    private readonly graph: FakeGraph,
  ) {
    super(host);
  }
  override append(input: JournalEntryInput) {
    if (this.graph.dead) throw new ProcessKilled("dead");
    return super.append(input);
  }
}

function endState(t: FakeTenant) {
  return {
    alice: t.methods
      .get("u-alice")!
      .map((m) => m.id)
      .sort(),
    bob: t.methods
      .get("u-bob")!
      .map((m) => m["@odata.type"])
      .sort(),
    devices: t.devices.map((d) => d.id),
    passwordsRotated: t.users.filter((u) => u.lastPasswordChangeDateTime).length,
  };
}

const EXPECTED_WRITES = [
  "PATCH /users/u-alice",
  "POST /users/u-alice/revokeSignInSessions",
  "DELETE /users/u-alice/authentication/microsoftAuthenticatorMethods/m-rogue",
  "PATCH /devices/d1",
  "DELETE /devices/d1",
  "PATCH /users/u-bob",
  "POST /users/u-bob/revokeSignInSessions",
  "DELETE /users/u-bob/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7",
  "POST /users/u-bob/authentication/temporaryAccessPassMethods",
  "PATCH /users/u-carol",
  "POST /users/u-carol/revokeSignInSessions",
  "DELETE /users/u-carol/authentication/microsoftAuthenticatorMethods/m-carol-rogue",
].sort();

describe("apply", () => {
  test("applies exactly the plan's writes, saves forensics first, verifies, and a re-run changes nothing", async () => {
    const t = tenant();
    const plan = makePlan(t);
    const graph = new FakeGraph(t, RESPONDER_APP.permissions);
    const journal = new Journal(store);
    const evictStore = new EvictStore(store);
    const summary = await applyPlan({ plan, graph, journal, store: evictStore, concurrency: 2 });
    expect(summary.counts).toEqual({ done: 3, failed: 0, refused: 0, skipped: 0 });
    expect(graph.writes.map((w) => `${w.method} ${w.path}`).sort()).toEqual(EXPECTED_WRITES);
    expect(endState(t)).toEqual({
      alice: ["28c10230-6103-485e-b985-444c60001490", "m-good"],
      bob: [
        "#microsoft.graph.passwordAuthenticationMethod",
        "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
      ],
      devices: ["d-benign"],
      passwordsRotated: 3,
    });
    const forensics = evictStore.forensics("plan-1");
    expect(forensics.map((f) => `${f.objectKind}:${f.objectId}:${f.source}`)).toEqual([
      "device:d1:graph",
      "method:3179e48a-750b-4051-897c-87b9720928f7:graph",
      "method:m-carol-rogue:graph",
      "method:m-rogue:graph",
    ]);
    expect(forensics.find((f) => f.objectId === "d1")!.json).toMatchObject({ displayName: "DESKTOP-d1" });
    expect(journal.verify().ok).toBe(true);
    expect(summary.users.every((u) => u.verification?.ok)).toBe(true);

    const again = await applyPlan({ plan, graph, journal, store: evictStore });
    expect(again.counts.skipped).toBe(3);
    expect(graph.writes).toHaveLength(EXPECTED_WRITES.length);
  });

  test("kill -9 before or after each write in turn: re-running finishes the plan with each write exactly once", async () => {
    for (let k = 1; k <= EXPECTED_WRITES.length; k++) {
      for (const when of ["before", "after"] as const) {
        const t = tenant();
        const plan = makePlan(t);
        const file = path.join(dir, `kill-${k}-${when}.sqlite`);
        const caseStore = openCase(file);
        try {
          const graph = new FakeGraph(t, RESPONDER_APP.permissions);
          graph.kill = { atWrite: k, when };
          const first = applyPlan({
            plan,
            graph,
            journal: new MortalJournal(caseStore, graph),
            store: new EvictStore(caseStore),
            concurrency: 3,
          });
          await expect(first).rejects.toBeInstanceOf(ProcessKilled);
          // Let the other lanes of the dead run settle before the "new process" starts.
          await new Promise((r) => setTimeout(r, 5));
          graph.dead = false;
          graph.kill = undefined;
          const summary = await applyPlan({
            plan,
            graph,
            journal: new Journal(caseStore),
            store: new EvictStore(caseStore),
            concurrency: 3,
          });
          const label = `kill at write ${k} ${when}`;
          // Users the killed run already finished and verified are reported as skipped (complete).
          expect(summary.counts.failed + summary.counts.refused, label).toBe(0);
          expect(summary.counts.done + summary.counts.skipped, label).toBe(3);
          expect(graph.writes.map((w) => `${w.method} ${w.path}`).sort(), label).toEqual(EXPECTED_WRITES);
          expect(endState(t).devices, label).toEqual(["d-benign"]);
          expect(new Journal(caseStore).verify().ok, label).toBe(true);
        } finally {
          caseStore.close();
        }
      }
    }
  });

  test("Graph loses the answer to each write in turn, before or after it ran: one run finishes, each write once, the recorded password in force", async () => {
    for (let k = 1; k <= EXPECTED_WRITES.length; k++) {
      for (const when of ["before", "after"] as const) {
        const t = tenant();
        const plan = makePlan(t);
        const caseStore = openCase(path.join(dir, `lost-${k}-${when}.sqlite`));
        try {
          const graph = new FakeGraph(t, RESPONDER_APP.permissions);
          graph.lose = { atWrite: k, when };
          const secrets = new MemorySecrets();
          const journal = new Journal(caseStore);
          const summary = await applyPlan({
            plan,
            graph,
            journal,
            store: new EvictStore(caseStore),
            secrets,
            outcomeSettleMs: 0,
            concurrency: 3,
          });
          const label = `answer to write ${k} lost ${when} it ran`;
          expect(summary.counts, label).toEqual({ done: 3, failed: 0, refused: 0, skipped: 0 });
          expect(graph.writes.map((w) => `${w.method} ${w.path}`).sort(), label).toEqual(EXPECTED_WRITES);
          expect(secrets.lastPasswords(), label).toEqual(graph.passwords);
          expect(
            secrets.records.filter((r) => r.kind === "password"),
            label,
          ).toHaveLength(3);
          expect(journal.verify().ok, label).toBe(true);
          const lost = journal.entries().filter((e) => e.kind === "step.end" && e.payload.outcomeUnknown);
          expect(lost, label).toHaveLength(1);
          // The lost attempt is followed by a read that decides: done (it ran) or written again.
          const after = journal.entries({ subject: lost[0]!.subject! }).filter((e) => e.seq > lost[0]!.seq);
          expect(
            after.map((e) => `${e.kind}:${e.payload.outcome ?? ""}`),
            label,
          ).toEqual(when === "after" ? ["step.end:alreadyDone"] : ["step.begin:", "step.end:done"]);
        } finally {
          caseStore.close();
        }
      }
    }
  });

  test("a rotation whose lost write lands after the one repeating it still leaves the recorded password in force", async () => {
    const t = tenant();
    const graph = new FakeGraph(t, RESPONDER_APP.permissions);
    // Write 1 (one lane: alice first) is alice's password; it lands only after the repeat.
    graph.lose = { atWrite: 1, when: "late" };
    const secrets = new MemorySecrets();
    const summary = await applyPlan({
      plan: makePlan(t),
      graph,
      journal: new Journal(store),
      store: new EvictStore(store),
      secrets,
      outcomeSettleMs: 0,
      concurrency: 1,
    });
    expect(summary.counts.done).toBe(3);
    expect(graph.writes.filter((w) => w.path === "/users/u-alice")).toHaveLength(2);
    expect(secrets.lastPasswords()).toEqual(graph.passwords);
    expect(secrets.records.filter((r) => r.userId === "u-alice")).toHaveLength(1);
  });

  test("a lost answer whose effect cannot be read back stops the user, naming the step; a re-run finishes it", async () => {
    for (const { atWrite, kind, notRun } of [
      { atWrite: 1, kind: "rotatePassword", notRun: 4 },
      { atWrite: 4, kind: "disableDevice", notRun: 1 },
    ]) {
      const t = tenant();
      const plan = makePlan(t);
      const caseStore = openCase(path.join(dir, `unreadable-${atWrite}.sqlite`));
      try {
        const graph = new FakeGraph(t, RESPONDER_APP.permissions);
        graph.lose = { atWrite, when: "before", thenFailReads: 1 };
        const run = () =>
          applyPlan({
            plan,
            graph,
            journal: new Journal(caseStore),
            store: new EvictStore(caseStore),
            outcomeSettleMs: 0,
            concurrency: 1,
          });
        const first = await run();
        const alice = first.users.find((u) => u.userId === "u-alice")!;
        expect(alice.status, kind).toBe("failed");
        expect(alice.reason, kind).toMatch(
          new RegExp(`could not tell whether step \\S+ \\(${kind}\\) took effect: .*run apply again`),
        );
        expect(
          alice.steps.filter((s) => s.outcome === "notRun"),
          kind,
        ).toHaveLength(notRun);
        expect(first.counts.done, kind).toBe(2);
        const second = await run();
        expect(second.counts, kind).toEqual({ done: 1, failed: 0, refused: 0, skipped: 2 });
        expect(graph.writes.map((w) => `${w.method} ${w.path}`).sort(), kind).toEqual(EXPECTED_WRITES);
        expect(new Journal(caseStore).verify().ok, kind).toBe(true);
      } finally {
        caseStore.close();
      }
    }
  });

  test("refuses a drifted plan and changes nothing", async () => {
    const t = tenant();
    const plan = makePlan(t);
    t.methods.get("u-bob")!.push(authenticator("m-new", "attacker came back"));
    const graph = new FakeGraph(t, RESPONDER_APP.permissions);
    const run = applyPlan({ plan, graph, journal: new Journal(store), store: new EvictStore(store) });
    await expect(run).rejects.toBeInstanceOf(ApplyRefusedError);
    await expect(run).rejects.toThrow(/bob@contoso.com: methods or targeted devices changed.*re-run plan/);
    expect(graph.writes).toHaveLength(0);
  });

  test("refuses a plan older than its limit", async () => {
    const t = tenant();
    const plan = makePlan(t);
    const graph = new FakeGraph(t, RESPONDER_APP.permissions);
    const later = () => new Date(Date.parse(plan.createdAt) + (plan.maxAgeMinutes + 5) * 60_000);
    await expect(
      applyPlan({ plan, graph, journal: new Journal(store), store: new EvictStore(store), now: later }),
    ).rejects.toThrow(/older than its limit/);
    expect(graph.writes).toHaveLength(0);
  });

  test("refuses with the read-only app, naming the missing permissions", async () => {
    const t = tenant();
    const graph = new FakeGraph(t, ["User.Read.All", "UserAuthenticationMethod.Read.All", "Device.Read.All"]);
    const run = applyPlan({
      plan: makePlan(t),
      graph,
      journal: new Journal(store),
      store: new EvictStore(store),
    });
    await expect(run).rejects.toThrow(
      /the app lacks a permission: rotatePassword needs one of User-PasswordProfile.ReadWrite.All/,
    );
    expect(graph.writes).toHaveLength(0);
  });

  test("refuses an administrator target when the app lacks a privileged role; the others proceed", async () => {
    const t = tenant();
    const plan = makePlan(t, { admins: ["u-carol"] });
    const graph = new FakeGraph(t, RESPONDER_APP.permissions);
    const summary = await applyPlan({
      plan,
      graph,
      journal: new Journal(store),
      store: new EvictStore(store),
      appDirectoryRoles: [ROLE_TEMPLATES.userAdministrator],
    });
    const carol = summary.users.find((u) => u.userId === "u-carol")!;
    expect(carol.status).toBe("refused");
    expect(carol.reason).toMatch(/Privileged Authentication Administrator/);
    expect(graph.writes.some((w) => w.path.includes("u-carol"))).toBe(false);
    expect(summary.counts.done).toBe(2);
  });

  test("secrets go only to the 0600 secrets file, never to the journal", async () => {
    const t = tenant();
    const secretsPath = path.join(dir, "secrets.jsonl");
    const secrets = new SecretsFile(secretsPath);
    const journal = new Journal(store);
    await applyPlan({
      plan: makePlan(t),
      graph: new FakeGraph(t, RESPONDER_APP.permissions),
      journal,
      store: new EvictStore(store),
      secrets,
      generatePassword: () => "Fixed-Test-Passw0rd!",
    });
    secrets.close();
    expect(fs.statSync(secretsPath).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(secretsPath, "utf8");
    expect(text).toContain("Fixed-Test-Passw0rd!");
    expect(text).toContain("CODE1x");
    const dump = JSON.stringify(journal.entries());
    expect(dump).not.toContain("Fixed-Test-Passw0rd!");
    expect(dump).not.toContain("CODE1x");
    const raw = fs.readFileSync(path.join(dir, "case.sqlite")).toString("latin1");
    expect(raw).not.toContain("Fixed-Test-Passw0rd!");
  });

  test("one user's failure does not stop the others; the summary says why", async () => {
    const t = tenant();
    const plan = makePlan(t);
    t.defaultMethod = new Map([["u-alice", "m-rogue"]]);
    const graph = new FakeGraph(t, RESPONDER_APP.permissions);
    const summary = await applyPlan({
      plan,
      graph,
      journal: new Journal(store),
      store: new EvictStore(store),
    });
    const alice = summary.users.find((u) => u.userId === "u-alice")!;
    expect(alice.status).toBe("failed");
    expect(alice.reason).toMatch(/deleteMethod: .*400 badRequest/);
    // Alice's later steps still ran (device), and the other users finished.
    expect(t.devices.map((d) => d.id)).toEqual(["d-benign"]);
    expect(summary.counts).toMatchObject({ done: 2, failed: 1 });
  });

  test("confirms compromise in Identity Protection when planned, once", async () => {
    const t = tenant();
    const plan = buildPlan({
      id: "plan-cc",
      now: new Date(),
      snapshot: snapshot({
        users: structuredClone(t.users),
        methods: new Map([...t.methods].map(([k, v]) => [k, structuredClone(v)])),
      }),
      app: null,
      findings: [methodFinding("u-bob", roguePhone)],
      options: { confirmCompromised: true },
    });
    expect(plan.users[0]!.steps.at(-1)!.kind).toBe("confirmCompromised");
    const graph = new FakeGraph(t, RESPONDER_APP.permissions);
    const journal = new Journal(store);
    const evictStore = new EvictStore(store);
    await applyPlan({ plan, graph, journal, store: evictStore });
    expect(graph.riskStates.get("u-bob")).toBe("confirmedCompromised");
    expect(graph.writes.filter((w) => w.path.includes("confirmCompromised"))).toHaveLength(1);
  });

  test("retires an Intune-enrolled rogue device before deleting it, once", async () => {
    const t = tenant();
    const managed = device("d-ios", "iOS", {
      isManaged: true,
      mdmAppId: "0000000a-0000-0000-c000-000000000000",
    });
    t.devices.push(managed);
    const plan = buildPlan({
      id: "plan-intune",
      now: new Date(),
      snapshot: snapshot({
        users: structuredClone(t.users),
        methods: new Map([...t.methods].map(([k, v]) => [k, structuredClone(v)])),
        devices: structuredClone(t.devices),
      }),
      app: null,
      findings: [deviceFinding("u-alice", managed)],
    });
    expect(plan.users[0]!.steps.map((s) => s.kind)).toEqual([
      "rotatePassword",
      "revokeSessions",
      "retireManagedDevice",
      "deleteDevice",
    ]);
    const graph = new FakeGraph(t, RESPONDER_APP.permissions);
    graph.managedDevices = [{ id: "md-1", azureADDeviceId: "dev-d-ios", managementState: "managed" }];
    const summary = await applyPlan({
      plan,
      graph,
      journal: new Journal(store),
      store: new EvictStore(store),
    });
    expect(summary.counts.done).toBe(1);
    expect(graph.managedDevices[0]!.managementState).toBe("retirePending");
    expect(graph.writes.map((w) => `${w.method} ${w.path}`)).toContain(
      "POST /deviceManagement/managedDevices/md-1/retire",
    );
    expect(t.devices.some((d) => d.id === "d-ios")).toBe(false);
  });

  test("one apply per case: a live holder of the lock refuses the run, a dead one (kill -9) is taken over", async () => {
    const t = tenant();
    const plan = makePlan(t);
    const graph = new FakeGraph(t, RESPONDER_APP.permissions);
    const evictStore = new EvictStore(store);
    const hold = (pid: number) =>
      store.db
        .prepare(
          "INSERT OR REPLACE INTO evict_locks (case_lock, plan_id, host, pid, acquired_at) VALUES (1, 'other', ?, ?, ?)",
        )
        .run(os.hostname(), pid, new Date().toISOString());
    hold(process.ppid);
    await expect(applyPlan({ plan, graph, journal: new Journal(store), store: evictStore })).rejects.toThrow(
      new RegExp(`another apply \\(plan other, pid ${process.ppid}`),
    );
    expect(graph.writes).toHaveLength(0);

    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    hold(gone);
    const summary = await applyPlan({ plan, graph, journal: new Journal(store), store: evictStore });
    expect(summary.counts.done).toBe(3);
    expect(store.db.prepare("SELECT COUNT(*) FROM evict_locks").pluck().get()).toBe(0);
  });
});
