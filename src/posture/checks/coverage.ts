import type { PostureContext } from "../context.js";
import type { PolicyEvidence, PostureCheck, UserCoverage } from "../types.js";
import { type CheckMeta, makeCheck, notCollected } from "./requirement.js";

export const COVERAGE: CheckMeta = {
  id: "cov.affectedAndPrivilegedCovered",
  title: "Every affected and privileged user is covered by MFA and registration policies",
  area: "coverage",
  scubaGear: [],
  maester: [],
};

/** Summarises per-user coverage; break-glass accounts are left out because their gaps are intended. */
export function affectedAndPrivilegedCovered(ctx: PostureContext, coverage: UserCoverage[]): PostureCheck {
  if (!ctx.policiesCollected) return notCollected(COVERAGE, "Conditional Access policy data");
  const considered = coverage.filter((user) => !user.why.includes("breakGlass"));
  if (considered.length === 0) {
    return makeCheck(
      COVERAGE,
      "notApplicable",
      "The case has no affected or privileged users to check.",
      [],
      "",
    );
  }
  const evidence: PolicyEvidence[] = considered
    .filter((user) => user.gaps.length > 0)
    .map((user) => ({
      ref: user.userId,
      name: user.userPrincipalName,
      setting: "gaps",
      value: user.gaps,
      note: user.why.join(", "),
    }));
  const affectedWithGaps = considered.filter((u) => u.why.includes("affected") && u.gaps.length > 0).length;
  const result = evidence.length === 0 ? "pass" : "fail";
  return makeCheck(
    COVERAGE,
    result,
    result === "pass"
      ? `All ${considered.length} affected or privileged user(s) are fully covered.`
      : `${evidence.length} of ${considered.length} affected or privileged user(s) have coverage gaps (${affectedWithGaps} affected).`,
    evidence,
    "Close each named gap: see the per-user coverage section and the proposed policies (posture --propose).",
  );
}
