import type { JournalHost } from "../journal/journal.js";
import type { EvictionPlan } from "./plan.js";

/**
 * The eviction's own tables in the case file: the plans that were applied (so `verify` can find the
 * last one) and the forensic copy of every object before it is deleted.
 */
const MIGRATIONS = [
  `CREATE TABLE evict_plans (
     plan_id TEXT PRIMARY KEY,
     created_at TEXT NOT NULL,
     first_applied_at TEXT NOT NULL,
     json TEXT NOT NULL
   );
   CREATE TABLE evict_forensics (
     plan_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     object_kind TEXT NOT NULL,
     object_id TEXT NOT NULL,
     captured_at TEXT NOT NULL,
     source TEXT NOT NULL,
     json TEXT NOT NULL,
     PRIMARY KEY (plan_id, object_kind, object_id)
   );`,
  `CREATE TABLE evict_locks (
     case_lock INTEGER PRIMARY KEY CHECK (case_lock = 1),
     plan_id TEXT NOT NULL,
     host TEXT NOT NULL,
     pid INTEGER NOT NULL,
     acquired_at TEXT NOT NULL
   );`,
];

/** Who holds the case's apply lock. */
export interface ApplyLock {
  planId: string;
  host: string;
  pid: number;
  acquiredAt: string;
}

export interface ForensicRecord {
  planId: string;
  userId: string;
  objectKind: "method" | "device";
  objectId: string;
  capturedAt: string;
  /** "graph": read live just before the first write; "plan": the plan's baseline (object already gone). */
  source: "graph" | "plan";
  json: unknown;
}

export class EvictStore {
  constructor(private readonly host: JournalHost) {
    host.ensureSchema("evict", MIGRATIONS);
  }

  /**
   * One `apply` at a time per case: two concurrent runs would each see the other's steps as
   * unfinished and could repeat a password rotation or a TAP. A lock left by a process that is gone
   * (kill -9) on this host is taken over; a live one, or one held from another host, is reported.
   */
  acquireLock(
    planId: string,
    self: { host: string; pid: number },
    at: Date,
    isAlive: (pid: number) => boolean,
  ): ApplyLock | undefined {
    const db = this.host.db;
    const take = db.transaction((): ApplyLock | undefined => {
      const row = db
        .prepare("SELECT plan_id, host, pid, acquired_at FROM evict_locks WHERE case_lock = 1")
        .get() as { plan_id: string; host: string; pid: number; acquired_at: string } | undefined;
      if (row && !(row.host === self.host && (row.pid === self.pid || !isAlive(row.pid)))) {
        return { planId: row.plan_id, host: row.host, pid: row.pid, acquiredAt: row.acquired_at };
      }
      db.prepare(
        "INSERT OR REPLACE INTO evict_locks (case_lock, plan_id, host, pid, acquired_at) VALUES (1, ?, ?, ?, ?)",
      ).run(planId, self.host, self.pid, at.toISOString());
      return undefined;
    });
    return take.immediate();
  }

  releaseLock(self: { host: string; pid: number }): void {
    this.host.db
      .prepare("DELETE FROM evict_locks WHERE case_lock = 1 AND host = ? AND pid = ?")
      .run(self.host, self.pid);
  }

  recordPlan(plan: EvictionPlan, at: Date): void {
    this.host.db
      .prepare(
        "INSERT OR IGNORE INTO evict_plans (plan_id, created_at, first_applied_at, json) VALUES (?, ?, ?, ?)",
      )
      .run(plan.id, plan.createdAt, at.toISOString(), JSON.stringify(plan));
  }

  /** The most recently applied plan, for `verify` without `--plan`. */
  lastPlan(): unknown | undefined {
    const row = this.host.db
      .prepare("SELECT json FROM evict_plans ORDER BY first_applied_at DESC, rowid DESC LIMIT 1")
      .get() as { json: string } | undefined;
    return row ? JSON.parse(row.json) : undefined;
  }

  /** Keeps the first capture of each object: a resumed run never overwrites the pre-deletion copy. */
  saveForensic(record: ForensicRecord): void {
    this.host.db
      .prepare(
        `INSERT OR IGNORE INTO evict_forensics (plan_id, user_id, object_kind, object_id, captured_at, source, json)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.planId,
        record.userId,
        record.objectKind,
        record.objectId,
        record.capturedAt,
        record.source,
        JSON.stringify(record.json),
      );
  }

  forensics(planId: string, userId?: string): ForensicRecord[] {
    const rows = this.host.db
      .prepare(
        `SELECT * FROM evict_forensics WHERE plan_id = ? ${userId ? "AND user_id = ?" : ""} ORDER BY object_kind, object_id`,
      )
      .all(...(userId ? [planId, userId] : [planId])) as {
      plan_id: string;
      user_id: string;
      object_kind: "method" | "device";
      object_id: string;
      captured_at: string;
      source: "graph" | "plan";
      json: string;
    }[];
    return rows.map((r) => ({
      planId: r.plan_id,
      userId: r.user_id,
      objectKind: r.object_kind,
      objectId: r.object_id,
      capturedAt: r.captured_at,
      source: r.source,
      json: JSON.parse(r.json),
    }));
  }
}
