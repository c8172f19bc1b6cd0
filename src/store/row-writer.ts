import type Database from "better-sqlite3";
import type { RecordKind } from "./kinds.js";
import { assertNesting, normalizeRecord, RecordError } from "./normalize.js";
import { secretFreeJson } from "./secrets.js";
import type { Provenance, ProvenanceSource, UpsertItem, UpsertResult } from "./types.js";

/**
 * One record made ready for the records table: its natural key and normalized columns, its raw JSON
 * (secrets stripped) and its provenance detail (collection time or file line). Only strings and
 * numbers, so it can be handed to the writer thread of a bulk load for the cost of a copy.
 */
export interface PreparedRow {
  kind: RecordKind;
  key: string;
  scope: string | null;
  time: string | null;
  userId: string | null;
  type: string | null;
  fromGraph: 0 | 1;
  raw: string;
  detail: string;
}

export type RowOutcome = "inserted" | "updated" | "unchanged";

/** What identifies an origin within its source: the Graph endpoint, or the file's path. */
export function originOf(provenance: Provenance): string {
  return provenance.source === "graph" ? provenance.endpoint : provenance.file;
}

/** Normalizes and scrubs one record (no database access); returns the rejection reason if it cannot be stored. */
export function prepareRow(
  kind: RecordKind,
  record: unknown,
  provenance: Provenance,
  scope: string | undefined,
  json?: string,
): PreparedRow | string {
  let n: ReturnType<typeof normalizeRecord>;
  try {
    n = normalizeRecord(kind, record, scope);
  } catch (error) {
    if (error instanceof RecordError) return error.message;
    throw error;
  }
  let raw: string;
  try {
    raw = secretFreeJson(record as object, json);
    assertNesting(kind, raw);
  } catch (error) {
    if (error instanceof RecordError) return error.message;
    // e.g. nesting too deep for JSON.stringify: refuse this record, keep the batch.
    return `${kind} record cannot be stored: ${error instanceof Error ? error.message : String(error)}`;
  }
  const graph = provenance.source === "graph";
  return {
    kind,
    ...n,
    fromGraph: graph ? 1 : 0,
    raw,
    detail: graph ? provenance.collectedAt : String(provenance.line),
  };
}

/**
 * One kind's records made ready to write, with the origins they came from; `originIndexes[i]` is
 * the index in `origins` of `rows[i]`'s origin. Plain data, like its rows.
 */
export interface RowBatch {
  kind: RecordKind;
  origins: { source: ProvenanceSource; origin: string; coveredAt: string }[];
  rows: PreparedRow[];
  originIndexes: number[];
}

/** Prepares `items` (no database access); records that cannot be stored are rejected by index. */
export function prepareBatch(
  kind: RecordKind,
  items: readonly UpsertItem[],
): { batch: RowBatch; rejected: UpsertResult["rejected"] } {
  const rejected: UpsertResult["rejected"] = [];
  const batch: RowBatch = { kind, origins: [], rows: [], originIndexes: [] };
  const originIndex = new Map<string, number>();
  const now = new Date().toISOString();
  items.forEach((item, index) => {
    const { provenance } = item;
    const origin = originOf(provenance);
    const key = `${provenance.source}\u0000${origin}`;
    let at = originIndex.get(key);
    if (at === undefined) {
      at = batch.origins.length;
      originIndex.set(key, at);
      // Every origin of the batch counts as covered, even one whose records were all rejected.
      const coveredAt = provenance.source === "graph" ? provenance.collectedAt : now;
      batch.origins.push({ source: provenance.source, origin, coveredAt });
    }
    const row = prepareRow(kind, item.record, provenance, item.scope, item.json);
    if (typeof row === "string") rejected.push({ index, reason: row });
    else {
      batch.rows.push(row);
      batch.originIndexes.push(at);
    }
  });
  return { batch, rejected };
}

interface ExistingRow {
  id: number;
  from_graph: number;
  raw: string;
}

/** Writes prepared rows to the records, provenance, origins and coverage tables of one connection. */
export class RowWriter {
  private readonly originIds = new Map<string, number>();
  private readonly findOrigin;
  private readonly insertOrigin;
  private readonly insertRecord;
  private readonly findRecord;
  private readonly updateRecord;
  private readonly insertProvenance;
  private readonly refreshProvenance;
  private readonly coverStatement;

