import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type CaseStore, openCase, type Provenance } from "../../src/store/index.js";

const graph = (endpoint: string, collectedAt = "2026-01-01T00:00:00.000Z") => ({
  source: "graph" as const,
  endpoint,
  collectedAt,
});
const file = (name: string, line: number): Provenance => ({ source: "file", file: name, line });

let dir: string;
let casePath: string;
let store: CaseStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mfa-evict-store-"));
  casePath = path.join(dir, "case.db");
  store = openCase(casePath);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("upsert", () => {
  test("is idempotent for the same record from the same origin", () => {
    const users = [{ id: "u1", userPrincipalName: "a@contoso.com" }];
    expect(store.upsert("users", users, graph("/users"))).toEqual({
      inserted: 1,
      updated: 0,
      unchanged: 0,
      rejected: [],
    });
    expect(store.upsert("users", users, graph("/users", "2026-01-02T00:00:00.000Z"))).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 1,
      rejected: [],
    });
    expect(store.counts().kinds.find((k) => k.kind === "users")?.total).toBe(1);
    // The Graph provenance keeps the latest collection time.
    expect(store.provenance("users", "u1")).toEqual([graph("/users", "2026-01-02T00:00:00.000Z")]);
  });

  test("rejects records without a key and keeps the rest", () => {
    const result = store.upsert("signIns", [{ id: "s1" }, { userId: "x" }, "text", { id: "" }], file("f", 1));
    expect(result.inserted).toBe(1);
    expect(result.rejected.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(result.rejected[0]?.reason).toMatch(/signIns record has no valid "id"/);
    expect(result.rejected[1]?.reason).toMatch(/must be a JSON object/);
  });

  test("deduplicates a sign-in seen in a file and then in Graph: one record, both provenances, Graph JSON wins", () => {
    const fromFile = { id: "s1", createdDateTime: "2026-01-01T10:00:00Z", userId: "u1", appDisplayName: "x" };
    const fromGraph = { ...fromFile, appDisplayName: "Azure Portal", isInteractive: true };
    store.upsert("signIns", [fromFile], file("/tmp/export.json", 7));
    const result = store.upsert("signIns", [fromGraph], graph("/auditLogs/signIns"));
    expect(result).toMatchObject({ inserted: 0, updated: 1 });
    expect(store.get("signIns", "s1@2026-01-01T10:00:00Z")?.record).toEqual(fromGraph);
    expect(store.provenance("signIns", "s1@2026-01-01T10:00:00Z")).toEqual([
      file("/tmp/export.json", 7),
      graph("/auditLogs/signIns"),
    ]);
    // A later file import does not overwrite Graph's JSON but is recorded as an origin.
    expect(store.upsert("signIns", [fromFile], file("/tmp/other.json", 3))).toMatchObject({ updated: 1 });
    expect(store.get("signIns", "s1@2026-01-01T10:00:00Z")?.record).toEqual(fromGraph);
    const signIns = store.counts().kinds.find((k) => k.kind === "signIns");
    expect(signIns).toEqual({ kind: "signIns", total: 1, bySource: { graph: 1, file: 1 } });
  });

  test("sign-in stages sharing an id are kept apart by time", () => {
    const stage = (createdDateTime: string, errorCode: number) => ({
      id: "s1",
      createdDateTime,
      status: { errorCode },
    });
    const result = store.upsert(
      "signIns",
      [stage("2020-07-30T18:30:30Z", 50074), stage("2020-07-30T18:30:39Z", 0)],
      file("la.jsonl", 1),
    );
    expect(result.inserted).toBe(2);
    expect(store.get("signIns", "s1@2020-07-30T18:30:30Z")?.record).toMatchObject({
      status: { errorCode: 50074 },
    });
  });

  test("a sign-in's time with 7 fractional digits (Graph) and 3 rounded ones (CSV export) is one key", () => {
    store.upsert(
      "signIns",
      [{ id: "s9", createdDateTime: "2020-03-13T19:15:41.6195833Z" }],
      graph("/auditLogs/signIns"),
    );
    const fromCsv = store.upsert(
      "signIns",
      [{ id: "s9", createdDateTime: "2020-03-13T19:15:41.620Z" }],
      file("x.csv", 2),
    );
    expect(fromCsv).toMatchObject({ inserted: 0, updated: 1 });
  });

  test("scoped kinds are keyed by parent and id, and need the parent", () => {
    const phone = {
      "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
      id: "3179e48a-750b-4051-897c-87b9720928f7",
      phoneNumber: "+1 5555550100",
      phoneType: "mobile",
    };
    store.upsert("methods", [phone], graph("/users/{id}/authentication/methods"), "u1");
    store.upsert("methods", [phone], graph("/users/{id}/authentication/methods"), "u2");
    expect(store.get("methods", "u1/3179e48a-750b-4051-897c-87b9720928f7")?.scope).toBe("u1");
    expect([...store.iterate("methods", { userId: "u2" })]).toHaveLength(1);
    expect(store.upsert("methods", [phone], graph("/x")).rejected[0]?.reason).toMatch(
      /need the id of their parent/,
    );
    expect(store.upsert("users", [{ id: "u" }], graph("/x"), "scope").rejected[0]?.reason).toMatch(
      /take no scope/,
    );
  });

  test("never stores TAP codes, passwords or OATH secrets", () => {
    store.upsert(
      "methods",
      [
        {
          "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
          id: "tap1",
          temporaryAccessPass: "TAPCODE-123",
        },
      ],
      graph("/users/{id}/authentication/methods"),
      "u1",
    );
    store.upsert("users", [{ id: "u1", passwordProfile: { password: "Hunter2!x" } }], file("users.json", 1));
    // An imported line's text is stored as read unless it may hold a secret, also under an escaped name.
    const json = String.raw`{"id":"u2","passwordProfile":{"\u0070assword":"Escaped!9"}}`;
    // …or with white space before its colon.
    const spaced = '{ "id": "u3", "passwordProfile": { "password" : "Spaced!7" } }';
    // A value that merely mentions a password is not a secret field: the line is stored as read.
    const plain = '{ "id": "u4", "note": "Correct password" }';
    store.upsertEach(
      "users",
      [json, spaced, plain].map((text, i) => ({
        record: JSON.parse(text),
        json: text,
        provenance: file("users.json", i + 2),
      })),
    );
    expect(
      (store as unknown as { db: import("better-sqlite3").Database }).db
        .prepare("SELECT raw FROM records WHERE key = 'u4'")
        .pluck()
        .get(),
    ).toBe(plain);
    store.close();
    const bytes = fs.readFileSync(casePath).toString("latin1") + readIfExists(`${casePath}-wal`);
    expect(bytes).not.toContain("TAPCODE-123");
    expect(bytes).not.toContain("Hunter2!x");
    expect(bytes).not.toContain("Escaped!9");
    expect(bytes).not.toContain("Spaced!7");
    store = openCase(casePath);
    expect(store.get("methods", "u1/tap1")?.record).toMatchObject({ temporaryAccessPass: null });
  });
});

