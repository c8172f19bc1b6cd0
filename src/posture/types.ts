/** The posture review's output: checks with evidence and fixes, and per-user effective coverage. */

export type CheckResult = "pass" | "fail" | "warning" | "notApplicable";

export type CheckArea =
  | "conditionalAccess"
  | "registration"
  | "devices"
  | "methods"
  | "exclusions"
  | "coverage";

/** One setting of one policy (or one fact of the case) that the result rests on. */
export interface PolicyEvidence {
  /** Policy id (CA policy id, `authenticationMethodsPolicy/Sms`, `deviceRegistrationPolicy`, …) or user id. */
  ref: string;
  /** Human name of the policy or object. */
  name?: string;
  /** The exact setting path, e.g. `conditions.clientAppTypes`. */
  setting: string;
  value: unknown;
  /** What this setting means for the check. */
  note?: string;
}

export interface PostureCheck {
  /** Stable id, e.g. `ca.legacyAuthBlocked`. */
  id: string;
  title: string;
  area: CheckArea;
  /** ScubaGear MS.AAD policy ids this corresponds to (empty when none exists). */
  scubaGear: string[];
  /** Maester test ids (MT.* / EIDSCA.*) this corresponds to (empty when none exists). */
  maester: string[];
  result: CheckResult;
  /** One sentence: what was found. */
  summary: string;
  evidence: PolicyEvidence[];
  /** What to change; empty for pass / not applicable. */
  fix: string;
}

export type MfaRequirement = "required" | "conditional" | "notRequired";

/** One policy's bearing on one user. */
export interface AppliedPolicy {
  policyId: string;
  displayName: string;
  state: string;
  /** How the user is in scope: `All users`, `group IT Staff (via Helpdesk)`, `role Global Administrator`, … */
  includedBy: string;
  /** `all apps`, `apps: …`, `user action: urn:user:registersecurityinfo`, `auth context: …`. */
  target: string;
  /** Grant controls in words: `block`, `mfa`, `strength Phishing resistant MFA`, `mfa OR compliantDevice`. */
  controls: string;
  /** Conditions that narrow when the policy bites (locations, platforms, client apps, risk…). */
  narrowedBy: string[];
}

export interface ExcludingPolicy {
  policyId: string;
  displayName: string;
  state: string;
  excludedBy: string;
}

export interface UserCoverage {
  userId: string;
  userPrincipalName: string;
  why: ("affected" | "privileged" | "breakGlass")[];
  roles: string[];
  /** Enabled policies that apply. */
  enforced: AppliedPolicy[];
  /** Report-only policies that would apply (not enforced). */
  reportOnly: AppliedPolicy[];
  /** Enabled or report-only policies whose include reached the user but an exclusion removed them. */
  excludedFrom: ExcludingPolicy[];
  mfaForSignIn: MfaRequirement;
  phishingResistantForSignIn: boolean;
  legacyAuthBlocked: boolean;
  securityInfoRegistrationProtected: boolean;
  deviceRegistrationProtected: boolean;
  /** Named gaps, e.g. `no-mfa-for-sign-in`, `security-info-registration-unprotected`. */
  gaps: string[];
}

export interface BreakGlassAccount {
  userId: string;
  userPrincipalName: string;
  /** `designated` when the responder named it, otherwise the reason it was inferred. */
  source: string;
}

export interface PostureReport {
  generatedAt: string;
  tenantId?: string;
  breakGlass: BreakGlassAccount[];
  affectedUserIds: string[];
  /** Streams the case does not hold, which left some checks not applicable. */
  missingStreams: string[];
  /**
   * Groups that policies target (directly or nested) whose members are not in the case (not
   * collected, or empty): coverage through them could not be resolved.
   */
  unresolvedGroups: { groupId: string; name: string; nestedIn?: string }[];
  checks: PostureCheck[];
  coverage: UserCoverage[];
  counts: Record<CheckResult, number>;
}
