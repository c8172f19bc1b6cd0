import { proposedPolicySchema } from "./proposal-schema.js";
import type { Proposal } from "./proposals.js";

/**
 * The safety rules every proposal must meet before it is written to disk and again before it is
 * sent to Graph: the CSDL shape, report-only state, and every break-glass account still excluded.
 * Returns the problems (empty when the proposal is safe).
 */
export function proposalProblems(
  proposal: Pick<Proposal, "action" | "policyId" | "basedOnUsersSha256" | "body">,
  breakGlassUserIds: readonly string[],
): string[] {
  const problems: string[] = [];
  const parsed = proposedPolicySchema.safeParse(proposal.body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join(".") || "body"}: ${issue.message}`);
    }
    return problems;
  }
  const excluded = new Set(parsed.data.conditions.users.excludeUsers);
  for (const id of breakGlassUserIds) {
    if (!excluded.has(id))
      problems.push(`conditions.users.excludeUsers: break-glass account ${id} is not excluded`);
  }
  if (proposal.action === "update" && !proposal.basedOnUsersSha256)
    problems.push("an update needs the fingerprint of the policy it was based on (basedOnUsersSha256)");
  if (proposal.action === "update" && !proposal.policyId)
    problems.push("an update needs the id of the policy it changes");
  if (proposal.action === "create" && proposal.policyId)
    problems.push("a create must not name an existing policy id");
  return problems;
}
