import { z } from "zod";
import type {
  AuthenticationMethod,
  AuthenticationMethodODataType,
  Device,
  IsoDateTime,
} from "../graph/types.js";
import type { DefaultMethodPreference } from "./methods.js";

/**
 * The eviction plan: what `plan` writes, a responder reviews, and `apply` executes exactly. A plan
 * is plain JSON (format tag below) so it can be diffed, signed off and archived with the case.
 */

export const PLAN_FORMAT = "mfa-evict/eviction-plan@1";

export type StepKind =
  | "rotatePassword"
  | "revokeSessions"
  | "setDefaultMethod"
  | "deleteMethod"
  | "disableDevice"
  | "retireManagedDevice"
  | "deleteDevice"
  | "issueTap"
  | "confirmCompromised";

interface StepBase {
  /** Stable within the plan: `<userId>/<n>-<kind>`; the journal keys progress on it. */
  id: string;
  kind: StepKind;
  /** One line a responder can read aloud. */
  description: string;
  /** Application permissions Graph accepts for this write (any one suffices). */
  permissions: string[];
}

export interface RotatePasswordStep extends StepBase {
  kind: "rotatePassword";
}
export interface RevokeSessionsStep extends StepBase {
  kind: "revokeSessions";
}
/** Moves the default MFA method off a rogue phone (beta signInPreferences) so it can be deleted. */
export interface SetDefaultMethodStep extends StepBase {
  kind: "setDefaultMethod";
  preference: DefaultMethodPreference;
  /** The benign method that becomes the default. */
  methodId: string;
}
export interface DeleteMethodStep extends StepBase {
  kind: "deleteMethod";
  methodId: string;
  odataType: AuthenticationMethodODataType;
  label: string;
  /** The rogue method is the user's default MFA method (as far as the case knows). */
  isDefault: boolean;
}
interface DeviceStepBase extends StepBase {
  deviceObjectId: string;
  deviceId?: string;
  displayName?: string;
  operatingSystem?: string;
}
export interface DisableDeviceStep extends DeviceStepBase {
  kind: "disableDevice";
}
export interface RetireManagedDeviceStep extends DeviceStepBase {
  kind: "retireManagedDevice";
  /** The Entra `deviceId` (Intune's `azureADDeviceId`), how the managed device is found at apply time. */
  deviceId: string;
}
export interface DeleteDeviceStep extends DeviceStepBase {
  kind: "deleteDevice";
}
export interface IssueTapStep extends StepBase {
  kind: "issueTap";
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}
export interface ConfirmCompromisedStep extends StepBase {
  kind: "confirmCompromised";
}

export type PlanStep =
  | RotatePasswordStep
  | RevokeSessionsStep
  | SetDefaultMethodStep
  | DeleteMethodStep
  | DisableDeviceStep
  | RetireManagedDeviceStep
  | DeleteDeviceStep
  | IssueTapStep
  | ConfirmCompromisedStep;

/** A step before the planner numbers it (Omit distributed over the union). */
export type UnnumberedStep = PlanStep extends infer S ? (S extends PlanStep ? Omit<S, "id"> : never) : never;

export type PreCheckResult = "pass" | "fail" | "unknown";

export interface PreCheck {
  id: "appPermissions" | "appDirectoryRole" | "breakGlass" | "tapPolicy" | "inventory";
  description: string;
  result: PreCheckResult;
  detail: string;
}

/** An alert the SOC should expect from this plan's writes, so they can tell the eviction from an attack. */
export interface ExpectedAlert {
  rule: string;
  source: "Microsoft Sentinel" | "Sigma" | "Elastic";
  reference: string;
  severity: "informational" | "low" | "medium" | "high";
  stepKind: StepKind;
}

export interface UserPlan {
  userId: string;
  userPrincipalName: string;
  displayName?: string;
  findingIds: string[];
  /** `refused` users get no writes; `refusals` says why and what would unblock them. */
  status: "ready" | "refused";
  refusals: string[];
  /** Directory roles (template ids and names) the target holds. */
  privilegedRoles: { id: string; name: string }[];
  onPremisesSynced: boolean;
  preChecks: PreCheck[];
  /** The user's methods and the targeted devices when the plan was made (forensics and drift). */
  baseline: { methods: AuthenticationMethod[]; devices: Device[] };
  /** Hash of the targets' state in `baseline`; `apply` refuses the user's steps if the live state differs. */
  fingerprint: string;
  steps: PlanStep[];
  /** Steps the admin must do by hand (on-premises AD, limits of app-only access). */
  manual: string[];
  notes: string[];
  alerts: ExpectedAlert[];
}

export interface TapBounds {
  policyState: "enabled" | "disabled" | "unknown";
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  defaultLifetimeInMinutes: number;
  /** The policy forces one-time passes. */
  policyForcesUsableOnce: boolean;
}

