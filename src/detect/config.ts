import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/**
 * Tunable thresholds for every detection. Defaults come from the public rule sets named in
 * the comments (Sentinel, Elastic, Sigma, Splunk); a config file (YAML or JSON) may override any of
 * them, and anything it does not mention keeps its default.
 */
const thresholdsSchema = z.object({
  /** A baseline needs this many successful sign-ins before "unfamiliar" means anything. */
  baselineMinSignIns: z.number().int().min(1).default(5),
  /**
   * Sign-ins closer than this to the event do not count as history: the attacker's own sign-in just
   * before a registration must not make their IP "familiar".
   */
  baselineGapHours: z.number().min(0).default(12),
  /** An hour of day is unusual when it holds less than this share of the user's sign-ins. */
  unusualHourShare: z.number().min(0).max(1).default(0.02),
  /** …and only when the baseline has at least this many sign-ins. */
  unusualHourMinSignIns: z.number().int().min(1).default(30),
  /** Sentinel "Risky Sign-in with new MFA method / Device Registration": 6 h. */
  afterRiskWindowHours: z.number().min(0).default(6),
  /** A success from a password-spray source counts this long before a registration. */
  afterSprayWindowHours: z.number().min(0).default(72),
  /** Password spray: one IP failing (50126) for at least this many distinct users… */
  sprayMinUsers: z.number().int().min(2).default(10),
  /** …within this window (low-and-slow sprays spread their guesses over hours). */
  sprayWindowMinutes: z.number().min(1).default(240),
  /** Dormant: no successful sign-in for this many days before the registration… */
  dormantDays: z.number().min(1).default(30),
  /** …of which the sign-in log must reach at least this many (Sentinel's dormant-user hunt uses 14). */
  dormantMinCoveredDays: z.number().min(1).default(14),
  /** Sign-ins this close before a registration are the attacker's own session, not proof of activity. */
  dormantGraceHours: z.number().min(0).default(24),
  /** Accounts younger than this are onboarding, not dormant, and a password-only first method is normal. */
  newAccountDays: z.number().min(0).default(14),
  /** MFA fatigue (Sentinel "MFA Spamming followed by Successful login"): 10 in 5 min. */
  fatigueMinFailures: z.number().int().min(1).default(10),
  fatigueWindowMinutes: z.number().min(1).default(5),
  /** …or this many from an unfamiliar IP. */
  fatigueUnfamiliarMinFailures: z.number().int().min(1).default(3),
  /** The success that ends a fatigue burst must come within this time. */
  fatigueSuccessWithinMinutes: z.number().min(1).default(60),
  /** A registration this soon after a fatigue success makes it critical. */
  fatigueRegistrationWithinHours: z.number().min(0).default(6),
  /** SIM swap: SMS/voice sign-in from a new place within this time of a number change. */
  simSwapWindowDays: z.number().min(0).default(7),
  /** Device registration linked to a preceding DRS / device-code sign-in within this time. */
  deviceSignInWindowMinutes: z.number().min(1).default(60),
  /** Elastic "Multiple Device Registrations by a Single User": 3 in 15 min. */
  bulkMinDevices: z.number().int().min(2).default(3),
  bulkWindowMinutes: z.number().min(1).default(15),
  /** Used when the case has no device registration policy (Microsoft's default quota is 50). */
  defaultUserDeviceQuota: z.number().int().min(1).default(50),
  /** An admin who registered methods for others on this many other days in the case is a helpdesk regular. */
  knownAdminMinDays: z.number().int().min(1).default(3),
  /** Audit events of one registration (security info + Update user) lie within this time. */
  companionWindowMinutes: z.number().min(0).default(5),
});

export type Thresholds = z.infer<typeof thresholdsSchema>;

const allowlistEntrySchema = z.object({
  kind: z.enum(["ipRange", "device", "account", "app"]),
  /** CIDR or single IP; device object id or deviceId; UPN or object id; app id. */
  value: z.string().min(1),
  reason: z.string().min(1),
  /** ISO date or date-time; the entry stops suppressing after it. */
  expires: z.string().refine((text) => !Number.isNaN(Date.parse(text)), "expires must be an ISO date"),
});
export type AllowlistEntry = z.infer<typeof allowlistEntrySchema>;

const configFileSchema = z
  .object({
    thresholds: thresholdsSchema.partial().optional(),
    allowlist: z.array(allowlistEntrySchema).optional(),
    /** App ids mfa-evict runs as: their writes (eviction, TAP issuance) are not attacks. */
    responderAppIds: z.array(z.string()).optional(),
    /** Detection ids to skip. */
    disabled: z.array(z.string()).optional(),
  })
  .strict();

export interface DetectConfig {
  thresholds: Thresholds;
  allowlist: AllowlistEntry[];
  responderAppIds: string[];
  disabled: string[];
}

export function defaultConfig(): DetectConfig {
  return { thresholds: thresholdsSchema.parse({}), allowlist: [], responderAppIds: [], disabled: [] };
}

/** Thrown for a config file that cannot be used; names the file and the offending field. */
export class DetectConfigError extends Error {
  override name = "DetectConfigError";
}

/** Parses config text (YAML or JSON), filling defaults for everything not mentioned. */
export function parseConfig(text: string, source = "config"): DetectConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new DetectConfigError(`${source}: not valid YAML/JSON (${(error as Error).message})`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "(root)";
    throw new DetectConfigError(`${source}: ${where}: ${issue?.message ?? "invalid"}`);
  }
  const file = parsed.data;
  return {
    thresholds: thresholdsSchema.parse(file.thresholds ?? {}),
    allowlist: file.allowlist ?? [],
    responderAppIds: file.responderAppIds ?? [],
    disabled: file.disabled ?? [],
  };
}

export function loadConfig(path: string): DetectConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new DetectConfigError(`${path}: cannot read (${(error as Error).message})`);
  }
  return parseConfig(text, path);
}