  constructor(db: Database.Database) {
    // Prepared once: the import and collection hot paths run these per record.
    this.findOrigin = db.prepare("SELECT id FROM origins WHERE source = ? AND origin = ?");
    this.insertOrigin = db.prepare("INSERT INTO origins (source, origin) VALUES (?, ?)");
    this.insertRecord = db.prepare(
      `INSERT INTO records (kind, key, scope, time, user_id, type, from_graph, raw)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, key) DO NOTHING`,
    );
    this.findRecord = db.prepare("SELECT id, from_graph, raw FROM records WHERE kind = ? AND key = ?");
    this.updateRecord = db.prepare(
      "UPDATE records SET scope = ?, time = ?, user_id = ?, type = ?, from_graph = ?, raw = ? WHERE id = ?",
    );
    this.insertProvenance = db.prepare(
      "INSERT INTO provenance (record_id, origin_id, detail) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.refreshProvenance = db.prepare(
      "UPDATE provenance SET detail = ? WHERE record_id = ? AND origin_id = ?",
    );
    this.coverStatement = db.prepare(
      "INSERT INTO coverage (kind, origin_id, at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET at = excluded.at",
    );
  }

  /** The id of an origin (a Graph endpoint or a file), added on first use. */
  originId(source: Provenance["source"], origin: string): number {
    const cacheKey = `${source}\u0000${origin}`;
    const cached = this.originIds.get(cacheKey);
    if (cached !== undefined) return cached;
    const found = this.findOrigin.get(source, origin) as { id: number } | undefined;
    const id = found?.id ?? Number(this.insertOrigin.run(source, origin).lastInsertRowid);
    this.originIds.set(cacheKey, id);
    return id;
  }

  /** Writes a prepared batch (inside the caller's transaction); returns how many rows had each outcome. */
  writeBatch(batch: RowBatch): Record<RowOutcome, number> {
    const ids = batch.origins.map((o) => this.originId(o.source, o.origin));
    const counts: Record<RowOutcome, number> = { inserted: 0, updated: 0, unchanged: 0 };
    batch.rows.forEach((row, i) => {
      counts[this.write(row, ids[batch.originIndexes[i]!]!)]++;
    });
    batch.origins.forEach((o, i) => {
      this.cover(batch.kind, ids[i]!, o.coveredAt);
    });
    return counts;
  }

  /** Drops the cached origin ids: after a rollback, an id the cache holds may no longer exist. */
  forgetOrigins(): void {
    this.originIds.clear();
  }

  /** Stores one row from the origin `originId` (inside the caller's transaction); returns what happened. */
  write(row: PreparedRow, originId: number): RowOutcome {
    const { kind, key, fromGraph, raw, detail } = row;
    const insert = this.insertRecord.run(
      kind,
      key,
      row.scope,
      row.time,
      row.userId,
      row.type,
      fromGraph,
      raw,
    );
    if (insert.changes === 1) {
      this.insertProvenance.run(insert.lastInsertRowid, originId, detail);
      return "inserted";
    }
    const existing = this.findRecord.get(kind, key) as ExistingRow;
    let changed = false;
    // Graph's JSON is authoritative over a file's. Between files the fields are merged: exports often
    // hold one event in several partial rows (Log Analytics) or in several shapes.
    const next =
      fromGraph === 1 ? raw : existing.from_graph === 0 ? mergeJson(existing.raw, raw) : existing.raw;
    if (next !== existing.raw) {
      const m = next === raw ? row : normalizeRecord(kind, JSON.parse(next), row.scope ?? undefined);
      this.updateRecord.run(m.scope, m.time, m.userId, m.type, fromGraph, next, existing.id);
      changed = true;
    }
    if (this.insertProvenance.run(existing.id, originId, detail).changes === 1) changed = true;
    else if (fromGraph === 1) this.refreshProvenance.run(detail, existing.id, originId);
    return changed ? "updated" : "unchanged";
  }

  /** Records that `kind` was collected/imported from the origin (at `at`), even with no records. */
  cover(kind: RecordKind, originId: number, at: string): void {
    this.coverStatement.run(kind, originId, at);
  }
}

/**
 * Fills fields the stored record lacks from another file's copy; fields already stored are kept, so
 * re-importing files in any order converges and changes nothing the second time.
 */
function mergeJson(existingRaw: string, incomingRaw: string): string {
  if (existingRaw === incomingRaw) return existingRaw;
  const merged = JSON.parse(existingRaw) as Record<string, unknown>;
  const incoming = JSON.parse(incomingRaw) as Record<string, unknown>;
  let added = false;
  for (const [key, value] of Object.entries(incoming)) {
    if (merged[key] == null && value != null) {
      merged[key] = value;
      added = true;
    }
  }
  return added ? JSON.stringify(merged) : existingRaw;
}
