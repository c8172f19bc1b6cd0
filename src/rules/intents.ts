import { defaultConfig } from "../detect/config.js";
import { AUTH_BROKER_APP_ID } from "../detect/signins.js";
import type { AuditField, Condition, RuleIntent, SignInField } from "./model.js";

/**
 * The rule table: what each detection looks like in the logs. Activity names, result reasons and
 * error codes are Entra's (graph-entra.md §5.3, §6.4); thresholds are the detection engine's
 * defaults (src/detect/config.ts), so a rule and its detection agree.
 *
 * Sentinel scheduled rules read at most 14 days of data (queryPeriod ≤ 14d). A baseline rule looks
 * at the registrations of the last run interval (1 h) against 13 days of history before them, so
 * baselines that the detection engine takes over 30 days are 13 days here: the rules' documented limit.
 */

/** Methods and devices added by the user themself (the registrations an attacker with the password does). */
export const SELF_REGISTRATION_ACTIVITIES = [
  "User registered security info",
  "Register device",
  "Add device",
] as const;

const selfRegistration: Condition<AuditField> = {
  field: "activity",
  op: "in",
  values: SELF_REGISTRATION_ACTIVITIES,
};

/** Status details of a denied or unanswered MFA prompt (§6.4), plus error 500121. */
export const MFA_DENIAL_DETAILS = [
  "MFA denied; user declined the authentication",
  "MFA denied; user did not respond to mobile app notification",
  "MFA denied; duplicate authentication attempt",
  "MFA denied; Phone App Reported Fraud",
] as const;
export const MFA_FAILED_ERROR_CODE = "500121";

const MFA_FAILURE: Condition<SignInField> = {
  any: [
    { field: "resultType", op: "in", values: [MFA_FAILED_ERROR_CODE] },
    { field: "statusDetail", op: "contains", values: MFA_DENIAL_DETAILS },
  ],
};

/** The detection engine's default thresholds: the rules use the same numbers. */
const T = defaultConfig().thresholds;
/** Sentinel reads at most 14 days; one hour of anchors plus this much history fits. */
const MAX_RULE_LOOKBACK_DAYS = 13;

export const DEVICE_REGISTRATION_SERVICE = "Device Registration Service";

/** OS builds that ROADtools, AiTM phishing kits (Tycoon2FA/Kali365) and AADInternals register by default. */
export const TOOL_DEFAULT_OS_BUILDS = ["10.0.19041.928", "10.0.19045.2006", "10.0.19041.804"] as const;

/** Services that legitimately write StrongAuthentication* properties when a user registers a method. */
export const MFA_SERVICE_APPS = [
  "Azure MFA StrongAuthenticationService",
  "Azure Credential Configuration Endpoint Service",
] as const;

export const STRONG_AUTH_PROPERTIES = [
  "StrongAuthenticationMethod",
  "StrongAuthenticationPhoneAppDetail",
  "StrongAuthenticationUserDetails",
] as const;

