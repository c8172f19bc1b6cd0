import type { Finding } from "../detect/finding.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import { affectedAndPrivilegedCovered } from "./checks/coverage.js";
import { POLICY_CHECKS } from "./checks/index.js";
import { buildContext, type PostureContext, type PostureOptions } from "./context.js";
import { userCoverage } from "./coverage.js";
import type { CheckResult, PostureReport } from "./types.js";

/** Streams posture reads; any of them missing makes some checks "not applicable" rather than "pass". */
const POSTURE_STREAMS = ["policies", "users", "groups", "roles"] as const;

/**
 * The posture review of one case: every check, with evidence and fix, and per-user coverage of
 * the affected and privileged users. Pure: reads the snapshot and findings, writes nothing.
 */
export function reviewPosture(
  snapshot: CaseSnapshot,
  findings: readonly Finding[],
  options: PostureOptions = {},
): PostureReport {
  return reviewContext(buildContext(snapshot, findings, options));
}

function policyGroups(ctx: PostureContext): Set<string> {
  const ids = new Set<string>();
  for (const policy of ctx.policies) {
    const users = policy.conditions.users;
    for (const id of [...(users?.includeGroups ?? []), ...(users?.excludeGroups ?? [])]) ids.add(id);
  }
  return ids;
}

export function reviewContext(ctx: PostureContext): PostureReport {
  const coverage = ctx.policiesCollected ? userCoverage(ctx) : [];
  const checks = [...POLICY_CHECKS.map((check) => check(ctx)), affectedAndPrivilegedCovered(ctx, coverage)];
  const counts: Record<CheckResult, number> = { pass: 0, fail: 0, warning: 0, notApplicable: 0 };
  for (const check of checks) counts[check.result]++;
  return {
    generatedAt: ctx.now.toISOString(),
    tenantId: ctx.snapshot.tenantId,
    breakGlass: ctx.breakGlass,
    affectedUserIds: [...ctx.affectedUserIds],
    missingStreams: POSTURE_STREAMS.filter((stream) => ctx.snapshot.missing.has(stream)),
    unresolvedGroups: ctx.dir.unresolvedGroups(policyGroups(ctx)),
    checks,
    coverage,
    counts,
  };
}
