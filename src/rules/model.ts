import type { Severity, Technique } from "../detect/finding.js";

/**
 * The log-level intent of a rule: which records, which thresholds. One table of these
 * (./intents.ts) is rendered to KQL (Sentinel) and Sigma, and evaluated directly on Graph-shaped
 * records (./evaluate.ts) so tests can show each rule fires on an attack and not on benign noise.
 */

/** Logical fields of a directory audit; ./fields.ts maps each to Graph, KQL and Sigma. */
export type AuditField =
  | "activity"
  | "service"
  | "category"
  | "reason"
  | "initiatorUpn"
  | "initiatorId"
  | "initiatorIp"
  | "initiatorApp"
  | "initiatorAppId"
  | "targetType"
  | "targetId"
  | "targetUpn"
  | "targetName"
  | "details";

/** Logical fields of a sign-in (interactive or not). */
export type SignInField =
  | "resultType"
  | "statusDetail"
  | "resource"
  | "appId"
  | "caStatus"
  | "authRequirement"
  | "protocol"
  | "ip"
  | "upn"
  | "risk"
  | "deviceName"
  | "deviceId";

export type LogSource = "audits" | "signins";

/**
 * A predicate over one record. String comparisons are case-insensitive everywhere (Sigma's default,
 * KQL's `in~`/`contains`), so the three renderings agree.
 */
export type Condition<F extends string> =
  | { field: F; op: "in"; values: readonly string[] }
  | { field: F; op: "contains"; values: readonly string[] }
  | { field: F; op: "inCidr"; values: readonly string[] }
  /** The first phone number in the field, normalized to "+" and digits, is one of the values. */
  | { field: F; op: "phoneIn"; values: readonly string[] }
  /** As phoneIn, comparing the SHA-256 (hex) of the normalized number. */
  | { field: F; op: "phoneSha256In"; values: readonly string[] }
  | { all: readonly Condition<F>[] }
  | { any: readonly Condition<F>[] }
  | { not: Condition<F> };

export type Tactic =
  | "InitialAccess"
  | "Persistence"
  | "PrivilegeEscalation"
  | "DefenseEvasion"
  | "CredentialAccess";

interface IntentBase {
  /** Stable rule id (kebab-case); the Sentinel/Sigma UUIDs derive from it. */
  id: string;
  /** The detection in src/detect this rule mirrors in a SIEM. */
  detectionId: string;
  title: string;
  description: string;
  technique: Technique;
  tactics: readonly Tactic[];
  severity: Severity;
  falsePositives: readonly string[];
  /** Which of the case's allowlists narrow this rule when it is tuned (see ./tuning.ts). */
  tuning: readonly TuningKind[];
}

/**
 * trustedIps: trusted named locations and allowlisted ranges; devices: allowlisted device names or
 * ids; accounts: allowlisted admin/helpdesk accounts (initiators); apps: allowlisted initiating apps.
 */
export type TuningKind = "trustedIps" | "devices" | "accounts" | "apps";

/** One record matching is the alert. */
export type EventIntent = IntentBase &
  (
    | { kind: "event"; source: "audits"; where: Condition<AuditField> }
    | { kind: "event"; source: "signins"; where: Condition<SignInField> }
  );

/**
 * At least `threshold` matching records by one user within any sliding window of `windowMinutes`
 * (exact, not fixed bins). Audits count once per target object (a device logged by several
 * activities is one device). Sign-ins can be limited to those from an IP absent from the user's
 * successful sign-ins in [t − lookbackDays, t − gapHours), and required to be followed by a
 * successful sign-in of that user within `successWithinMinutes` of the window's last record.
 */
export type BurstIntent = IntentBase & {
  kind: "burst";
  threshold: number;
  windowMinutes: number;
} & (
    | {
        source: "audits";
        where: Condition<AuditField>;
        successWithinMinutes?: undefined;
        fromUnseenIp?: undefined;
      }
    | {
        source: "signins";
        where: Condition<SignInField>;
        successWithinMinutes?: number;
        fromUnseenIp?: { lookbackDays: number; gapHours: number };
      }
  );

/**
 * A registration-type audit judged against the subject user's own sign-in history:
 * - unseenIp: the initiating IP is not among the user's successful sign-in IPs in
 *   [t − lookbackDays, t − gapHours), of which there are at least `minBaseline`;
 * - dormant: the user has no successful sign-in in [t − lookbackDays, t − gapHours);
 * - afterRiskySignIn: a sign-in of the user with risk in `riskLevels` happened in [t − gapHours, t];
 * - singleFactorSession: a successful single-factor sign-in of the user in [t − windowMinutes, t]
 *   opened the session (users created in the last `newAccountDays` are onboarding and excluded).
 * The gap keeps the attacker's own sign-in right before the registration out of the baseline.
 */
export type BaselineIntent = IntentBase & {
  kind: "baseline";
  source: "audits";
  where: Condition<AuditField>;
} & (
    | { test: "unseenIp"; lookbackDays: number; gapHours: number; minBaseline: number }
    | { test: "dormant"; lookbackDays: number; gapHours: number }
    | { test: "afterRiskySignIn"; gapHours: number; riskLevels: readonly string[] }
    | { test: "singleFactorSession"; windowMinutes: number; newAccountDays: number }
  );

/** The same value (a phone number from the audit details) registered on `minUsers` or more users. */
export type SharedValueIntent = IntentBase & {
  kind: "sharedValue";
  source: "audits";
  where: Condition<AuditField>;
  value: "phoneNumber";
  minUsers: number;
  lookbackDays: number;
};

export type RuleIntent = EventIntent | BurstIntent | BaselineIntent | SharedValueIntent;