describe("upsertEach", () => {
  test("keeps each record's own file line and is idempotent on re-import", () => {
    const items = [
      { record: { id: "a1", activityDateTime: "2026-01-01T00:00:00Z" }, provenance: file("/x.jsonl", 1) },
      { record: { nope: true }, provenance: file("/x.jsonl", 2) },
      { record: { id: "a2", activityDateTime: "2026-01-01T00:00:00Z" }, provenance: file("/x.jsonl", 3) },
    ];
    expect(store.upsertEach("audits", items)).toMatchObject({ inserted: 2, rejected: [{ index: 1 }] });
    expect(store.upsertEach("audits", items)).toMatchObject({ inserted: 0, unchanged: 2 });
    expect(store.provenance("audits", "a2")).toEqual([file("/x.jsonl", 3)]);
    expect(store.snapshot().missing.has("audits")).toBe(false);
    expect(store.counts().origins).toMatchObject([
      { source: "file", origin: "/x.jsonl", kind: "audits", records: 2 },
    ]);
  });
});

describe("replaceInventory", () => {
  test("removes inventory records no longer in the tenant, and the children of removed parents", () => {
    const p = graph("/users");
    store.replaceInventory("users", undefined, [{ id: "u1" }, { id: "u2" }], p);
    store.replaceInventory("methods", "u1", [{ id: "m1" }, { id: "m2" }], p);
    store.replaceInventory("methods", "u2", [{ id: "m3" }], p);
    const again = store.replaceInventory("methods", "u1", [{ id: "m1" }], p);
    expect(again).toMatchObject({ unchanged: 1, removed: 1 });
    expect(store.get("methods", "u1/m2")).toBeUndefined();
    expect(store.get("methods", "u2/m3")).toBeDefined();
    expect(store.replaceInventory("users", undefined, [{ id: "u1" }], p).removed).toBe(1);
    expect(store.get("methods", "u2/m3")).toBeUndefined();
    expect(store.provenance("methods", "u2/m3")).toEqual([]);
  });

  test("refuses to replace append-only logs", () => {
    expect(() => store.replaceInventory("signIns", undefined, [], graph("/auditLogs/signIns"))).toThrow(
      /append-only/,
    );
  });
});

