import type { PostureContext } from "../context.js";
import type { PostureCheck } from "../types.js";
import {
  deviceCodeFlowBlocked,
  highRiskSignIns,
  highRiskUsers,
  legacyAuthBlocked,
  mfaAllUsers,
  phishingResistantPrivileged,
  securityDefaultsConsistency,
} from "./conditional-access.js";
import {
  affectedUsersExcluded,
  breakGlassExcluded,
  onlyBreakGlassExcluded,
  reportOnlyShouldEnforce,
} from "./exclusions.js";
import {
  authenticatorContext,
  fido2Restrictions,
  policyMigrationComplete,
  registrationCampaign,
  smsVoiceDisabled,
  temporaryAccessPass,
} from "./methods.js";
import {
  deviceRegistrationMfa,
  joinRegisterScope,
  securityInfoRegistration,
  userDeviceQuota,
} from "./registration.js";

/** Every policy check, in report order. Each is a pure function of the context. */
export const POLICY_CHECKS: readonly ((ctx: PostureContext) => PostureCheck)[] = [
  legacyAuthBlocked,
  mfaAllUsers,
  phishingResistantPrivileged,
  highRiskUsers,
  highRiskSignIns,
  securityDefaultsConsistency,
  deviceCodeFlowBlocked,
  securityInfoRegistration,
  deviceRegistrationMfa,
  joinRegisterScope,
  userDeviceQuota,
  smsVoiceDisabled,
  authenticatorContext,
  temporaryAccessPass,
  fido2Restrictions,
  registrationCampaign,
  policyMigrationComplete,
  breakGlassExcluded,
  onlyBreakGlassExcluded,
  reportOnlyShouldEnforce,
  affectedUsersExcluded,
];
