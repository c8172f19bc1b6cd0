import fs from "node:fs";
import Database from "better-sqlite3";
import { ThreadRecordWriter } from "./bulk-writer.js";
import { KIND_INFO, RECORD_KINDS, type RecordKind, type RecordTypeMap } from "./kinds.js";
import { toUtcIso } from "./normalize.js";
import { originOf, prepareBatch, RowWriter } from "./row-writer.js";
import { ensureSchema, STORE_MIGRATIONS } from "./schema.js";
import type { CaseSnapshot } from "./snapshot.js";
import { buildSnapshot } from "./snapshot-builder.js";
import type {
  CaseCounts,
  CaseStore,
  IterateOptions,
  KindCount,
  OpenCaseOptions,
  Provenance,
  ProvenanceSource,
  RecordWriter,
  ReplaceResult,
  SnapshotOptions,
  StoredRecord,
  UpsertItem,
  UpsertResult,
} from "./types.js";

/** Opens (creating if needed) a case file and brings its schema up to date. */
export function openCase(path: string, options: OpenCaseOptions = {}): CaseStore {
  const readonly = options.readonly === true;
  if (readonly && !fs.existsSync(path)) throw new Error(`case file ${path} does not exist`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly });
    db.pragma("busy_timeout = 10000");
    if (!readonly) {
      db.pragma("journal_mode = WAL");
      // WAL + NORMAL is durable across application crashes (kill -9); only an OS crash can lose the
      // last transactions, which a resumed collection then fetches again.
      db.pragma("synchronous = NORMAL");
    }
    ensureSchema(db, "store", STORE_MIGRATIONS);
  } catch (error) {
    throw new Error(
      `cannot open case file ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return new SqliteCaseStore(path, db);
}

/** Below this many incoming records, a writer thread's start-up costs more than it saves. */
const BULK_LOAD_MIN_RECORDS = 20_000;
/** Records per commit of a bulk load's long transaction. */
const BULK_LOAD_COMMIT_ROWS = 50_000;
/** Page cache of a bulk load (KiB): holds the pages of a commit-sized batch. */
const BULK_LOAD_CACHE_KIB = 64 * 1024;

interface RawRow {
  key: string;
  scope: string | null;
  time: string | null;
  raw: string;
}

class SqliteCaseStore implements CaseStore {
  readonly readonly: boolean;
  private readonly statements;
  private readonly writer: RowWriter;

  constructor(
    readonly path: string,
    readonly db: Database.Database,
  ) {
    this.readonly = db.readonly;
    this.writer = new RowWriter(db);
    this.statements = {
      getCheckpoint: db.prepare("SELECT value FROM checkpoints WHERE stream = ?"),
      setCheckpoint: db.prepare(
        `INSERT INTO checkpoints (stream, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (stream) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      ),
      deleteCheckpoint: db.prepare("DELETE FROM checkpoints WHERE stream = ?"),
      getMeta: db.prepare("SELECT value FROM meta WHERE key = ?"),
      setMeta: db.prepare(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ),
      getRecord: db.prepare("SELECT key, scope, time, raw FROM records WHERE kind = ? AND key = ?"),
      provenanceOf: db.prepare(
        `SELECT o.source, o.origin, p.detail FROM records r JOIN provenance p ON p.record_id = r.id
         JOIN origins o ON o.id = p.origin_id WHERE r.kind = ? AND r.key = ? ORDER BY o.id`,
      ),
    };
  }

  upsert<K extends RecordKind>(
    kind: K,
    records: readonly unknown[],
    provenance: Provenance,
    scope?: string,
  ): UpsertResult {
    this.assertKind(kind);
    return this.transaction(() => this.upsertIn(kind, records, provenance, scope).result);
  }

  upsertEach<K extends RecordKind>(kind: K, items: readonly UpsertItem[]): UpsertResult {
    this.assertKind(kind);
    const { batch, rejected } = prepareBatch(kind, items);
    return { ...this.transaction(() => this.writer.writeBatch(batch)), rejected };
  }

  replaceInventory<K extends RecordKind>(
    kind: K,
    scope: string | undefined,
    records: readonly unknown[],
    provenance: Extract<Provenance, { source: "graph" }>,
  ): ReplaceResult {
    this.assertKind(kind);
    const info = KIND_INFO[kind];
    if (info.lifecycle === "log") throw new Error(`${kind} is an append-only log; it cannot be replaced`);
    if (info.scoped && scope === undefined) throw new Error(`replacing ${kind} needs the parent id (scope)`);
    return this.transaction(() => {
      const { result, keys } = this.upsertIn(kind, records, provenance, scope);
      const stale = (
        info.scoped
          ? this.db.prepare("SELECT id, key FROM records WHERE kind = ? AND scope = ?").all(kind, scope)
          : this.db.prepare("SELECT id, key FROM records WHERE kind = ?").all(kind)
      ) as { id: number; key: string }[];
      let removed = 0;
      const deleteRecord = this.db.prepare("DELETE FROM records WHERE id = ?");
      const deleteProvenance = this.db.prepare("DELETE FROM provenance WHERE record_id = ?");
      const children = childKinds(kind);
      for (const row of stale) {
        if (keys.has(row.key)) continue;
        deleteProvenance.run(row.id);
        deleteRecord.run(row.id);
        removed++;
        // A user/device/group that left the tenant takes its methods/owners/members with it.
        for (const child of children) this.removeScope(child, row.key);
      }
      return { ...result, removed };
    });
  }

  private removeScope(kind: RecordKind, scope: string): void {
    this.db
      .prepare(
        "DELETE FROM provenance WHERE record_id IN (SELECT id FROM records WHERE kind = ? AND scope = ?)",
      )
      .run(kind, scope);
    this.db.prepare("DELETE FROM records WHERE kind = ? AND scope = ?").run(kind, scope);
  }

  private upsertIn(
    kind: RecordKind,
    records: readonly unknown[],
    provenance: Provenance,
    scope: string | undefined,
  ): { result: UpsertResult; keys: Set<string> } {
    const items = records.map((record) =>
      scope === undefined ? { record, provenance } : { record, provenance, scope },
    );
    const { batch, rejected } = prepareBatch(kind, items);
    const counts = this.writer.writeBatch(batch);
    // The batch covers the origins of its records; with none, the kind is still collected from here.
    if (batch.origins.length === 0) {
      const originId = this.writer.originId(provenance.source, originOf(provenance));
      this.writer.cover(
        kind,
        originId,
        provenance.source === "graph" ? provenance.collectedAt : new Date().toISOString(),
      );
    }
    return { result: { ...counts, rejected }, keys: new Set(batch.rows.map((row) => row.key)) };
  }

  get<K extends RecordKind>(kind: K, key: string): StoredRecord<RecordTypeMap[K]> | undefined {
    this.assertKind(kind);
    const row = this.statements.getRecord.get(kind, key) as RawRow | undefined;
    return row && toStored<RecordTypeMap[K]>(row);
  }

  *iterate<K extends RecordKind>(
    kind: K,
    options: IterateOptions = {},
  ): IterableIterator<StoredRecord<RecordTypeMap[K]>> {
    this.assertKind(kind);
    const where = ["kind = ?"];
    const params: string[] = [kind];
    const since = options.since === undefined ? undefined : isoOrThrow(options.since, "since");
    const until = options.until === undefined ? undefined : isoOrThrow(options.until, "until");
    if (since !== undefined) {
      where.push("time >= ?");
      params.push(since);
    }
    if (until !== undefined) {
      where.push("time < ?");
      params.push(until);
    }
    if (options.userId !== undefined) {
      where.push("user_id = ?");
      params.push(options.userId);
    }
    if (options.scope !== undefined) {
      where.push("scope = ?");
      params.push(options.scope);
    }
    const order = KIND_INFO[kind].lifecycle === "log" ? "time, key" : "key";
    const statement = this.db.prepare(
      `SELECT key, scope, time, raw FROM records WHERE ${where.join(" AND ")} ORDER BY ${order}`,
    );
    for (const row of statement.iterate(...params) as IterableIterator<RawRow>) {
      yield toStored<RecordTypeMap[K]>(row);
    }
  }

  provenance(kind: RecordKind, key: string): Provenance[] {
    const rows = this.statements.provenanceOf.all(kind, key) as {
      source: ProvenanceSource;
      origin: string;
      detail: string;
    }[];
    return rows.map((row) =>
      row.source === "graph"
        ? { source: "graph", endpoint: row.origin, collectedAt: row.detail }
        : { source: "file", file: row.origin, line: Number(row.detail) },
    );
  }

  snapshot(options: SnapshotOptions = {}): CaseSnapshot {
    const covered = new Set(
      (this.db.prepare("SELECT DISTINCT kind FROM coverage").all() as { kind: string }[]).map(
        (row) => row.kind,
      ),
    );
    return buildSnapshot(this, covered as Set<RecordKind>, options);
  }

  counts(): CaseCounts {
    const totals = new Map<string, number>(
      (
        this.db.prepare("SELECT kind, COUNT(*) AS n FROM records GROUP BY kind").all() as {
          kind: string;
          n: number;
        }[]
      ).map((row) => [row.kind, row.n]),
    );
    const bySource = this.db
      .prepare(
        `SELECT r.kind, o.source, COUNT(DISTINCT r.id) AS n FROM records r
         JOIN provenance p ON p.record_id = r.id JOIN origins o ON o.id = p.origin_id GROUP BY r.kind, o.source`,
      )
      .all() as { kind: string; source: ProvenanceSource; n: number }[];
    const kinds: KindCount[] = RECORD_KINDS.map((kind) => ({
      kind,
      total: totals.get(kind) ?? 0,
      bySource: { graph: 0, file: 0 },
    }));
    for (const row of bySource) {
      const entry = kinds.find((k) => k.kind === row.kind);
      if (entry) entry.bySource[row.source] = row.n;
    }
    // One scan of the provenance table for all origins (a per-origin subquery would scan it per row).
    const perOrigin = new Map(
      (
        this.db
          .prepare(
            `SELECT p.origin_id AS originId, r.kind, COUNT(*) AS n FROM provenance p
             JOIN records r ON r.id = p.record_id GROUP BY p.origin_id, r.kind`,
          )
          .all() as { originId: number; kind: string; n: number }[]
      ).map((row) => [`${row.originId}/${row.kind}`, row.n]),
    );
    const origins = (
      this.db
        .prepare(
          `SELECT o.id, o.source, o.origin, c.kind, c.at AS lastSeen
           FROM coverage c JOIN origins o ON o.id = c.origin_id ORDER BY o.source, o.origin, c.kind`,
        )
        .all() as {
        id: number;
        source: ProvenanceSource;
        origin: string;
        kind: RecordKind;
        lastSeen: string;
      }[]
    ).map(({ id, ...row }) => ({ ...row, records: perOrigin.get(`${id}/${row.kind}`) ?? 0 }));
    const checkpoints = this.db
      .prepare("SELECT stream, updated_at AS updatedAt FROM checkpoints ORDER BY stream")
      .all() as { stream: string; updatedAt: string }[];
    const tenantId = this.getMeta("tenantId");
    return { ...(tenantId === undefined ? {} : { tenantId }), kinds, origins, checkpoints };
  }

  getCheckpoint(stream: string): unknown | undefined {
    const row = this.statements.getCheckpoint.get(stream) as { value: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.value);
  }

  setCheckpoint(stream: string, value: unknown): void {
    if (value === undefined)
      throw new Error(`checkpoint ${stream}: value must be JSON (use deleteCheckpoint)`);
    this.statements.setCheckpoint.run(stream, JSON.stringify(value), new Date().toISOString());
  }

  deleteCheckpoint(stream: string): void {
    this.statements.deleteCheckpoint.run(stream);
  }

  getMeta(key: string): string | undefined {
    return (this.statements.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.statements.setMeta.run(key, value);
  }

  async bulkLoad<T>(estimatedRecords: number, load: (writer: RecordWriter) => Promise<T>): Promise<T> {
    const here: RecordWriter = { write: async (kind, items) => this.upsertEach(kind, items) };
    // A writer thread costs a start-up and a second connection: for a large load into a case file
    // only, and not from inside a transaction, whose lock the thread would wait for.
    if (this.readonly || this.db.memory || this.db.inTransaction || estimatedRecords < BULK_LOAD_MIN_RECORDS)
      return load(here);
    // In WAL mode every page is written twice (to the log, then to the database). A rollback journal
    // writes pages appended past the file's end once, and only saves the few existing pages a load
    // changes. Switching needs the case to be open nowhere else; when it is, it stays in WAL mode.
    const switched = this.leaveWal();
    try {
      const writer = ThreadRecordWriter.start({
        path: this.path,
        commitRows: BULK_LOAD_COMMIT_ROWS,
        cacheKib: BULK_LOAD_CACHE_KIB,
      });
      try {
        return await load(writer);
      } finally {
        await writer.close();
      }
    } finally {
      if (switched) this.db.pragma("journal_mode = WAL");
    }
  }

  /** Switches to a rollback journal if no other connection has the case open; says whether it did. */
  private leaveWal(): boolean {
    try {
      return this.db.pragma("journal_mode = DELETE", { simple: true }) === "delete";
    } catch (error) {
      if ((error as { code?: string }).code === "SQLITE_BUSY") return false;
      throw error;
    }
  }

  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (error) {
      this.writer.forgetOrigins();
      throw error;
    }
  }

  ensureSchema(namespace: string, migrations: readonly string[]): number {
    if (namespace === "store") throw new Error(`schema namespace "store" belongs to the case store`);
    return ensureSchema(this.db, namespace, migrations);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private assertKind(kind: string): asserts kind is RecordKind {
    if (!Object.hasOwn(KIND_INFO, kind)) throw new Error(`unknown record kind "${kind}"`);
  }
}

function toStored<T>(row: RawRow): StoredRecord<T> {
  return { key: row.key, scope: row.scope, time: row.time, record: JSON.parse(row.raw) as T };
}

function isoOrThrow(value: string, name: string): string {
  const iso = toUtcIso(value);
  if (iso === null) throw new Error(`${name}: "${value}" is not an ISO 8601 date/time`);
  return iso;
}

/** Scoped kinds whose records belong to a record of `kind`. */
function childKinds(kind: RecordKind): RecordKind[] {
  switch (kind) {
    case "users":
      return ["methods"];
    case "devices":
      return ["deviceOwners", "deviceUsers"];
    case "groups":
      return ["groupMembers"];
    default:
      return [];
  }
}
