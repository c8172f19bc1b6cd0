import type { Finding } from "../detect/finding.js";
import { redactValue } from "../shared/redact.js";

/** The alert watch mode sends for a new finding: one line of text plus the finding's fields. */
export interface Alert {
  /** The finding id: stable, so a receiver can de-duplicate. */
  id: string;
  detectionId: string;
  title: string;
  severity: Finding["severity"];
  technique: Finding["technique"];
  user: string;
  object: string;
  explanation: string;
  firstSeen?: string;
  lastSeen?: string;
  privileged: boolean;
  recommendedActions: Finding["recommendedActions"];
  evidence: { kind: string; id: string; time?: string; summary: string; ipAddress?: string }[];
}

function objectLabel(finding: Finding): string {
  const o = finding.object;
  if (o.kind === "method") return o.label ?? `${o.odataType.replace("#microsoft.graph.", "")} ${o.methodId}`;
  if (o.kind === "device") return o.label ?? `device ${o.deviceObjectId ?? o.deviceId ?? "unknown"}`;
  return o.label ?? "the account";
}

export function alertOf(finding: Finding): Alert {
  // Findings carry no secrets by construction; redaction is the second line, as for every output.
  return redactValue({
    id: finding.id,
    detectionId: finding.detectionId,
    title: finding.title,
    severity: finding.severity,
    technique: finding.technique,
    user: finding.userPrincipalName ?? finding.userId,
    object: objectLabel(finding),
    explanation: finding.explanation,
    ...(finding.firstSeen ? { firstSeen: finding.firstSeen } : {}),
    ...(finding.lastSeen ? { lastSeen: finding.lastSeen } : {}),
    privileged: finding.privileged,
    recommendedActions: finding.recommendedActions,
    evidence: finding.evidence.map((e) => ({
      kind: e.kind,
      id: e.id,
      ...(e.time ? { time: e.time } : {}),
      summary: e.summary,
      ...(e.ipAddress ? { ipAddress: e.ipAddress } : {}),
    })),
  }) as Alert;
}

/** One line for a terminal, a chat message or a log. */
export function alertText(alert: Alert): string {
  const privileged = alert.privileged ? " privileged" : "";
  return `[${alert.severity.toUpperCase()}] ${alert.title} — ${alert.user}${privileged}: ${alert.explanation} (${alert.technique}; finding ${alert.id})`;
}
