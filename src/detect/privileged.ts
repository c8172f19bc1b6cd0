import type { DirectoryObjectRef } from "../graph/types.js";
import type { CaseSnapshot } from "../store/snapshot.js";

/**
 * Which accounts are privileged, and why. Tier 0 = the roles that can take over the tenant or its
 * authentication (CM0071 and ScubaGear's highly-privileged list); other admin roles, accounts
 * excluded from Conditional Access and break-glass accounts are privileged too. Role assignments to
 * groups count for the group's members.
 */

export const TIER0_ROLES: Readonly<Record<string, string>> = {
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
  "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
  "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "Conditional Access Administrator",
  "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
  "f28a1f50-f6e7-4571-818b-6a12f2af6b6c": "SharePoint Administrator",
  "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2": "Hybrid Identity Administrator",
};

export const PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  "c4e39bd9-1100-46d3-8c65-fb160da0071f": "Authentication Administrator",
  "0526716b-113d-4c15-b2c8-68e3c22b9f80": "Authentication Policy Administrator",
  "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
  "7698a772-787b-4ac8-901f-60d6b08affd2": "Cloud Device Administrator",
  "729827e3-9c14-49f7-bb1b-9608f156bbb8": "Helpdesk Administrator",
  "966707d0-3269-4727-9be2-8c3a10f19b9d": "Password Administrator",
  "3a2c62db-5318-420d-8d74-23affee5d9d5": "Intune Administrator",
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
  "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
};

export interface PrivilegeInfo {
  tier0: boolean;
  reasons: string[];
}

const BREAK_GLASS = /break.?glass|emergency.?access/i;

export function privilegedUsers(snapshot: CaseSnapshot): Map<string, PrivilegeInfo> {
  const out = new Map<string, PrivilegeInfo>();
  const mark = (userId: string, tier0: boolean, reason: string) => {
    const info = out.get(userId) ?? { tier0: false, reasons: [] };
    info.tier0 ||= tier0;
    if (!info.reasons.includes(reason)) info.reasons.push(reason);
    out.set(userId, info);
  };
  const templateOf = new Map<string, string>();
  for (const definition of snapshot.roleDefinitions) {
    templateOf.set(definition.id, definition.templateId ?? definition.id);
  }
  const userIds = new Set(snapshot.users.map((user) => user.id));
  for (const assignment of snapshot.roleAssignments) {
    const template = templateOf.get(assignment.roleDefinitionId) ?? assignment.roleDefinitionId;
    const tier0Name = TIER0_ROLES[template];
    const name = tier0Name ?? PRIVILEGED_ROLES[template];
    if (!name) continue;
    for (const userId of expandPrincipal(snapshot, assignment.principalId, userIds))
      mark(userId, !!tier0Name, name);
  }
  for (const policy of snapshot.conditionalAccessPolicies) {
    if (policy.state !== "enabled") continue;
    const users = policy.conditions.users;
    for (const userId of users?.excludeUsers ?? []) {
      if (userIds.has(userId))
        mark(userId, false, `excluded from CA policy "${policy.displayName ?? policy.id}"`);
    }
    for (const groupId of users?.excludeGroups ?? []) {
      for (const userId of expandPrincipal(snapshot, groupId, userIds)) {
        mark(userId, false, `excluded from CA policy "${policy.displayName ?? policy.id}"`);
      }
    }
  }
  for (const user of snapshot.users) {
    if (BREAK_GLASS.test(user.userPrincipalName) || BREAK_GLASS.test(user.displayName ?? "")) {
      mark(user.id, true, "break-glass account");
    }
  }
  for (const details of snapshot.registrationDetails) {
    if (details.isAdmin && !out.has(details.id)) mark(details.id, false, "admin per registration report");
  }
  return out;
}

/** Users behind a principal id: the user itself, or a group's members (nested groups included). */
function expandPrincipal(
  snapshot: CaseSnapshot,
  principalId: string,
  userIds: ReadonlySet<string>,
): string[] {
  if (userIds.has(principalId)) return [principalId];
  const out: string[] = [];
  const seen = new Set<string>();
  const stack = [principalId];
  while (stack.length) {
    const groupId = stack.pop()!;
    if (seen.has(groupId)) continue;
    seen.add(groupId);
    for (const member of snapshot.groupMembers.get(groupId) ?? ([] as DirectoryObjectRef[])) {
      if (member["@odata.type"].toLowerCase().endsWith("group")) stack.push(member.id);
      else if (userIds.has(member.id)) out.push(member.id);
    }
  }
  return out;
}
