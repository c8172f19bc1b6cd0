import type Database from "better-sqlite3";
import type { RecordKind, RecordTypeMap } from "./kinds.js";
import type { CaseSnapshot } from "./snapshot.js";

/** Where a record came from. Every stored record keeps one provenance entry per distinct origin. */
export type Provenance =
  | {
      source: "graph";
      /** ISO time the page was fetched. */
      collectedAt: string;
      /**
       * The Graph path template the record was read from, e.g. `/users/{id}/authentication/methods`
       * (a template, not one path per user: provenance and `status` group records by it).
       */
      endpoint: string;
    }
  | {
      source: "file";
      /** The file as the user named it (resolved to an absolute path by the importer). */
      file: string;
      /** 1-based line where the record starts (for CSV, the record's first physical line). */
      line: number;
    };

export type ProvenanceSource = Provenance["source"];

/**
 * A record the store refused (no natural key, not an object, wrong scope…). The batch goes on: one
 * bad record never loses the others.
 */
export interface RecordRejection {
  /** Index of the record in the array passed to `upsert` / `replaceInventory`. */
  index: number;
  reason: string;
}

export interface UpsertResult {
  /** Records not in the case before. */
  inserted: number;
  /** Records already in the case whose stored JSON changed (or that gained a new origin). */
  updated: number;
  /** Records already in the case, identical, from an origin already recorded (idempotent re-run). */
  unchanged: number;
  rejected: RecordRejection[];
}

export interface UpsertItem {
  record: unknown;
  provenance: Provenance;
  scope?: string;
  /**
   * The record's JSON text as read (one JSON Lines line), when the caller has it and `record` is
   * exactly `JSON.parse(json)`: the store then keeps it instead of serialising the record again.
   */
  json?: string;
}

export interface ReplaceResult extends UpsertResult {
  /** Inventory records of the scope that were absent from the new set and were removed. */
  removed: number;
}

/** A record as stored, with the keys the store derived for it. */
export interface StoredRecord<T> {
  /**
   * Natural key: the Graph id; `scope/id` for scoped kinds; the kind name for singletons; for
   * signIns `id@createdDateTime` (UTC, to the second, e.g. `…@2026-05-04T09:00:00Z`), because the
   * stages of one sign-in share its id.
   */
  key: string;
  /** The parent id for scoped kinds (user for methods, device for owners/users, group for members). */
  scope: string | null;
  /** Event time for logs (createdDateTime / activityDateTime / detectedDateTime), ISO, else null. */
  time: string | null;
  record: T;
}

export interface IterateOptions {
  /** Only records with time >= since (ISO 8601; compared as UTC instants). */
  since?: string;
  /** Only records with time < until. */
  until?: string;
  /** Only records of this user (signIns/audits initiator or target user/riskDetections/methods…). */
  userId?: string;
  /** Only records of this scope (scoped kinds). */
  scope?: string;
}

export interface KindCount {
  kind: RecordKind;
  total: number;
  /** Records with at least one provenance of that source (a record in both counts in both). */
  bySource: Record<ProvenanceSource, number>;
}

export interface OriginCount {
  source: ProvenanceSource;
  /** The file path or the Graph endpoint. */
  origin: string;
  kind: RecordKind;
  records: number;
  /** Last collection time (graph) or import time (file), ISO. */
  lastSeen: string;
}

export interface CaseCounts {
  tenantId?: string;
  kinds: KindCount[];
  origins: OriginCount[];
  checkpoints: { stream: string; updatedAt: string }[];
}

export interface SnapshotOptions {
  /** Only log records (audits, signIns, riskDetections) at or after this ISO time. */
  logsSince?: string;
  /** Leave the log kinds out (inventory only); they stay readable through `iterate`. */
  withoutLogs?: boolean;
}

/**
 * One case file (SQLite, WAL). Synchronous like better-sqlite3: every call commits on return unless it
 * runs inside `transaction`. Secrets (TAP codes, passwords, OATH secrets) are stripped from records on
 * the way in and never stored.
 */
