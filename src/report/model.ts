import type { Finding, Severity, Triage } from "../detect/finding.js";
import type { IsoDateTime } from "../graph/types.js";
import type { CaseSnapshot } from "../store/snapshot.js";

/**
 * Everything a report shows, already read from the case. The sections that come from eviction,
 * posture and rule export are optional: a report of a case that was only collected and detected is
 * still complete for what happened so far, and says what has not been done.
 */
export interface ReportInput {
  generatedAt: IsoDateTime;
  caseFile?: string;
  snapshot: CaseSnapshot;
  findings: Finding[];
  triage: Triage[];
  eviction?: EvictionSection;
  posture?: PostureResult[];
  rules?: RuleSummary[];
}

export interface EvictionSection {
  actions: ActionResult[];
  verification: VerificationResult[];
  /** Whether the journal's hash chain verified. */
  journalIntact?: boolean;
  /** SOC alerts the eviction is expected to set off, so the SOC can tell it from an attack. */
  expectedAlerts?: string[];
}

export interface ActionResult {
  userId: string;
  userPrincipalName?: string;
  step: string;
  target?: string;
  status: "done" | "alreadyDone" | "skipped" | "failed" | "planned";
  time?: IsoDateTime;
  detail?: string;
}

export interface VerificationResult {
  userId: string;
  userPrincipalName?: string;
  check: string;
  ok: boolean;
  detail?: string;
}

export interface PostureResult {
  id: string;
  title: string;
  result: "pass" | "fail" | "warning" | "notApplicable";
  references: string[];
  evidence: string;
  fix?: string;
}

export interface RuleSummary {
  id: string;
  name: string;
  /** The formats the rule exports to (`kql` always; `sigma` where Sigma can express it). */
  formats: ("kql" | "sigma")[];
  severity: string;
  technique?: string;
}

const SEVERITY_RANK: Record<Severity, number> = {
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
  informational: 0,
};

/** Privileged first, then severity, then score: the order a responder works in. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    Number(b.privileged) - Number(a.privileged) ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    b.score - a.score ||
    a.id.localeCompare(b.id)
  );
}

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

/** A finding counts against the tenant unless suppressed or triaged as a false positive. */
export function activeFindings(findings: Finding[], triage: Triage[]): Finding[] {
  const falsePositive = new Set(triage.filter((t) => t.verdict === "falsePositive").map((t) => t.findingId));
  return findings.filter((f) => !f.suppressedBy && !falsePositive.has(f.id));
}
