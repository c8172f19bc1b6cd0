import type { CaseStore } from "../store/types.js";
import type { DetectionResult } from "./engine.js";
import type { Finding, Triage } from "./finding.js";

/**
 * Findings and triage in the case file, in detection's own tables. Finding ids are stable, so a
 * re-run updates rows instead of adding them; a finding the latest run no longer produces (say, the
 * method was evicted) stays, marked inactive, and triage verdicts are never touched by a run.
 */
export const DETECT_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE detect_findings (
    id TEXT PRIMARY KEY,
    detection_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    score INTEGER NOT NULL,
    json TEXT NOT NULL,
    first_detected TEXT NOT NULL,
    last_detected TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX detect_findings_user ON detect_findings (user_id);
  CREATE TABLE detect_triage (
    finding_id TEXT PRIMARY KEY,
    verdict TEXT NOT NULL,
    reason TEXT,
    decided_by TEXT,
    decided_at TEXT NOT NULL
  );
  CREATE TABLE detect_runs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    findings INTEGER NOT NULL,
    gaps TEXT NOT NULL,
    notes TEXT NOT NULL
  );
  `,
];

export interface SaveSummary {
  /** Findings not in the case before. */
  added: number;
  /** Findings already stored (their content refreshed). */
  kept: number;
  /** Stored findings this run no longer produced; now inactive. */
  inactive: number;
}

function prepare(store: CaseStore): void {
  store.ensureSchema("detect", DETECT_MIGRATIONS);
}

export function saveDetection(store: CaseStore, result: DetectionResult, now = new Date()): SaveSummary {
  prepare(store);
  const at = now.toISOString();
  const db = store.db;
  const existing = db.prepare("SELECT 1 FROM detect_findings WHERE id = ?");
  const insert = db.prepare(
    `INSERT INTO detect_findings (id, detection_id, user_id, severity, score, json, first_detected, last_detected, active)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const update = db.prepare(
    "UPDATE detect_findings SET severity = ?, score = ?, json = ?, last_detected = ?, active = 1 WHERE id = ?",
  );
  return store.transaction(() => {
    let added = 0;
    let kept = 0;
    const seen = new Set<string>();
    for (const finding of result.findings) {
      seen.add(finding.id);
      const json = JSON.stringify(finding);
      if (existing.get(finding.id)) {
        update.run(finding.severity, finding.score, json, at, finding.id);
        kept++;
      } else {
        insert.run(
          finding.id,
          finding.detectionId,
          finding.userId,
          finding.severity,
          finding.score,
          json,
          at,
          at,
        );
        added++;
      }
    }
    let inactive = 0;
    const active = db.prepare("SELECT id FROM detect_findings WHERE active = 1").all() as { id: string }[];
    const deactivate = db.prepare("UPDATE detect_findings SET active = 0 WHERE id = ?");
    for (const { id } of active) {
      if (seen.has(id)) continue;
      deactivate.run(id);
      inactive++;
    }
    db.prepare("INSERT INTO detect_runs (at, findings, gaps, notes) VALUES (?, ?, ?, ?)").run(
      at,
      result.findings.length,
      JSON.stringify(result.gaps),
      JSON.stringify(result.notes),
    );
    return { added, kept, inactive };
  });
}

export interface StoredFinding {
  finding: Finding;
  firstDetected: string;
  lastDetected: string;
  active: boolean;
}

function hasTables(store: CaseStore): boolean {
  return Boolean(
    store.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'detect_findings'").get(),
  );
}

/** Stored findings (active ones unless `includeInactive`), in the order detection sorted them. */
export function loadFindings(store: CaseStore, options: { includeInactive?: boolean } = {}): StoredFinding[] {
  if (!hasTables(store)) return [];
  const rows = store.db
    .prepare(
      `SELECT json, first_detected, last_detected, active FROM detect_findings
       ${options.includeInactive ? "" : "WHERE active = 1"} ORDER BY rowid`,
    )
    .all() as { json: string; first_detected: string; last_detected: string; active: number }[];
  return rows.map((row) => ({
    finding: JSON.parse(row.json) as Finding,
    firstDetected: row.first_detected,
    lastDetected: row.last_detected,
    active: row.active === 1,
  }));
}

export function loadFinding(store: CaseStore, id: string): StoredFinding | undefined {
  if (!hasTables(store)) return undefined;
  const row = store.db
    .prepare("SELECT json, first_detected, last_detected, active FROM detect_findings WHERE id = ?")
    .get(id) as { json: string; first_detected: string; last_detected: string; active: number } | undefined;
  if (!row) return undefined;
  return {
    finding: JSON.parse(row.json) as Finding,
    firstDetected: row.first_detected,
    lastDetected: row.last_detected,
    active: row.active === 1,
  };
}

export class UnknownFindingError extends Error {
  override name = "UnknownFindingError";
}

/** Records a verdict; the finding must exist in the case. The latest verdict wins. */
export function setTriage(store: CaseStore, triage: Triage): void {
  prepare(store);
  if (!store.db.prepare("SELECT 1 FROM detect_findings WHERE id = ?").get(triage.findingId)) {
    throw new UnknownFindingError(`no finding ${triage.findingId} in ${store.path}; run detect first`);
  }
  store.db
    .prepare(
      `INSERT INTO detect_triage (finding_id, verdict, reason, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (finding_id) DO UPDATE SET verdict = excluded.verdict, reason = excluded.reason,
         decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
    )
    .run(triage.findingId, triage.verdict, triage.reason ?? null, triage.decidedBy ?? null, triage.decidedAt);
}

export function loadTriage(store: CaseStore): Triage[] {
  if (!hasTables(store)) return [];
  const rows = store.db
    .prepare(
      "SELECT finding_id, verdict, reason, decided_by, decided_at FROM detect_triage ORDER BY finding_id",
    )
    .all() as {
    finding_id: string;
    verdict: Triage["verdict"];
    reason: string | null;
    decided_by: string | null;
    decided_at: string;
  }[];
  return rows.map((row) => ({
    findingId: row.finding_id,
    verdict: row.verdict,
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    decidedAt: row.decided_at,
  }));
}
