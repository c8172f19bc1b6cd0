import type { DirectoryIndex } from "./directory.js";
import { ALL, type CaPolicy, type GuestsOrExternalUsers } from "./wire.js";

/** Whether a CA policy's user conditions reach one user, and by which include / exclude. */
export interface UserScope {
  /** In scope: included and not excluded. */
  applies: boolean;
  includedBy?: string;
  excludedBy?: string;
}

export function userScope(policy: CaPolicy, userId: string, dir: DirectoryIndex): UserScope {
  const includedBy = matchUsers(policy, userId, dir, "include");
  if (!includedBy) return { applies: false };
  const excludedBy = matchUsers(policy, userId, dir, "exclude");
  return excludedBy ? { applies: false, includedBy, excludedBy } : { applies: true, includedBy };
}

export function includesAllUsers(policy: CaPolicy): boolean {
  return (policy.conditions.users?.includeUsers ?? []).includes(ALL);
}

function matchUsers(
  policy: CaPolicy,
  userId: string,
  dir: DirectoryIndex,
  side: "include" | "exclude",
): string | undefined {
  const users = policy.conditions.users;
  if (!users) return undefined;
  const ids = (side === "include" ? users.includeUsers : users.excludeUsers) ?? [];
  const groups = (side === "include" ? users.includeGroups : users.excludeGroups) ?? [];
  const roles = (side === "include" ? users.includeRoles : users.excludeRoles) ?? [];
  const guests = side === "include" ? users.includeGuestsOrExternalUsers : users.excludeGuestsOrExternalUsers;
  const user = dir.usersById.get(userId);
  const isGuest = user?.userType === "Guest";

  if (ids.includes(userId)) return "user (by id)";
  if (side === "include" && ids.includes(ALL)) return "All users";
  if (isGuest && ids.includes("GuestsOrExternalUsers")) return "guests or external users";
  if (isGuest && coversGuests(guests)) return "guest or external user types";

  const memberOf = dir.groupsOf(userId);
  for (const groupId of groups) {
    if (!memberOf.has(groupId)) continue;
    const path = dir
      .membershipPath(userId, groupId)
      .slice(0, -1)
      .map((id) => dir.groupName(id));
    return `group ${dir.groupName(groupId)}${path.length > 0 ? ` (via ${path.join(" → ")})` : ""}`;
  }
  const holdings = dir.rolesOf(userId);
  for (const roleId of roles) {
    const holding = holdings.find((h) => h.templateId === roleId);
    if (!holding) continue;
    return `role ${holding.name}${holding.viaGroupId ? ` (via group ${dir.groupName(holding.viaGroupId)})` : ""}`;
  }
  return undefined;
}

/**
 * Approximation: the case does not record which kind of external user a guest is (B2B
 * collaboration, internal guest, …), so any guest type listed is taken to cover every guest.
 */
function coversGuests(guests: GuestsOrExternalUsers | null | undefined): boolean {
  const types = guests?.guestOrExternalUserTypes ?? "";
  return types.split(",").some((type) => type.trim() !== "" && type.trim() !== "none");
}