describe("checkpoints and transactions", () => {
  test("a page and its checkpoint commit together or not at all", () => {
    store.transaction(() => {
      store.upsert(
        "audits",
        [{ id: "a1", activityDateTime: "2026-01-01T00:00:00Z" }],
        graph("/auditLogs/directoryAudits"),
      );
      store.setCheckpoint("audits", { nextLink: "page2" });
    });
    expect(() =>
      store.transaction(() => {
        store.upsert("audits", [{ id: "a2", activityDateTime: "2026-01-01T00:00:01Z" }], graph("/x"));
        store.setCheckpoint("audits", { nextLink: "page3" });
        throw new Error("killed mid-page");
      }),
    ).toThrow("killed mid-page");
    expect(store.getCheckpoint("audits")).toEqual({ nextLink: "page2" });
    expect(store.get("audits", "a2")).toBeUndefined();
    expect(store.getCheckpoint("never")).toBeUndefined();
    store.deleteCheckpoint("audits");
    expect(store.getCheckpoint("audits")).toBeUndefined();
  });

  test("state survives reopening", () => {
    store.setCheckpoint("signins", { since: "2026-01-01T00:00:00Z" });
    store.setMeta("tenantId", "t-1");
    store.close();
    store = openCase(casePath, { readonly: true });
    expect(store.getCheckpoint("signins")).toEqual({ since: "2026-01-01T00:00:00Z" });
    expect(store.snapshot().tenantId).toBe("t-1");
    expect(() => store.setMeta("x", "y")).toThrow(/readonly/i);
  });
});

describe("ensureSchema", () => {
  test("applies each migration once, in order, and resumes at the next version", () => {
    const v1 = ["CREATE TABLE findings_test (id TEXT PRIMARY KEY)"];
    expect(store.ensureSchema("detect", v1)).toBe(1);
    expect(store.ensureSchema("detect", v1)).toBe(1);
    const v2 = [...v1, "ALTER TABLE findings_test ADD COLUMN severity TEXT"];
    expect(store.ensureSchema("detect", v2)).toBe(2);
    store.db.prepare("INSERT INTO findings_test (id, severity) VALUES ('f', 'high')").run();
    expect(() => store.ensureSchema("detect", v1)).toThrow(/newer than this mfa-evict knows/);
    expect(() => store.ensureSchema("store", [])).toThrow(/belongs to the case store/);
  });

  test("a read-only case cannot be migrated and says how to upgrade it", () => {
    store.close();
    store = openCase(casePath, { readonly: true });
    expect(() => store.ensureSchema("watch", ["CREATE TABLE w (a TEXT)"])).toThrow(
      /open it once for writing/,
    );
  });

  test("a failing migration leaves nothing half-applied", () => {
    expect(() => store.ensureSchema("evict", ["CREATE TABLE j (a TEXT); NOT SQL"])).toThrow();
    expect(store.db.prepare("SELECT name FROM sqlite_master WHERE name = 'j'").get()).toBeUndefined();
    expect(store.ensureSchema("evict", ["CREATE TABLE j (a TEXT)"])).toBe(1);
  });
});

