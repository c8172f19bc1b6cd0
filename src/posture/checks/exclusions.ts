import { enabledPolicies, type PostureContext, reportOnlyPolicies } from "../context.js";
import { appTarget, grantFacts } from "../policy-facts.js";
import { includesAllUsers, userScope } from "../scope.js";
import type { PolicyEvidence, PostureCheck } from "../types.js";
import type { CaPolicy } from "../wire.js";
import { type CheckMeta, exclusionGaps, gapEvidence, makeCheck, notCollected } from "./requirement.js";

/** Who is left out of the policies: break-glass (intended), everyone else, and the affected users. */

const CA_POLICIES = "Conditional Access policy data";

/** A policy with a grant (block, MFA, strength, device…) — one that can lock someone out or protect them. */
function hasControls(ctx: PostureContext, policy: CaPolicy): boolean {
  return grantFacts(policy, ctx.snapshot.authenticationStrengthPolicies).text !== "none";
}

export const BREAK_GLASS: CheckMeta = {
  id: "exc.breakGlassExcluded",
  title: "Break-glass accounts are excluded from every enforced all-users policy",
  area: "exclusions",
  scubaGear: [],
  maester: ["MT.1005"],
};

export function breakGlassExcluded(ctx: PostureContext): PostureCheck {
  if (!ctx.policiesCollected) return notCollected(BREAK_GLASS, CA_POLICIES);
  if (ctx.breakGlass.length === 0) {
    return makeCheck(
      BREAK_GLASS,
      "warning",
      "No break-glass account was designated or could be inferred; a policy mistake could lock every administrator out.",
      [],
      "Name the emergency-access accounts with --break-glass (or create two cloud-only Global Administrators with phishing-resistant credentials) and exclude them from every all-users policy.",
    );
  }
  const evidence: PolicyEvidence[] = ctx.breakGlass.map((account) => ({
    ref: account.userId,
    name: account.userPrincipalName,
    setting: "breakGlass",
    value: account.source,
  }));
  let missing = 0;
  for (const policy of enabledPolicies(ctx)) {
    if (!includesAllUsers(policy) || !hasControls(ctx, policy)) continue;
    for (const account of ctx.breakGlass) {
      if (userScope(policy, account.userId, ctx.dir).excludedBy) continue;
      missing++;
      evidence.push({
        ref: policy.id,
        name: policy.displayName ?? undefined,
        setting: "conditions.users.excludeUsers",
        value: policy.conditions.users?.excludeUsers ?? [],
        note: `does not exclude break-glass account ${account.userPrincipalName}`,
      });
    }
  }
  return makeCheck(
    BREAK_GLASS,
    missing > 0 ? "fail" : "pass",
    missing > 0
      ? `${missing} enforced all-users policy/account pair(s) do not exclude a break-glass account.`
      : `The ${ctx.breakGlass.length} break-glass account(s) are excluded from every enforced all-users policy.`,
    evidence,
    "Add the break-glass accounts (or a group holding only them) to excludeUsers of every enforced all-users policy.",
  );
}

export const UNEXPECTED: CheckMeta = {
  id: "exc.onlyBreakGlassExcluded",
  title: "Nobody but the break-glass accounts is excluded from enforced policies",
  area: "exclusions",
  scubaGear: [],
  maester: [],
};

export function onlyBreakGlassExcluded(ctx: PostureContext): PostureCheck {
  if (!ctx.policiesCollected) return notCollected(UNEXPECTED, CA_POLICIES);
  const evidence = enabledPolicies(ctx)
    .filter((policy) => hasControls(ctx, policy))
    .flatMap((policy) => exclusionGaps(ctx, policy).map((gap) => gapEvidence(policy, gap)));
  return makeCheck(
    UNEXPECTED,
    evidence.length > 0 ? "warning" : "pass",
    evidence.length > 0
      ? `${evidence.length} exclusion(s) in enforced policies go beyond the break-glass accounts.`
      : "Enforced policies exclude only the break-glass accounts.",
    evidence,
    "Remove each exclusion that has no documented reason, or replace it with a narrower policy for that population.",
  );
}

export const REPORT_ONLY: CheckMeta = {
  id: "exc.reportOnlyShouldEnforce",
  title: "Report-only policies that no enforced policy duplicates",
  area: "exclusions",
  scubaGear: [],
  maester: [],
};

