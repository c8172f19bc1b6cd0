import type { IsoDateTime } from "../graph/types.js";

export type Severity = "informational" | "low" | "medium" | "high" | "critical";
export const SEVERITIES: readonly Severity[] = ["informational", "low", "medium", "high", "critical"];

export type Technique = "T1098.005" | "T1556.006" | "T1621" | "T1111";

/** The object a finding is about: what the eviction planner would remove. */
export type FindingObject =
  | { kind: "method"; methodId: string; odataType: string; label?: string }
  | { kind: "device"; deviceObjectId?: string; deviceId?: string; label?: string }
  /** The account itself, or a method/device seen only in logs (no inventory id): `label` says which. */
  | { kind: "user"; label?: string };

/** One log record or inventory object that supports the finding. */
export interface Evidence {
  kind: "audit" | "signin" | "riskDetection" | "riskyUser" | "method" | "device" | "policy";
  id: string;
  time?: IsoDateTime;
  summary: string;
  ipAddress?: string;
  location?: string;
  app?: string;
}

/** What detection recommends the eviction planner do about the object. */
export type RecommendedAction =
  | "deleteMethod"
  | "disableDevice"
  | "deleteDevice"
  | "revokeSessions"
  | "resetPassword"
  | "review";

export interface Finding {
  /** Stable across re-runs: derived from detection id + user + object (+ anchor event). */
  id: string;
  detectionId: string;
  title: string;
  technique: Technique;
  severity: Severity;
  /** 0–100 */
  score: number;
  userId: string;
  userPrincipalName?: string;
  object: FindingObject;
  /** One sentence a responder can read aloud. */
  explanation: string;
  evidence: Evidence[];
  recommendedActions: RecommendedAction[];
  firstSeen?: IsoDateTime;
  lastSeen?: IsoDateTime;
  privileged: boolean;
  /** Why the account counts as privileged (roles, CA exclusion, break-glass), when it does. */
  privilegeReasons?: string[];
  /** Tier 0: roles that can take over the tenant or its authentication, or a break-glass account. */
  tier0?: boolean;
  /** Set when an allowlist entry or trusted location suppresses it; still shown, never planned. */
  suppressedBy?: string;
}

/** A responder's verdict on a finding; survives re-detection because finding ids are stable. */
export interface Triage {
  findingId: string;
  verdict: "truePositive" | "falsePositive" | "undecided";
  reason?: string;
  decidedBy?: string;
  decidedAt: IsoDateTime;
}