export interface EvictionPlan {
  format: typeof PLAN_FORMAT;
  id: string;
  createdAt: IsoDateTime;
  /** `apply` refuses the plan once it is older than this. */
  maxAgeMinutes: number;
  tenantId?: string;
  caseFile?: string;
  options: {
    includeBreakGlass: boolean;
    confirmCompromised: boolean;
    deleteDevices: boolean;
    minSeverity: string;
  };
  /** What the app was allowed to do when the plan was made (null: not checked, e.g. planned offline). */
  app: {
    permissions: string[] /** Undefined when they could not be read. */;
    directoryRoles?: string[];
  } | null;
  tap: TapBounds;
  users: UserPlan[];
  /** Findings the plan does not act on, and why (suppressed, triaged false positive, review-only…). */
  skipped: { findingId: string; userId: string; reason: string }[];
}

// ── Loading a plan file: validated, because apply must never act on a malformed or edited plan ──

const stepBase = {
  id: z.string().min(1),
  description: z.string(),
  permissions: z.array(z.string()),
};
const deviceBase = {
  ...stepBase,
  deviceObjectId: z.string().min(1),
  deviceId: z.string().optional(),
  displayName: z.string().optional(),
  operatingSystem: z.string().optional(),
};
const odataType = z.string().refine((v) => v.startsWith("#microsoft.graph."), "not a Graph @odata.type");

const stepSchema = z.discriminatedUnion("kind", [
  z.object({ ...stepBase, kind: z.literal("rotatePassword") }),
  z.object({ ...stepBase, kind: z.literal("revokeSessions") }),
  z.object({
    ...stepBase,
    kind: z.literal("setDefaultMethod"),
    preference: z.enum(["push", "oath", "voiceMobile", "voiceAlternateMobile", "voiceOffice", "sms"]),
    methodId: z.string().min(1),
  }),
  z.object({
    ...stepBase,
    kind: z.literal("deleteMethod"),
    methodId: z.string().min(1),
    odataType,
    label: z.string(),
    isDefault: z.boolean(),
  }),
  z.object({ ...deviceBase, kind: z.literal("disableDevice") }),
  z.object({ ...deviceBase, kind: z.literal("retireManagedDevice"), deviceId: z.string().min(1) }),
  z.object({ ...deviceBase, kind: z.literal("deleteDevice") }),
  z.object({
    ...stepBase,
    kind: z.literal("issueTap"),
    lifetimeInMinutes: z.number().int().min(10).max(43_200),
    isUsableOnce: z.boolean(),
  }),
  z.object({ ...stepBase, kind: z.literal("confirmCompromised") }),
]);

const userPlanSchema = z.object({
  userId: z.string().min(1),
  userPrincipalName: z.string(),
  displayName: z.string().optional(),
  findingIds: z.array(z.string()),
  status: z.enum(["ready", "refused"]),
  refusals: z.array(z.string()),
  privilegedRoles: z.array(z.object({ id: z.string(), name: z.string() })),
  onPremisesSynced: z.boolean(),
  preChecks: z.array(
    z.object({
      id: z.enum(["appPermissions", "appDirectoryRole", "breakGlass", "tapPolicy", "inventory"]),
      description: z.string(),
      result: z.enum(["pass", "fail", "unknown"]),
      detail: z.string(),
    }),
  ),
  baseline: z.object({
    methods: z.array(z.looseObject({ id: z.string(), "@odata.type": odataType })),
    devices: z.array(z.looseObject({ id: z.string() })),
  }),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  steps: z.array(stepSchema),
  manual: z.array(z.string()),
  notes: z.array(z.string()),
  alerts: z.array(
    z.object({
      rule: z.string(),
      source: z.enum(["Microsoft Sentinel", "Sigma", "Elastic"]),
      reference: z.string(),
      severity: z.enum(["informational", "low", "medium", "high"]),
      stepKind: z.string(),
    }),
  ),
});

const planSchema = z.object({
  format: z.literal(PLAN_FORMAT),
  id: z.string().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  maxAgeMinutes: z.number().positive(),
  tenantId: z.string().optional(),
  caseFile: z.string().optional(),
  options: z.object({
    includeBreakGlass: z.boolean(),
    confirmCompromised: z.boolean(),
    deleteDevices: z.boolean(),
    minSeverity: z.string(),
  }),
  app: z
    .object({ permissions: z.array(z.string()), directoryRoles: z.array(z.string()).optional() })
    .nullable(),
  tap: z.object({
    policyState: z.enum(["enabled", "disabled", "unknown"]),
    minimumLifetimeInMinutes: z.number(),
    maximumLifetimeInMinutes: z.number(),
    defaultLifetimeInMinutes: z.number(),
    policyForcesUsableOnce: z.boolean(),
  }),
  users: z.array(userPlanSchema),
  skipped: z.array(z.object({ findingId: z.string(), userId: z.string(), reason: z.string() })),
});

export class PlanFormatError extends Error {
  override name = "PlanFormatError";
}

/** Parses and validates a plan document; the error names the offending field. */
export function parsePlan(json: unknown, source = "plan"): EvictionPlan {
  const result = planSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    throw new PlanFormatError(`${source}: invalid plan at ${where}: ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const user of result.data.users) {
    for (const step of user.steps) {
      if (ids.has(step.id)) throw new PlanFormatError(`${source}: duplicate step id ${step.id}`);
      ids.add(step.id);
    }
  }
  // The schema checked every field this module relies on; the Graph-shaped baseline objects are
  // kept loose (unknown properties preserved), so the cast only narrows their static type.
  return result.data as unknown as EvictionPlan;
}