describe("reading", () => {
  test("iterate filters logs by time (any offset, compared in UTC) and by user", () => {
    store.upsert(
      "signIns",
      [
        { id: "s1", createdDateTime: "2026-01-01T10:00:00Z", userId: "u1" },
        { id: "s2", createdDateTime: "2026-01-01T06:00:00-05:00", userId: "u2" },
        { id: "s3", createdDateTime: "2026-01-02T00:00:00Z", userId: "u1" },
      ],
      file("f", 1),
    );
    expect([...store.iterate("signIns", { since: "2026-01-01T10:30:00Z" })].map((r) => r.record.id)).toEqual([
      "s2",
      "s3",
    ]);
    expect(
      [...store.iterate("signIns", { userId: "u1", until: "2026-01-02T00:00:00Z" })].map((r) => r.record.id),
    ).toEqual(["s1"]);
    expect(() => [...store.iterate("signIns", { since: "yesterday" })]).toThrow(/not an ISO 8601/);
  });

  test("snapshot folds scoped kinds into parents and lists only never-collected streams as missing", () => {
    const p = graph("/devices");
    store.upsert("devices", [{ id: "d1", displayName: "LAPTOP" }], p);
    store.upsert("deviceOwners", [{ "@odata.type": "#microsoft.graph.user", id: "u1" }], p, "d1");
    store.upsert("riskyUsers", [], graph("/identityProtection/riskyUsers"));
    store.upsert(
      "securityDefaults",
      [{ id: "00000000-0000-0000-0000-000000000005", isEnabled: false }],
      graph("/p"),
    );
    const snap = store.snapshot();
    expect(snap.devices[0]?.registeredOwners).toEqual([{ "@odata.type": "#microsoft.graph.user", id: "u1" }]);
    expect(snap.securityDefaults?.isEnabled).toBe(false);
    expect(snap.missing.has("risk")).toBe(false);
    expect(snap.missing.has("devices")).toBe(false);
    expect(snap.missing.has("policies")).toBe(false);
    expect(snap.missing.has("users")).toBe(true);
  });

  test("rejects a file that is not a case file with a clear message", () => {
    const bogus = path.join(dir, "not-a-case.db");
    fs.writeFileSync(bogus, "hello, this is not SQLite at all".repeat(100));
    expect(() => openCase(bogus)).toThrow(/cannot open case file .*not-a-case\.db/);
    expect(() => openCase(path.join(dir, "absent.db"), { readonly: true })).toThrow(/does not exist/);
  });
});

function readIfExists(p: string): string {
  return fs.existsSync(p) ? fs.readFileSync(p).toString("latin1") : "";
}

