import { createHash } from "node:crypto";
import type { CaseSnapshot, Stream } from "../store/snapshot.js";
import { Allowlist } from "./allowlist.js";
import { type DetectConfig, defaultConfig } from "./config.js";
import { DetectContext } from "./context.js";
import type { Detection, DraftFinding } from "./detection.js";
import { DETECTIONS } from "./detections/index.js";
import { type Evidence, type Finding, type FindingObject, SEVERITIES, type Severity } from "./finding.js";

/** What a detection could not do on this case, because streams were never collected or imported. */
export interface DetectionGap {
  detectionId: string;
  /** "skipped": nothing ran; "partial": ran without some checks. */
  effect: "skipped" | "partial";
  missing: Stream[];
  message: string;
}

export interface DetectionResult {
  findings: Finding[];
  gaps: DetectionGap[];
  /** Counts that explain what was left out on purpose. */
  notes: {
    responderEvents: number;
    serviceEvents: number;
    methodRegistrations: number;
    deviceRegistrations: number;
    expiredAllowlistEntries: string[];
    invalidAllowlistEntries: string[];
  };
}

export interface DetectOptions {
  config?: DetectConfig;
  /** App ids the responder runs as, in addition to those in the config. */
  responderAppIds?: readonly string[];
  /** Only these detections (by id). */
  only?: readonly string[];
  /** Reference time for allowlist expiry (tests); defaults to now. */
  now?: number;
}

/** Runs every detection over the case and returns findings sorted privileged-first, then by severity. */
export function detect(snapshot: CaseSnapshot, options: DetectOptions = {}): DetectionResult {
  const base = options.config ?? defaultConfig();
  const config: DetectConfig = {
    ...base,
    responderAppIds: [...base.responderAppIds, ...(options.responderAppIds ?? [])].map((id) =>
      id.toLowerCase(),
    ),
  };
  const context = new DetectContext(snapshot, config);
  const allowlist = new Allowlist(config.allowlist, options.now ?? Date.now());
  const gaps: DetectionGap[] = [];
  const byId = new Map<string, Finding>();

  for (const detection of DETECTIONS) {
    if (config.disabled.includes(detection.id)) continue;
    if (options.only && !options.only.includes(detection.id)) continue;
    const gap = gapOf(detection, snapshot.missing);
    if (gap) gaps.push(gap);
    if (gap?.effect === "skipped") continue;
    for (const draft of detection.run(context)) {
      const finding = finalize(detection, draft, context, allowlist);
      const known = byId.get(finding.id);
      // The same detection can reach one object twice (e.g. two bursts): keep the stronger.
      if (!known || finding.score > known.score) byId.set(finding.id, finding);
    }
  }
  const findings = [...byId.values()].sort(compareFindings);
  return {
    findings,
    gaps,
    notes: {
      responderEvents: context.events.responderEvents,
      serviceEvents: context.events.serviceEvents,
      methodRegistrations: context.events.methods.length,
      deviceRegistrations: context.events.devices.length,
      expiredAllowlistEntries: allowlist.expired.map((e) => `${e.kind} ${e.value} (expired ${e.expires})`),
      invalidAllowlistEntries: allowlist.invalid.map((i) => `${i.entry.kind} ${i.entry.value}: ${i.reason}`),
    },
  };
}

function gapOf(detection: Detection, missing: ReadonlySet<Stream>): DetectionGap | undefined {
  const unmet = detection.requires.filter((anyOf) => anyOf.every((stream) => missing.has(stream)));
  if (unmet.length > 0) {
    const streams = [...new Set(unmet.flat())];
    return {
      detectionId: detection.id,
      effect: "skipped",
      missing: streams,
      message: `${detection.id} not run: it needs ${unmet.map((anyOf) => anyOf.join(" or ")).join(" and ")}, which the case does not have`,
    };
  }
  const partial = detection.uses.filter((use) => missing.has(use.stream));
  if (partial.length === 0) return undefined;
  return {
    detectionId: detection.id,
    effect: "partial",
    missing: [...new Set(partial.map((use) => use.stream))],
    message: `${detection.id} could not check ${partial.map((use) => `${use.check} (no ${use.stream})`).join("; ")}`,
  };
}

export function objectKey(object: FindingObject): string {
  switch (object.kind) {
    case "method":
      return `method:${object.methodId}`;
    case "device":
      return `device:${object.deviceObjectId ?? object.deviceId ?? ""}`;
    case "user":
      return "user";
  }
}

/** Stable across re-runs: the same detection on the same user, object and anchor event. */
export function findingId(
  detectionId: string,
  userId: string,
  object: FindingObject,
  anchor: string,
): string {
  const digest = createHash("sha256")
    .update(`${detectionId}\n${userId}\n${objectKey(object)}\n${anchor}`)
    .digest("hex");
  return `F-${digest.slice(0, 16)}`;
}

/** One entry per record: several reasons can cite the same sign-in; the first description wins. */
function uniqueEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((item) => {
    const key = `${item.kind}:${item.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function raise(severity: Severity, steps: number): Severity {
  const index = Math.min(SEVERITIES.indexOf(severity) + steps, SEVERITIES.length - 1);
  return SEVERITIES[index]!;
}

function finalize(
  detection: Detection,
  draft: DraftFinding,
  context: DetectContext,
  allowlist: Allowlist,
): Finding {
  const privilege = context.privileged.get(draft.userId);
  const upn = context.userPrincipalName(draft.userId);
  const times = draft.evidence
    .map((e) => e.time)
    .filter((t): t is string => Boolean(t))
    .sort();
  let explanation = draft.explanation;
  let severity = draft.severity;
  if (privilege) {
    severity = raise(severity, 1);
    explanation += ` Severity raised: ${privilege.tier0 ? "Tier 0" : "privileged"} account (${privilege.reasons.join(", ")}).`;
  }
  let suppressedBy = allowlist.match(draft, upn);
  if (!suppressedBy && draft.locationSuppressible) {
    const trusted = context.trustedLocation(draft.ip);
    if (trusted) suppressedBy = `trusted named location "${trusted}" (${draft.ip})`;
  }
  const finding: Finding = {
    id: findingId(detection.id, draft.userId, draft.object, draft.anchor),
    detectionId: detection.id,
    title: detection.title,
    technique: detection.technique,
    severity,
    score: Math.min(100, draft.score + (privilege ? 10 : 0)),
    userId: draft.userId,
    userPrincipalName: upn,
    object: draft.object,
    explanation,
    evidence: uniqueEvidence(draft.evidence),
    recommendedActions: [...new Set(draft.recommendedActions)],
    firstSeen: times[0],
    lastSeen: times.at(-1),
    privileged: privilege !== undefined,
  };
  if (privilege) {
    finding.privilegeReasons = privilege.reasons;
    finding.tier0 = privilege.tier0;
  }
  if (suppressedBy) finding.suppressedBy = suppressedBy;
  return finding;
}

/** Unsuppressed first, then Tier 0 / privileged, then severity, then score, then time. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    Number(a.suppressedBy !== undefined) - Number(b.suppressedBy !== undefined) ||
    Number(b.tier0 === true) - Number(a.tier0 === true) ||
    Number(b.privileged) - Number(a.privileged) ||
    SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) ||
    b.score - a.score ||
    (a.firstSeen ?? "").localeCompare(b.firstSeen ?? "") ||
    a.id.localeCompare(b.id)
  );
}
