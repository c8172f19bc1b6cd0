import type Database from "better-sqlite3";
import { redactValue } from "../shared/redact.js";
import { canonicalJson, sha256Hex } from "./canonical.js";

/**
 * The action journal: an append-only, hash-chained log of every write a module makes to the
 * tenant (eviction steps, posture changes), kept in the case file. Each entry's hash covers its
 * content and the previous entry's hash, so editing, reordering or removing an entry in the middle
 * breaks the chain at that point; SQLite triggers refuse UPDATE and DELETE outright. Payloads are
 * redacted before they are stored: the journal never holds a secret.
 */

export const GENESIS_HASH = "0".repeat(64);

const MIGRATIONS = [
  `CREATE TABLE journal_entries (
     seq INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     run_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     subject TEXT,
     payload TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL UNIQUE
   );
   CREATE INDEX journal_entries_run_subject ON journal_entries(run_id, subject);
   CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
     BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
   CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
     BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;`,
];

/** What the journal needs from the case store. */
export interface JournalHost {
  readonly db: Database.Database;
  ensureSchema(namespace: string, migrations: readonly string[]): number;
}

export interface JournalEntryInput {
  /** The module writing: "evict", "posture"… */
  actor: string;
  /** Groups entries of one plan / change set (the plan id for eviction). */
  runId: string;
  /** e.g. "run.start", "step.begin", "step.end". */
  kind: string;
  /** What the entry is about, e.g. a step id. */
  subject?: string;
  payload?: Record<string, unknown>;
}

export interface JournalEntry extends Required<Omit<JournalEntryInput, "subject">> {
  seq: number;
  at: string;
  subject: string | null;
  prevHash: string;
  hash: string;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  /** The head of the chain (hash of the last entry), to record elsewhere and detect truncation. */
  head: string;
  /** The first entry that does not verify, and why. */
  failure?: { seq: number; reason: string };
}

interface Row {
  seq: number;
  at: string;
  actor: string;
  run_id: string;
  kind: string;
  subject: string | null;
  payload: string;
  prev_hash: string;
  hash: string;
}

function entryHash(prevHash: string, fields: Omit<JournalEntry, "hash" | "prevHash">): string {
  return sha256Hex(`${prevHash}\n${canonicalJson(fields)}`);
}

function fromRow(row: Row): JournalEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    runId: row.run_id,
    kind: row.kind,
    subject: row.subject,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export class Journal {
  private readonly db: Database.Database;
  private readonly appendTx: (input: JournalEntryInput, at: string) => JournalEntry;

  constructor(
    host: JournalHost,
    private readonly clock: () => Date = () => new Date(),
  ) {
    host.ensureSchema("journal", MIGRATIONS);
    this.db = host.db;
    const last = this.db.prepare("SELECT seq, hash FROM journal_entries ORDER BY seq DESC LIMIT 1");
    const insert = this.db.prepare(
      `INSERT INTO journal_entries (seq, at, actor, run_id, kind, subject, payload, prev_hash, hash)
       VALUES (@seq, @at, @actor, @runId, @kind, @subject, @payload, @prevHash, @hash)`,
    );
    const tx = this.db.transaction((input: JournalEntryInput, at: string): JournalEntry => {
      const previous = last.get() as { seq: number; hash: string } | undefined;
      const payload = redactValue(input.payload ?? {}) as Record<string, unknown>;
      const fields = {
        seq: (previous?.seq ?? 0) + 1,
        at,
        actor: input.actor,
        runId: input.runId,
        kind: input.kind,
        subject: input.subject ?? null,
        payload,
      };
      const prevHash = previous?.hash ?? GENESIS_HASH;
      const hash = entryHash(prevHash, fields);
      insert.run({ ...fields, payload: canonicalJson(payload), prevHash, hash });
      return { ...fields, prevHash, hash };
    });
    // IMMEDIATE: two processes appending at once serialise on the write lock instead of forking the chain.
    this.appendTx = (input, at) => tx.immediate(input, at);
  }

  /** Appends one entry; it is durable (committed) when this returns. */
  append(input: JournalEntryInput): JournalEntry {
    return this.appendTx(input, this.clock().toISOString());
  }

  entries(filter: { runId?: string; subject?: string; actor?: string } = {}): JournalEntry[] {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (filter.runId !== undefined) {
      where.push("run_id = @runId");
      params.runId = filter.runId;
    }
    if (filter.subject !== undefined) {
      where.push("subject = @subject");
      params.subject = filter.subject;
    }
    if (filter.actor !== undefined) {
      where.push("actor = @actor");
      params.actor = filter.actor;
    }
    const sql = `SELECT * FROM journal_entries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq`;
    return (this.db.prepare(sql).all(params) as Row[]).map(fromRow);
  }

  /** Walks the whole chain: contiguous sequence numbers, each prev_hash the previous hash, each hash recomputed. */
  verify(): VerifyResult {
    let expectedPrev = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    for (const row of this.db
      .prepare("SELECT * FROM journal_entries ORDER BY seq")
      .iterate() as IterableIterator<Row>) {
      const fail = (reason: string): VerifyResult => ({
        ok: false,
        entries: count,
        head: expectedPrev,
        failure: { seq: row.seq, reason },
      });
      if (row.seq !== expectedSeq)
        return fail(`expected entry ${expectedSeq}, found ${row.seq} (entries removed)`);
      if (row.prev_hash !== expectedPrev) return fail("prev_hash does not match the previous entry's hash");
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(row.payload) as Record<string, unknown>;
      } catch {
        return fail("payload is not valid JSON");
      }
      const recomputed = entryHash(row.prev_hash, {
        seq: row.seq,
        at: row.at,
        actor: row.actor,
        runId: row.run_id,
        kind: row.kind,
        subject: row.subject,
        payload,
      });
      if (recomputed !== row.hash) return fail("content does not match its hash (entry altered)");
      expectedPrev = row.hash;
      expectedSeq += 1;
      count += 1;
    }
    return { ok: true, entries: count, head: expectedPrev };
  }
}