describe("bulkLoad", () => {
  const handle = (s: CaseStore) => (s as unknown as { db: import("better-sqlite3").Database }).db;
  const indexNames = (s: CaseStore) =>
    (
      handle(s)
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' ORDER BY name")
        .all() as { name: string }[]
    ).map((row) => row.name);
  const withIndexes = [
    "records_kind_scope",
    "records_kind_time",
    "records_kind_user",
    "sqlite_autoindex_records_1",
  ];
  const signIn = (i: number, extra: object = {}) => ({
    id: `s${i}`,
    createdDateTime: `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}Z`,
    userId: `u${i % 3}`,
    ...extra,
  });
  const items = (name: string, records: unknown[]) =>
    records.map((record, i) => ({ record, provenance: file(name, i + 1) }));

  test("a large load is written by a thread with the same outcome as upsertEach", async () => {
    const first = items("a", [signIn(1), signIn(2), { id: "" }, signIn(3, { password: "hunter2" })]);
    const again = items("b", [signIn(1, { appDisplayName: "Azure Portal" }), signIn(4)]);
    const expected = openCase(path.join(dir, "expected.db"));
    const results = await store.bulkLoad(1_000_000, async (writer) => {
      // The thread has its own connection: the store switched the case to a rollback journal for it.
      expect(handle(store).pragma("journal_mode", { simple: true })).toBe("delete");
      return Promise.all([writer.write("signIns", first), writer.write("signIns", again)]);
    });
    expect(results).toEqual([expected.upsertEach("signIns", first), expected.upsertEach("signIns", again)]);
    expect(results[0]).toMatchObject({ inserted: 3, rejected: [{ index: 2 }] });
    expect(results[1]).toMatchObject({ inserted: 1, updated: 1 });
    for (const kind of ["signIns"] as const)
      expect([...store.iterate(kind)]).toEqual([...expected.iterate(kind)]);
    expect(store.provenance("signIns", "s1@2026-01-01T00:00:01Z")).toEqual([file("a", 1), file("b", 1)]);
    expect(store.counts().origins).toEqual(
      expected.counts().origins.map((o) => ({ ...o, lastSeen: expect.any(String) })),
    );
    expect(JSON.stringify([...store.iterate("signIns")])).not.toContain("hunter2");
    expect(handle(store).pragma("journal_mode", { simple: true })).toBe("wal");
    expect(indexNames(store)).toEqual(withIndexes);
    expected.close();
  });

  test("a failed batch costs only itself: the batches before and after it are written", async () => {
    // A failure of SQLite itself, in the writer thread (not a record the store rejects).
    handle(store).exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON records WHEN NEW.key LIKE 's2@%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
    );
    const outcome = await store.bulkLoad(1_000_000, async (writer) => {
      const before = writer.write("signIns", items("a", [signIn(1)]));
      const failing = writer.write("signIns", items("a", [signIn(2), signIn(5)]));
      const after = writer.write("signIns", items("a", [signIn(3)]));
      return Promise.allSettled([before, failing, after]);
    });
    expect(outcome.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outcome[1] as PromiseRejectedResult).reason).toEqual(new Error("refused by the test"));
    // s5 was in the failed batch: nothing of it stays.
    expect([...store.iterate("signIns")].map((r) => r.record.id)).toEqual(["s1", "s3"]);
  });

  test("a case open elsewhere keeps its write-ahead log; a small load is written here", async () => {
    const other = openCase(casePath);
    try {
      await store.bulkLoad(1_000_000, async (writer) => {
        expect(handle(store).pragma("journal_mode", { simple: true })).toBe("wal");
        await writer.write("signIns", items("a", [signIn(1)]));
      });
      expect(other.get("signIns", "s1@2026-01-01T00:00:01Z")?.record).toMatchObject({ id: "s1" });
    } finally {
      other.close();
    }
    await store.bulkLoad(10, async (writer) => {
      await writer.write("signIns", items("a", [signIn(2)]));
      // Written on this connection, so already visible to it inside the load.
      expect(store.get("signIns", "s2@2026-01-01T00:00:02Z")).toBeDefined();
    });
  });

  test("an error in the load still commits what was written and restores the journal mode", async () => {
    await expect(
      store.bulkLoad(1_000_000, async (writer) => {
        await writer.write("signIns", items("a", [signIn(1)]));
        throw new Error("disk gone");
      }),
    ).rejects.toThrow("disk gone");
    expect(store.get("signIns", "s1@2026-01-01T00:00:01Z")).toBeDefined();
    expect(handle(store).pragma("journal_mode", { simple: true })).toBe("wal");
  });

  test("a case whose earlier import was killed without its indexes gets them back when opened", () => {
    handle(store).exec(
      "DROP INDEX records_kind_time; DROP INDEX records_kind_user; DELETE FROM schema_versions WHERE namespace = 'store' AND version = 2",
    );
    store.close();
    store = openCase(casePath);
    expect(indexNames(store)).toEqual(withIndexes);
  });
});
