import type { Finding } from "../detect/finding.js";
import type { IsoDateTime } from "../graph/types.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import type { ActionResult } from "./model.js";

export type TimelineLane = "signInOk" | "signInFailed" | "change" | "risk" | "eviction";

export interface TimelineEvent {
  time: IsoDateTime;
  lane: TimelineLane;
  label: string;
  detail?: string;
  /** The id of the record, to cross-reference findings' evidence. */
  recordId?: string;
  evidence: boolean;
}

const DAY_MS = 86_400_000;

/**
 * One user's story around their findings: sign-ins, security-info and device changes, risk and the
 * eviction steps, from a week before the first finding's evidence to the last event. Bounded so a
 * user with years of sign-ins still renders.
 */
export function userTimeline(
  snapshot: CaseSnapshot,
  userId: string,
  findings: Finding[],
  actions: ActionResult[],
  maxEvents = 400,
): TimelineEvent[] {
  const evidenceIds = new Set(findings.flatMap((f) => f.evidence.map((e) => e.id)));
  const evidenceTimes = findings.flatMap((f) => f.evidence.map((e) => e.time).filter((t) => t !== undefined));
  const first = evidenceTimes.length > 0 ? Math.min(...evidenceTimes.map((t) => Date.parse(t))) : undefined;
  const from = first === undefined ? Number.NEGATIVE_INFINITY : first - 7 * DAY_MS;
  const events: TimelineEvent[] = [];

  for (const s of snapshot.signIns) {
    if (s.userId !== userId || Date.parse(s.createdDateTime) < from) continue;
    const code = s.status?.errorCode ?? 0;
    const place = [s.location?.city, s.location?.countryOrRegion].filter(Boolean).join(", ");
    events.push({
      time: s.createdDateTime,
      lane: code === 0 ? "signInOk" : "signInFailed",
      label: `${code === 0 ? "Sign-in" : `Sign-in failed (${code})`} ${s.appDisplayName ?? ""}`.trim(),
      detail: [s.ipAddress, place, s.status?.additionalDetails].filter(Boolean).join(" · "),
      recordId: s.id,
      evidence: evidenceIds.has(s.id),
    });
  }
  for (const a of snapshot.audits) {
    if (Date.parse(a.activityDateTime) < from) continue;
    const targetsUser = a.targetResources?.some((t) => t.id === userId) || a.initiatedBy?.user?.id === userId;
    if (!targetsUser) continue;
    events.push({
      time: a.activityDateTime,
      lane: "change",
      label: a.activityDisplayName,
      detail: [a.resultReason, a.initiatedBy?.user?.ipAddress, a.initiatedBy?.app?.displayName]
        .filter(Boolean)
        .join(" · "),
      recordId: a.id,
      evidence: evidenceIds.has(a.id),
    });
  }
  for (const r of snapshot.riskDetections) {
    const time = r.activityDateTime ?? r.detectedDateTime;
    if (r.userId !== userId || !time || Date.parse(time) < from) continue;
    events.push({
      time,
      lane: "risk",
      label: `Risk: ${r.riskEventType ?? "unknown"} (${r.riskLevel ?? "?"})`,
      detail: [r.ipAddress, r.location?.countryOrRegion].filter(Boolean).join(" · "),
      recordId: r.id,
      evidence: evidenceIds.has(r.id),
    });
  }
  for (const action of actions) {
    if (action.userId !== userId || !action.time) continue;
    events.push({
      time: action.time,
      lane: "eviction",
      label: `Eviction: ${action.step} (${action.status})`,
      detail: action.target,
      evidence: false,
    });
  }

  events.sort((x, y) => x.time.localeCompare(y.time));
  if (events.length <= maxEvents) return events;
  // Keep every evidence and eviction event; thin the routine ones evenly.
  const keep = events.filter((e) => e.evidence || e.lane === "eviction" || e.lane === "risk");
  const routine = events.filter((e) => !(e.evidence || e.lane === "eviction" || e.lane === "risk"));
  const budget = Math.max(0, maxEvents - keep.length);
  const step = routine.length / Math.max(1, budget);
  for (let i = 0; i < budget && Math.floor(i * step) < routine.length; i++)
    keep.push(routine[Math.floor(i * step)]!);
  return keep.sort((x, y) => x.time.localeCompare(y.time));
}