/** A report-only policy protects nobody; it matters when no enforced policy has the same target and grant. */
export function reportOnlyShouldEnforce(ctx: PostureContext): PostureCheck {
  if (!ctx.policiesCollected) return notCollected(REPORT_ONLY, CA_POLICIES);
  const enforcedShapes = new Set(enabledPolicies(ctx).map((policy) => shape(ctx, policy)));
  const evidence: PolicyEvidence[] = reportOnlyPolicies(ctx)
    .filter((policy) => hasControls(ctx, policy) && !enforcedShapes.has(shape(ctx, policy)))
    .map((policy) => ({
      ref: policy.id,
      name: policy.displayName ?? undefined,
      setting: "state",
      value: policy.state,
      note: `${appTarget(policy).text} → ${grantFacts(policy, ctx.snapshot.authenticationStrengthPolicies).text}, enforced nowhere`,
    }));
  return makeCheck(
    REPORT_ONLY,
    evidence.length > 0 ? "warning" : "pass",
    evidence.length > 0
      ? `${evidence.length} report-only policy(ies) would protect users but are not enforced.`
      : "Every report-only policy is duplicated by an enforced one (or there are none).",
    evidence,
    "Review each policy's report-only results (sign-in logs → Report-only tab) and switch it to On when it would not block legitimate use; mfa-evict never does this itself.",
  );
}

function shape(ctx: PostureContext, policy: CaPolicy): string {
  return `${appTarget(policy).text}|${grantFacts(policy, ctx.snapshot.authenticationStrengthPolicies).text}`;
}

export const AFFECTED_EXCLUDED: CheckMeta = {
  id: "exc.affectedUsersExcluded",
  title: "No policy excludes the affected users or their groups",
  area: "exclusions",
  scubaGear: [],
  maester: [],
};

export function affectedUsersExcluded(ctx: PostureContext): PostureCheck {
  if (!ctx.policiesCollected) return notCollected(AFFECTED_EXCLUDED, CA_POLICIES);
  if (ctx.affectedUserIds.size === 0) {
    return makeCheck(
      AFFECTED_EXCLUDED,
      "notApplicable",
      "The case has no findings, so no user is affected.",
      [],
      "",
    );
  }
  const evidence: PolicyEvidence[] = [];
  for (const userId of ctx.affectedUserIds) {
    for (const policy of ctx.policies) {
      if (policy.state === "disabled" || !hasControls(ctx, policy)) continue;
      const scope = userScope(policy, userId, ctx.dir);
      if (!scope.excludedBy) continue;
      evidence.push({
        ref: policy.id,
        name: policy.displayName ?? undefined,
        setting: "conditions.users",
        value: scope.excludedBy,
        note: `${policy.state === "enabled" ? "excludes" : "(report-only) excludes"} affected user ${ctx.dir.label(userId)} by ${scope.excludedBy}`,
      });
    }
  }
  if (evidence.length === 0) {
    // An excluded group whose (nested) members are not in the case may still hold an affected user.
    const excludedGroups = ctx.policies.flatMap((p) =>
      p.state === "disabled" ? [] : (p.conditions.users?.excludeGroups ?? []),
    );
    const unknown = ctx.dir.unresolvedGroups(excludedGroups);
    if (unknown.length > 0) {
      return makeCheck(
        AFFECTED_EXCLUDED,
        "warning",
        `No affected user is excluded as far as the case shows, but the members of ${unknown.length} excluded group(s) are not in the case.`,
        unknown.map((g) => ({
          ref: g.groupId,
          name: g.name,
          setting: "groupMembers",
          value: null,
          note: `membership not collected${g.nestedIn ? ` (nested in excluded group ${g.nestedIn})` : ""}`,
        })),
        "Collect the members of these groups (they may hold affected users) and run posture again.",
      );
    }
  }
  // An enforced policy leaving an affected user out is a live gap; a report-only one is a warning.
  const enforcedGaps = evidence.filter((e) => e.note?.startsWith("excludes")).length;
  return makeCheck(
    AFFECTED_EXCLUDED,
    enforcedGaps > 0 ? "fail" : evidence.length > 0 ? "warning" : "pass",
    evidence.length > 0
      ? `${evidence.length} policy exclusion(s) leave affected users outside their protection (${enforcedGaps} in enforced policies).`
      : `None of the ${ctx.affectedUserIds.size} affected user(s) is excluded from a policy.`,
    evidence,
    "Take the affected users out of those exclusions (or out of the excluded groups) before re-enabling their accounts.",
  );
}
