import type { Finding } from "../detect/finding.js";
import type { CaseStore } from "../store/index.js";

/**
 * Watch mode's memory in the case file (its own tables): which findings were already known when
 * watching began (the baseline, never alerted), which were alerted, and, per alert and sink,
 * whether delivery is still pending. An alert is recorded as pending before any delivery, and a
 * delivery is marked done right after it succeeds, so a restart delivers what was pending and
 * re-detects nothing twice.
 */

export const WATCH_MIGRATIONS: readonly string[] = [
  `CREATE TABLE watch_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE watch_alerts (
     finding_id TEXT PRIMARY KEY,
     baseline INTEGER NOT NULL,
     recorded_at TEXT NOT NULL,
     finding_json TEXT
   );
   CREATE TABLE watch_deliveries (
     finding_id TEXT NOT NULL REFERENCES watch_alerts (finding_id),
     sink TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     delivered_at TEXT,
     PRIMARY KEY (finding_id, sink)
   );`,
  // The object a finding is about, so that a finding whose id changes when late-arriving audit
  // records move its anchor (same detection, user and method/device) is not alerted again.
  `ALTER TABLE watch_alerts ADD COLUMN object_key TEXT;
   CREATE INDEX watch_alerts_object ON watch_alerts (object_key);`,
];

/** detection + user + method/device id; none for findings about the account as a whole. */
export function alertObjectKey(finding: Finding): string | undefined {
  const object = finding.object;
  const id =
    object.kind === "method"
      ? object.methodId
      : object.kind === "device"
        ? (object.deviceObjectId ?? object.deviceId)
        : undefined;
  return id ? `${finding.detectionId}|${finding.userId}|${object.kind}:${id}` : undefined;
}

export interface PendingDelivery {
  finding: Finding;
  sink: string;
  attempts: number;
}

export class WatchLedger {
  constructor(private readonly store: CaseStore) {
    store.ensureSchema("watch", WATCH_MIGRATIONS);
  }

  get(key: string): string | undefined {
    const row = this.store.db.prepare("SELECT value FROM watch_state WHERE key = ?").get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  set(key: string, value: string): void {
    this.store.db
      .prepare(
        "INSERT INTO watch_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(key, value);
  }

  /** Whether the baseline (the findings the case already had) was taken. */
  hasBaseline(): boolean {
    return this.get("baselineAt") !== undefined;
  }

  /** Remembers findings as known without alerting on them; idempotent. */
  recordBaseline(findings: readonly Finding[], at: Date): void {
    const insert = this.store.db.prepare(
      "INSERT OR IGNORE INTO watch_alerts (finding_id, baseline, recorded_at, object_key) VALUES (?, 1, ?, ?)",
    );
    this.store.transaction(() => {
      for (const finding of findings)
        insert.run(finding.id, at.toISOString(), alertObjectKey(finding) ?? null);
      this.set("baselineAt", at.toISOString());
    });
  }

  /**
   * Records the findings not seen before (by id, or by detection + user + method/device) as alerts
   * pending delivery to every sink, in one transaction; returns those new findings.
   */
  recordNew(findings: readonly Finding[], sinks: readonly string[], at: Date): Finding[] {
    const known = this.store.db.prepare(
      "SELECT 1 FROM watch_alerts WHERE finding_id = ? OR (object_key IS NOT NULL AND object_key = ?)",
    );
    const insert = this.store.db.prepare(
      "INSERT INTO watch_alerts (finding_id, baseline, recorded_at, finding_json, object_key) VALUES (?, 0, ?, ?, ?)",
    );
    const pending = this.store.db.prepare(
      "INSERT INTO watch_deliveries (finding_id, sink, status) VALUES (?, ?, 'pending')",
    );
    return this.store.transaction(() => {
      const fresh: Finding[] = [];
      for (const finding of findings) {
        const key = alertObjectKey(finding);
        if (known.get(finding.id, key ?? null)) continue;
        fresh.push(finding);
        insert.run(finding.id, at.toISOString(), JSON.stringify(finding), key ?? null);
        for (const sink of sinks) pending.run(finding.id, sink);
      }
      return fresh;
    });
  }

  /** Deliveries still to make (oldest alert first), including ones a previous run left pending. */
  pending(): PendingDelivery[] {
    const rows = this.store.db
      .prepare(
        `SELECT a.finding_json AS json, d.sink AS sink, d.attempts AS attempts
         FROM watch_deliveries d JOIN watch_alerts a ON a.finding_id = d.finding_id
         WHERE d.status = 'pending' ORDER BY a.rowid, d.sink`,
      )
      .all() as { json: string; sink: string; attempts: number }[];
    return rows.map((row) => ({
      finding: JSON.parse(row.json) as Finding,
      sink: row.sink,
      attempts: row.attempts,
    }));
  }

  delivered(findingId: string, sink: string, at: Date): void {
    this.store.db
      .prepare(
        "UPDATE watch_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE finding_id = ? AND sink = ?",
      )
      .run(at.toISOString(), findingId, sink);
  }

  /** A failed attempt; after `final` the delivery stops being retried and is reported as failed. */
  failed(findingId: string, sink: string, error: string, final: boolean): void {
    this.store.db
      .prepare(
        "UPDATE watch_deliveries SET status = ?, attempts = attempts + 1, last_error = ? WHERE finding_id = ? AND sink = ?",
      )
      .run(final ? "failed" : "pending", error, findingId, sink);
  }

  /** Counts for status output and tests. */
  counts(): { baseline: number; alerts: number; pending: number; delivered: number; failed: number } {
    const one = (sql: string) => (this.store.db.prepare(sql).get() as { n: number }).n;
    return {
      baseline: one("SELECT count(*) AS n FROM watch_alerts WHERE baseline = 1"),
      alerts: one("SELECT count(*) AS n FROM watch_alerts WHERE baseline = 0"),
      pending: one("SELECT count(*) AS n FROM watch_deliveries WHERE status = 'pending'"),
      delivered: one("SELECT count(*) AS n FROM watch_deliveries WHERE status = 'delivered'"),
      failed: one("SELECT count(*) AS n FROM watch_deliveries WHERE status = 'failed'"),
    };
  }
}
