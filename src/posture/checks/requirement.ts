import type { PostureContext } from "../context.js";
import { grantFacts } from "../policy-facts.js";
import { includesAllUsers } from "../scope.js";
import type { CheckArea, CheckResult, PolicyEvidence, PostureCheck } from "../types.js";
import type { CaPolicy } from "../wire.js";

/** Shared machinery of the checks: "is there an enforced policy of this shape, and what is off?" */

export interface CheckMeta {
  id: string;
  title: string;
  area: CheckArea;
  scubaGear: string[];
  maester: string[];
}

/** Something about a policy that keeps it from meeting the requirement. */
export interface Gap {
  setting: string;
  value: unknown;
  note: string;
  /** A hard gap means the requirement is not met; a soft one narrows it (warning). */
  hard: boolean;
}

export interface RequirementSpec {
  /** The policy is about this requirement (its shape), whatever its state or exclusions. */
  relates(policy: CaPolicy): boolean;
  /** Gaps specific to the requirement (grant, apps, conditions). */
  gaps(policy: CaPolicy): Gap[];
  /** Whether the policy must include All users (default true). */
  allUsers?: boolean;
}

export interface RequirementOutcome {
  result: Exclude<CheckResult, "notApplicable">;
  satisfiedBy?: CaPolicy;
  best?: CaPolicy;
  evidence: PolicyEvidence[];
}

export function evaluateRequirement(ctx: PostureContext, spec: RequirementSpec): RequirementOutcome {
  const related = ctx.policies.filter((policy) => spec.relates(policy));
  const scored = related.map((policy) => ({ policy, gaps: allGaps(ctx, policy, spec) }));
  const complete = scored.find((entry) => entry.gaps.length === 0);
  if (complete) {
    return { result: "pass", satisfiedBy: complete.policy, evidence: describePolicy(ctx, complete.policy) };
  }
  const softOnly = scored.find((entry) => entry.gaps.every((gap) => !gap.hard));
  const evidence = scored.flatMap(({ policy, gaps }) => gaps.map((gap) => gapEvidence(policy, gap)));
  if (softOnly) return { result: "warning", best: softOnly.policy, evidence };
  return { result: "fail", evidence };
}

function allGaps(ctx: PostureContext, policy: CaPolicy, spec: RequirementSpec): Gap[] {
  const gaps: Gap[] = [];
  if (policy.state !== "enabled") {
    gaps.push({ setting: "state", value: policy.state, note: "the policy is not enforced", hard: true });
  }
  if ((spec.allUsers ?? true) && !includesAllUsers(policy)) {
    gaps.push({
      setting: "conditions.users.includeUsers",
      value: policy.conditions.users?.includeUsers ?? [],
      note: "does not include All users",
      hard: true,
    });
  }
  gaps.push(...spec.gaps(policy), ...exclusionGaps(ctx, policy));
  return gaps;
}

/** Exclusions other than the break-glass accounts: everyone they name goes unprotected. */
export function exclusionGaps(ctx: PostureContext, policy: CaPolicy): Gap[] {
  const users = policy.conditions.users;
  if (!users) return [];
  const gaps: Gap[] = [];
  for (const userId of users.excludeUsers ?? []) {
    if (ctx.breakGlassIds.has(userId)) continue;
    gaps.push({
      setting: "conditions.users.excludeUsers",
      value: userId,
      note: `excludes ${ctx.dir.label(userId)}, who is not a break-glass account`,
      hard: false,
    });
  }
  for (const groupId of users.excludeGroups ?? []) {
    const members = ctx.dir.transitiveUserMembers(groupId);
    const others = members.filter((id) => !ctx.breakGlassIds.has(id));
    if (members.length > 0 && others.length === 0) continue;
    gaps.push({
      setting: "conditions.users.excludeGroups",
      value: groupId,
      note:
        members.length === 0
          ? `excludes group ${ctx.dir.groupName(groupId)}, whose members are not in the case`
          : `excludes group ${ctx.dir.groupName(groupId)}: ${sample(others.map((id) => ctx.dir.label(id)))}`,
      hard: false,
    });
  }
  for (const roleId of users.excludeRoles ?? []) {
    gaps.push({
      setting: "conditions.users.excludeRoles",
      value: roleId,
      note: `excludes every holder of role ${ctx.dir.roleName(roleId)}`,
      hard: false,
    });
  }
  const guests = users.excludeGuestsOrExternalUsers?.guestOrExternalUserTypes;
  if (guests && guests !== "none") {
    gaps.push({
      setting: "conditions.users.excludeGuestsOrExternalUsers.guestOrExternalUserTypes",
      value: guests,
      note: "excludes guest and external users",
      hard: false,
    });
  }
  return gaps;
}

/** At most five names, then a count: a group of 50,000 must not become a 50,000-name note. */
export function sample(names: string[], max = 5): string {
  return names.length <= max
    ? names.join(", ")
    : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

export function gapEvidence(policy: CaPolicy, gap: Gap): PolicyEvidence {
  return {
    ref: policy.id,
    name: policy.displayName ?? undefined,
    setting: gap.setting,
    value: gap.value,
    note: gap.note,
  };
}

export function describePolicy(ctx: PostureContext, policy: CaPolicy): PolicyEvidence[] {
  const name = policy.displayName ?? undefined;
  const c = policy.conditions;
  const out: PolicyEvidence[] = [
    { ref: policy.id, name, setting: "state", value: policy.state },
    { ref: policy.id, name, setting: "conditions.users.includeUsers", value: c.users?.includeUsers ?? [] },
  ];
  if ((c.users?.includeRoles ?? []).length > 0) {
    out.push({
      ref: policy.id,
      name,
      setting: "conditions.users.includeRoles",
      value: c.users!.includeRoles,
    });
  }
  const actions = c.applications?.includeUserActions ?? [];
  if (actions.length > 0) {
    out.push({ ref: policy.id, name, setting: "conditions.applications.includeUserActions", value: actions });
  } else {
    out.push({
      ref: policy.id,
      name,
      setting: "conditions.applications.includeApplications",
      value: c.applications?.includeApplications ?? [],
    });
  }
  out.push({
    ref: policy.id,
    name,
    setting: "grantControls",
    value: grantFacts(policy, ctx.snapshot.authenticationStrengthPolicies).text,
  });
  return out;
}

export function makeCheck(
  meta: CheckMeta,
  result: CheckResult,
  summary: string,
  evidence: PolicyEvidence[],
  fix: string,
): PostureCheck {
  return {
    ...meta,
    result,
    summary,
    evidence,
    fix: result === "pass" || result === "notApplicable" ? "" : fix,
  };
}

export function notCollected(meta: CheckMeta, what: string): PostureCheck {
  return makeCheck(meta, "notApplicable", `${what} is not in the case, so this was not checked.`, [], "");
}

export const policyLabel = (policy: CaPolicy | undefined): string =>
  policy ? `"${policy.displayName ?? policy.id}"` : "a policy";
