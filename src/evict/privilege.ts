import type { CaseSnapshot } from "../store/snapshot.js";

/**
 * Which directory roles a target holds, and which directory roles the responder app's service
 * principal needs to act on it. Graph only lets an app reset an administrator's password (and, in
 * the emulator and for delegated callers, change an administrator's methods) when the app itself
 * holds Privileged Authentication Administrator or Global Administrator; for other users a
 * password-capable role such as User Administrator suffices (graph-entra.md §2.3, §12).
 */

export const ROLE_TEMPLATES = {
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  privilegedAuthenticationAdministrator: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
  userAdministrator: "fe930be7-5e62-47db-91af-98c3a49a38b1",
  helpdeskAdministrator: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  passwordAdministrator: "966707d0-3269-4727-9be2-8c3a10f19b9d",
  authenticationAdministrator: "c4e39bd9-1100-46d3-8c65-fb160da0071f",
} as const;

const ROLE_NAMES: Record<string, string> = {
  [ROLE_TEMPLATES.globalAdministrator]: "Global Administrator",
  [ROLE_TEMPLATES.privilegedAuthenticationAdministrator]: "Privileged Authentication Administrator",
  [ROLE_TEMPLATES.userAdministrator]: "User Administrator",
  [ROLE_TEMPLATES.helpdeskAdministrator]: "Helpdesk Administrator",
  [ROLE_TEMPLATES.passwordAdministrator]: "Password Administrator",
  [ROLE_TEMPLATES.authenticationAdministrator]: "Authentication Administrator",
};

export function roleName(templateId: string, snapshot?: Pick<CaseSnapshot, "roleDefinitions">): string {
  const defined = snapshot?.roleDefinitions.find((d) => d.id === templateId || d.templateId === templateId);
  return defined?.displayName ?? ROLE_NAMES[templateId] ?? templateId;
}

/** A requirement on the app's own directory roles: it must hold at least one of `anyOf`. */
export interface RoleRequirement {
  anyOf: string[];
  /** Human-readable: which role to grant and why. */
  reason: string;
}

/** Role template ids the user holds directly or through a role-assignable group (active assignments only). */
export function rolesOfUser(
  snapshot: Pick<CaseSnapshot, "roleAssignments" | "groupMembers">,
  userId: string,
): string[] {
  const principals = new Set([userId]);
  for (const [groupId, members] of snapshot.groupMembers) {
    if (members.some((m) => m.id === userId)) principals.add(groupId);
  }
  const roles = new Set<string>();
  for (const assignment of snapshot.roleAssignments) {
    if (principals.has(assignment.principalId)) roles.add(assignment.roleDefinitionId);
  }
  return [...roles].sort();
}

/** The role the app needs to rotate this target's password and change its methods. */
export function requiredAppRole(targetRoles: readonly string[]): RoleRequirement {
  if (targetRoles.length > 0) {
    return {
      anyOf: [ROLE_TEMPLATES.privilegedAuthenticationAdministrator, ROLE_TEMPLATES.globalAdministrator],
      reason:
        "the target holds a directory role, so the app's service principal needs Privileged Authentication Administrator (or Global Administrator) to reset its password and change its methods",
    };
  }
  return {
    anyOf: [
      ROLE_TEMPLATES.userAdministrator,
      ROLE_TEMPLATES.helpdeskAdministrator,
      ROLE_TEMPLATES.passwordAdministrator,
      ROLE_TEMPLATES.privilegedAuthenticationAdministrator,
      ROLE_TEMPLATES.globalAdministrator,
    ],
    reason:
      "an app-only password reset needs a directory role on the app's service principal: at least User Administrator (or Helpdesk/Password Administrator)",
  };
}

export function satisfies(requirement: RoleRequirement, appRoles: readonly string[]): boolean {
  return requirement.anyOf.some((role) => appRoles.includes(role));
}