export interface CaseStore {
  readonly path: string;
  readonly readonly: boolean;
  /** The underlying handle, for modules that keep their own tables (see `ensureSchema`). */
  readonly db: Database.Database;

  /**
   * Inserts or updates records by natural key. Scoped kinds (`methods`, `deviceOwners`,
   * `deviceUsers`, `groupMembers`) need `scope` (the user/device/group id). Idempotent: the same
   * record from the same origin is stored once; the same record from another source (a sign-in
   * imported from Sentinel, later collected from Graph) stays one record with both provenances, and
   * Graph's JSON wins over a file's. Also records that the kind was collected/imported (even when
   * `records` is empty), so the snapshot does not report it as missing.
   */
  upsert<K extends RecordKind>(
    kind: K,
    records: readonly unknown[],
    provenance: Provenance,
    scope?: string,
  ): UpsertResult;

  /**
   * Like `upsert`, with a provenance (and scope) per record: the importer's path, where every record
   * has its own file line. Rejection indexes refer to `items`.
   */
  upsertEach<K extends RecordKind>(kind: K, items: readonly UpsertItem[]): UpsertResult;

  /**
   * For a complete re-collection of inventory: upserts `records` and removes the records of the same
   * kind (and scope, for scoped kinds; pass `undefined` to replace the whole kind) that are not among
   * them. Throws for log kinds, which are append-only.
   */
  replaceInventory<K extends RecordKind>(
    kind: K,
    scope: string | undefined,
    records: readonly unknown[],
    provenance: Extract<Provenance, { source: "graph" }>,
  ): ReplaceResult;

  /** One record by natural key (see `StoredRecord.key`). */
  get<K extends RecordKind>(kind: K, key: string): StoredRecord<RecordTypeMap[K]> | undefined;

  /** Streams records in key order (inventory) or time order (logs); constant memory. */
  iterate<K extends RecordKind>(
    kind: K,
    options?: IterateOptions,
  ): IterableIterator<StoredRecord<RecordTypeMap[K]>>;

  /** Provenance entries of one record. */
  provenance(kind: RecordKind, key: string): Provenance[];

  /** The whole case in memory, as the analysis modules read it. */
  snapshot(options?: SnapshotOptions): CaseSnapshot;

  counts(): CaseCounts;

  /** Resumable collection state per stream name (any JSON value); undefined when never set. */
  getCheckpoint(stream: string): unknown | undefined;
  setCheckpoint(stream: string, value: unknown): void;
  deleteCheckpoint(stream: string): void;

  /** Case-level facts, e.g. `tenantId` (shown in the snapshot and status). */
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;

  /**
   * Runs `fn` in one SQLite transaction (nested calls become savepoints): a page of records and its
   * checkpoint commit together or not at all. `fn` must be synchronous — await outside it.
   */
  transaction<T>(fn: () => T): T;

  /**
   * Runs `load`, an import of about `estimatedRecords` records, which writes through `writer`. For a
   * large load the writer hands the rows to a thread with its own connection, so SQLite's work
   * overlaps the caller's reading and parsing; otherwise it upserts here. Either way the results are
   * those of `upsertEach`. The case must not be written by other means until `load` has settled.
   */
  bulkLoad<T>(estimatedRecords: number, load: (writer: RecordWriter) => Promise<T>): Promise<T>;

  /**
   * Applies a module's own migrations, in order, each exactly once and each in a transaction,
   * tracked in `schema_versions(namespace, version)`. Version N is `migrations[N-1]`; append new
   * migrations, never edit applied ones. Returns the namespace's version afterwards.
   */
  ensureSchema(namespace: string, migrations: readonly string[]): number;

  close(): void;
}

/** Writes batches of records like `upsertEach`; the result arrives once the batch is written. */
export interface RecordWriter {
  write(kind: RecordKind, items: readonly UpsertItem[]): Promise<UpsertResult>;
}

export interface OpenCaseOptions {
  /** Open an existing case without writing (fails if the file does not exist). */
  readonly?: boolean;
}