export const RULE_INTENTS: readonly RuleIntent[] = [
  {
    id: "registration-from-unseen-ip",
    tuning: ["trustedIps", "devices"],
    detectionId: "unusual-origin",
    kind: "baseline",
    source: "audits",
    test: "unseenIp",
    lookbackDays: MAX_RULE_LOOKBACK_DAYS,
    gapHours: T.baselineGapHours,
    minBaseline: T.baselineMinSignIns,
    where: selfRegistration,
    title: "MFA method or device registered from unseen IP",
    description: `A user registered an authentication method or a device from an IP address that is not among that user's successful sign-in IPs (at least ${T.baselineMinSignIns}) of the previous ${MAX_RULE_LOOKBACK_DAYS} days, the last ${T.baselineGapHours} hours excluded (the attacker signs in just before registering).`,
    technique: "T1098.005",
    tactics: ["Persistence"],
    severity: "medium",
    falsePositives: ["A user registering a new phone while travelling or on a new home network"],
  },
  {
    id: "registration-after-risky-signin",
    tuning: ["trustedIps", "devices"],
    detectionId: "after-risk",
    kind: "baseline",
    source: "audits",
    test: "afterRiskySignIn",
    gapHours: T.afterRiskWindowHours,
    riskLevels: ["medium", "high"],
    where: selfRegistration,
    title: "Registration within 6h of a risky sign-in",
    description: `A user registered an authentication method or a device within ${T.afterRiskWindowHours} hours after a sign-in of theirs that Identity Protection rated medium or high risk.`,
    technique: "T1098.005",
    tactics: ["Persistence"],
    severity: "high",
    falsePositives: ["A risky sign-in that was a false positive followed by a legitimate registration"],
  },
  {
    id: "registration-on-dormant-account",
    tuning: ["trustedIps", "devices"],
    detectionId: "dormant-or-weak",
    kind: "baseline",
    source: "audits",
    test: "dormant",
    lookbackDays: Math.min(T.dormantDays, MAX_RULE_LOOKBACK_DAYS),
    gapHours: T.dormantGraceHours,
    where: selfRegistration,
    title: "MFA method or device registered on dormant account",
    description: `An authentication method or a device was registered for a user who had no successful sign-in in the previous ${Math.min(T.dormantDays, MAX_RULE_LOOKBACK_DAYS)} days (the last ${T.dormantGraceHours} hours excluded) and was not created in that time. The detection engine looks back ${T.dormantDays} days; a Sentinel rule can read at most 14.`,
    technique: "T1098.005",
    tactics: ["Persistence"],
    severity: "medium",
    falsePositives: ["A user returning from leave and re-registering"],
  },
  {
    id: "registration-in-single-factor-session",
    tuning: ["trustedIps"],
    detectionId: "dormant-or-weak",
    kind: "baseline",
    source: "audits",
    test: "singleFactorSession",
    windowMinutes: 60,
    newAccountDays: T.newAccountDays,
    where: { field: "activity", op: "in", values: ["User registered security info"] },
    title: "MFA method registered in a password-only session",
    description: `A user registered an authentication method within an hour after a successful sign-in of theirs that required the password alone; accounts created in the last ${T.newAccountDays} days (onboarding) are left out.`,
    technique: "T1098.005",
    tactics: ["Persistence"],
    severity: "medium",
    falsePositives: ["Registration from a trusted location where policy does not require MFA"],
  },
  {
    id: "phone-number-on-several-users",
    tuning: [],
    detectionId: "shared-method",
    kind: "sharedValue",
    source: "audits",
    value: "phoneNumber",
    minUsers: 2,
    lookbackDays: 14,
    where: { field: "details", op: "contains", values: ["PhoneNumber"] },
    title: "Same MFA phone number on several users",
    description:
      "One phone number (normalized to + and digits) appears in the authentication details written for two or more users within 14 days: an attacker's phone on several accounts, or a SIM-swapped number.",
    technique: "T1556.006",
    tactics: ["Persistence", "CredentialAccess"],
    severity: "high",
    falsePositives: ["A shared front-desk or team phone", "The old value of a number being replaced"],
  },
  {
    id: "mfa-fatigue-then-success",
    tuning: ["trustedIps"],
    detectionId: "mfa-fatigue",
    kind: "burst",
    source: "signins",
    threshold: T.fatigueMinFailures,
    windowMinutes: T.fatigueWindowMinutes,
    successWithinMinutes: T.fatigueSuccessWithinMinutes,
    where: MFA_FAILURE,
    title: "MFA prompt bombing followed by success",
    description: `${T.fatigueMinFailures} or more denied or unanswered MFA prompts for one user within ${T.fatigueWindowMinutes} minutes, followed within ${T.fatigueSuccessWithinMinutes} minutes by a successful sign-in of that user.`,
    technique: "T1621",
    tactics: ["CredentialAccess"],
    severity: "high",
    falsePositives: ["A broken client retrying an MFA-protected sign-in in a loop"],
  },
  {
    id: "mfa-denials-from-new-ip-then-success",
    tuning: ["trustedIps"],
    detectionId: "mfa-fatigue",
    kind: "burst",
    source: "signins",
    threshold: T.fatigueUnfamiliarMinFailures,
    windowMinutes: T.fatigueWindowMinutes,
    successWithinMinutes: T.fatigueSuccessWithinMinutes,
    fromUnseenIp: { lookbackDays: MAX_RULE_LOOKBACK_DAYS, gapHours: T.baselineGapHours },
    where: MFA_FAILURE,
    title: "MFA denials from a new IP followed by success",
    description: `${T.fatigueUnfamiliarMinFailures} or more denied or unanswered MFA prompts within ${T.fatigueWindowMinutes} minutes from IP addresses the user had no successful sign-in from in the previous ${MAX_RULE_LOOKBACK_DAYS} days, followed within ${T.fatigueSuccessWithinMinutes} minutes by a successful sign-in of that user.`,
    technique: "T1621",
    tactics: ["CredentialAccess"],
    severity: "high",
    falsePositives: ["A user on a new network repeatedly missing prompts before answering one"],
  },
  {
    id: "mfa-fraud-reported-signin",
    tuning: [],
    detectionId: "mfa-fatigue",
    kind: "event",
    source: "signins",
    where: { field: "statusDetail", op: "contains", values: ["Reported Fraud", "Fraud reported"] },
    title: "User reported an MFA prompt as fraud",
    description: "A user answered an MFA prompt with a fraud report: someone else holds their password.",
    technique: "T1621",
    tactics: ["CredentialAccess"],
    severity: "high",
    falsePositives: ["A user pressing the wrong button"],
  },
  {
    id: "mfa-fraud-reported-audit",
    tuning: [],
    detectionId: "mfa-fatigue",
    kind: "event",
    source: "audits",
    where: {
      field: "activity",
      op: "in",
      values: [
        "Fraud reported - user is blocked for MFA",
        "Fraud reported - no action taken",
        "Suspicious activity reported",
      ],
    },
    title: "MFA fraud or suspicious activity reported",
    description: "The directory recorded a user's MFA fraud report or suspicious-activity report.",
    technique: "T1621",
    tactics: ["CredentialAccess"],
    severity: "high",
    falsePositives: ["A user pressing the wrong button"],
  },
  {
    id: "device-registration-without-mfa",
    tuning: ["trustedIps", "devices"],
    detectionId: "device-join",
    kind: "event",
    source: "signins",
    where: {
      all: [
        { field: "resource", op: "in", values: [DEVICE_REGISTRATION_SERVICE] },
        { field: "resultType", op: "in", values: ["0"] },
        { not: { field: "authRequirement", op: "in", values: ["multiFactorAuthentication"] } },
      ],
    },
    title: "Device registered or joined without MFA",
    description:
      "A successful sign-in to the Device Registration Service that did not require multifactor authentication: a device was registered or joined with the password alone.",
    technique: "T1098.005",
    tactics: ["Persistence"],
    severity: "medium",
    falsePositives: ["Device registration from a trusted location where policy does not require MFA"],
  },
  {
    id: "device-code-to-auth-broker",
    tuning: [],
    detectionId: "device-join",
    kind: "event",
    source: "signins",
    where: {
      all: [
        { field: "protocol", op: "in", values: ["deviceCode"] },
        { field: "appId", op: "in", values: [AUTH_BROKER_APP_ID] },
        { field: "resultType", op: "in", values: ["0"] },
      ],
    },
    title: "Device-code sign-in to the Authentication Broker",
    description:
      "A successful device-code sign-in for the Microsoft Authentication Broker client: the phishing path used to register a device and obtain a primary refresh token.",
    technique: "T1098.005",
    tactics: ["InitialAccess", "Persistence"],
    severity: "high",
    falsePositives: ["Rare: provisioning of shared devices with device code"],
  },
  {
    id: "bulk-device-registration",
    tuning: ["trustedIps", "accounts"],
    detectionId: "bulk-devices",
    kind: "burst",
    source: "audits",
    threshold: T.bulkMinDevices,
    windowMinutes: T.bulkWindowMinutes,
    // "Register device" is the user's (Device Registration Service); "Add device" is usually the
    // service's own write. Each device counts once whichever records name it.
    where: { field: "activity", op: "in", values: ["Register device", "Add device"] },
    title: `${T.bulkMinDevices}+ devices registered by one user in ${T.bulkWindowMinutes} minutes`,
    description: `One user registered ${T.bulkMinDevices} or more devices within ${T.bulkWindowMinutes} minutes.`,
    technique: "T1098.005",
    tactics: ["Persistence"],
    severity: "high",
    falsePositives: ["Bulk enrolment accounts (package_*) used by IT"],
  },
  {
    id: "tool-default-device",
    tuning: ["devices"],
    detectionId: "tool-traces",
    kind: "event",
    source: "audits",
    where: {
      all: [
        { field: "activity", op: "in", values: ["Add device", "Register device"] },
        { field: "details", op: "contains", values: TOOL_DEFAULT_OS_BUILDS },
      ],
    },
    title: "Device registered with attack-tool default OS",
    description:
      "A device was registered with the OS build that ROADtools (10.0.19041.928), AiTM phishing kits (10.0.19045.2006) or AADInternals (10.0.19041.804) send by default.",
    technique: "T1098.005",
    tactics: ["Persistence"],
    severity: "high",
    falsePositives: ["A real device still on exactly that build"],
  },
  {
    id: "admin-registered-security-info",
    tuning: ["accounts", "apps"],
    detectionId: "admin-registered",
    kind: "event",
    source: "audits",
    where: { field: "activity", op: "in", values: ["Admin registered security info"] },
    title: "Authentication method added by another account",
    description:
      "An administrator or application registered an authentication method (phone, Temporary Access Pass, ...) for a user.",
    technique: "T1098.005",
    tactics: ["Persistence", "PrivilegeEscalation"],
    severity: "medium",
    falsePositives: ["Helpdesk issuing a Temporary Access Pass (allowlist the helpdesk accounts)"],
  },
  {
    id: "strong-authentication-set-directly",
    tuning: ["accounts", "apps"],
    detectionId: "legacy-strong-auth",
    kind: "event",
    source: "audits",
    where: {
      all: [
        { field: "activity", op: "in", values: ["Update user"] },
        { field: "details", op: "contains", values: STRONG_AUTH_PROPERTIES },
        { not: { field: "initiatorApp", op: "in", values: MFA_SERVICE_APPS } },
      ],
    },
    title: "StrongAuthentication set outside MFA services",
    description:
      "An 'Update user' changed StrongAuthenticationMethod, StrongAuthenticationPhoneAppDetail or StrongAuthenticationUserDetails and was not written by the Azure MFA registration services: legacy tooling (MSOnline, AADInternals) setting MFA details directly.",
    technique: "T1556.006",
    tactics: ["Persistence", "DefenseEvasion"],
    severity: "medium",
    falsePositives: ["Administrators still managing per-user MFA with MSOnline"],
  },
];
