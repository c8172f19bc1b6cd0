import type { PostureContext } from "./context.js";
import {
  appTarget,
  coversClientApps,
  grantFacts,
  isEnabled,
  isReportOnly,
  LEGACY_CLIENT_APPS,
  MODERN_CLIENT_APPS,
  narrowingConditions,
} from "./policy-facts.js";
import { userScope } from "./scope.js";
import type { AppliedPolicy, ExcludingPolicy, MfaRequirement, UserCoverage } from "./types.js";
import { type CaPolicy, USER_ACTION_REGISTER_DEVICE, USER_ACTION_REGISTER_SECURITY_INFO } from "./wire.js";

/**
 * Per-user effective coverage: for each affected and each privileged user, which policies reach
 * them (users, nested groups, roles, include/exclude) and what that adds up to. A policy counts
 * as requiring something only when it is enforced and no extra condition (location, platform,
 * client app, device filter) lets some sign-ins through; narrowed ones make it "conditional".
 */
export function userCoverage(ctx: PostureContext): UserCoverage[] {
  const ids = new Set([...ctx.affectedUserIds, ...ctx.privilegedUserIds]);
  return [...ids]
    .filter((id) => ctx.dir.usersById.has(id))
    .sort((a, b) => ctx.dir.label(a).localeCompare(ctx.dir.label(b)))
    .map((id) => coverageOf(ctx, id));
}

function coverageOf(ctx: PostureContext, userId: string): UserCoverage {
  const strengths = ctx.snapshot.authenticationStrengthPolicies;
  const enforced: { policy: CaPolicy; applied: AppliedPolicy }[] = [];
  const reportOnly: AppliedPolicy[] = [];
  const excludedFrom: ExcludingPolicy[] = [];
  for (const policy of ctx.policies) {
    if (!isEnabled(policy) && !isReportOnly(policy)) continue;
    const scope = userScope(policy, userId, ctx.dir);
    const displayName = policy.displayName ?? policy.id;
    if (scope.excludedBy) {
      excludedFrom.push({
        policyId: policy.id,
        displayName,
        state: policy.state,
        excludedBy: scope.excludedBy,
      });
      continue;
    }
    if (!scope.applies) continue;
    const applied: AppliedPolicy = {
      policyId: policy.id,
      displayName,
      state: policy.state,
      includedBy: scope.includedBy ?? "",
      target: appTarget(policy).text,
      controls: grantFacts(policy, strengths).text,
      narrowedBy: narrowingConditions(policy),
    };
    if (isEnabled(policy)) enforced.push({ policy, applied });
    else reportOnly.push(applied);
  }

  const defaultsOn = ctx.snapshot.securityDefaults?.isEnabled === true;
  const privileged = ctx.privilegedUserIds.has(userId);
  const signIn = enforced.filter(({ policy }) => appTarget(policy).kind === "allApps");
  const unnarrowed = (policy: CaPolicy) =>
    narrowingConditions(policy).every((condition) => condition.startsWith("client apps"));

  let mfaForSignIn: MfaRequirement = "notRequired";
  for (const { policy } of signIn) {
    const facts = grantFacts(policy, strengths);
    if (facts.mfa === "notRequired") continue;
    if (facts.mfa === "required" && coversClientApps(policy, MODERN_CLIENT_APPS) && unnarrowed(policy)) {
      mfaForSignIn = "required";
      break;
    }
    mfaForSignIn = "conditional";
  }
  // Security defaults always challenge administrators, other users only "when necessary".
  if (mfaForSignIn === "notRequired" && defaultsOn) mfaForSignIn = privileged ? "required" : "conditional";

  const phishingResistantForSignIn = signIn.some(
    ({ policy }) => grantFacts(policy, strengths).phishingResistant && unnarrowed(policy),
  );
  const legacyAuthBlocked =
    defaultsOn ||
    signIn.some(
      ({ policy }) => grantFacts(policy, strengths).blocks && coversClientApps(policy, LEGACY_CLIENT_APPS),
    );

  const registration = registrationProtection(
    enforced
      .map((e) => e.policy)
      .filter((p) => appTarget(p).userActions.includes(USER_ACTION_REGISTER_SECURITY_INFO)),
    ctx,
  );
  const deviceToggle = ctx.snapshot.deviceRegistrationPolicy?.multiFactorAuthConfiguration === "required";
  const deviceRegistrationProtected =
    deviceToggle ||
    enforced.some(
      ({ policy }) =>
        appTarget(policy).userActions.includes(USER_ACTION_REGISTER_DEVICE) &&
        grantFacts(policy, strengths).mfa === "required",
    );

  const gaps: string[] = [];
  if (mfaForSignIn === "notRequired") gaps.push("no-mfa-for-sign-in");
  if (mfaForSignIn === "conditional") gaps.push("mfa-for-sign-in-only-conditional");
  if (privileged && !phishingResistantForSignIn) gaps.push("not-phishing-resistant");
  if (!legacyAuthBlocked) gaps.push("legacy-auth-not-blocked");
  if (registration === "none") gaps.push("security-info-registration-unprotected");
  if (registration === "conditional") gaps.push("security-info-registration-only-conditional");
  if (!deviceRegistrationProtected) gaps.push("device-registration-unprotected");
  for (const excluded of excludedFrom) {
    if (excluded.state === "enabled") gaps.push(`excluded-from: ${excluded.displayName}`);
  }

  const why: UserCoverage["why"] = [];
  if (ctx.affectedUserIds.has(userId)) why.push("affected");
  if (privileged) why.push("privileged");
  if (ctx.breakGlassIds.has(userId)) why.push("breakGlass");
  return {
    userId,
    userPrincipalName: ctx.dir.label(userId),
    why,
    roles: ctx.dir.rolesOf(userId).map((holding) => holding.name),
    enforced: enforced.map((e) => e.applied),
    reportOnly,
    excludedFrom,
    mfaForSignIn,
    phishingResistantForSignIn,
    legacyAuthBlocked,
    securityInfoRegistrationProtected: registration === "full",
    deviceRegistrationProtected,
    gaps,
  };
}

function registrationProtection(policies: CaPolicy[], ctx: PostureContext): "full" | "conditional" | "none" {
  let best: "full" | "conditional" | "none" = "none";
  for (const policy of policies) {
    const facts = grantFacts(policy, ctx.snapshot.authenticationStrengthPolicies);
    const deviceBound = facts.builtIn.some((c) => c === "compliantDevice" || c === "domainJoinedDevice");
    if (facts.blocks) {
      // A block scoped to locations is "only from trusted places": full protection by design.
      return "full";
    }
    if (facts.mfa === "notRequired" && !deviceBound) continue;
    if (narrowingConditions(policy).length === 0) return "full";
    best = "conditional";
  }
  return best;
}
