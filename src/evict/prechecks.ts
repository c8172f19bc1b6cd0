import type { User } from "../graph/types.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import type { EvictionPlan, PlanStep, PreCheck, TapBounds } from "./plan.js";
import { requiredAppRole, roleName, satisfies } from "./privilege.js";
import { tapTargetsUser } from "./tap-policy.js";

/**
 * The plan's pre-checks for one user: the app's permissions for every planned write, the directory
 * role the app needs for this target (an administrator needs a privileged one — named), the
 * break-glass list, whether the TAP policy lets the user use the pass, and the inventory snapshot.
 * A failed permission, role or break-glass check refuses the user (no writes); the TAP check only
 * adds a manual step.
 */

export interface PreCheckInput {
  snapshot: CaseSnapshot;
  app: EvictionPlan["app"];
  user: User;
  steps: readonly PlanStep[];
  /** Role template ids the target holds. */
  roles: readonly string[];
  privilegedRoles: readonly { id: string; name: string }[];
  breakGlass: boolean;
  includeBreakGlass: boolean;
  tap: TapBounds;
  inventory: { known: boolean; methods: number; devices: number };
}

export function preChecksFor(input: PreCheckInput): {
  preChecks: PreCheck[];
  refusals: string[];
  manual: string[];
} {
  const {
    snapshot,
    app,
    user,
    steps,
    roles,
    privilegedRoles,
    breakGlass,
    includeBreakGlass,
    tap,
    inventory,
  } = input;
  const preChecks: PreCheck[] = [];
  const refusals: string[] = [];
  const manual: string[] = [];
  const missingPermissions = steps
    .filter((s) => s.permissions.length > 0 && app && !s.permissions.some((p) => app.permissions.includes(p)))
    .map((s) => `${s.kind} needs one of ${s.permissions.join(", ")}`);
  preChecks.push({
    id: "appPermissions",
    description: "The app holds a permission Graph accepts for every write",
    result: !app ? "unknown" : missingPermissions.length === 0 ? "pass" : "fail",
    detail: !app
      ? "not checked (no Graph access when planning); checked again by apply"
      : missingPermissions.join("; ") || "ok",
  });
  for (const missing of app ? missingPermissions : [])
    refusals.push(`the app lacks a permission: ${missing}`);

  const roleRequirement = requiredAppRole(roles);
  const roleOk = app?.directoryRoles ? satisfies(roleRequirement, app.directoryRoles) : undefined;
  const roleNames = roleRequirement.anyOf.map((r) => roleName(r, snapshot)).join(" or ");
  preChecks.push({
    id: "appDirectoryRole",
    description: `The app's service principal holds ${roleNames}`,
    result: roleOk === undefined ? "unknown" : roleOk ? "pass" : "fail",
    detail: roleRequirement.reason,
  });
  if (roleOk === false) {
    refusals.push(
      `the app's service principal needs the directory role ${roleNames}: ${roleRequirement.reason}${
        privilegedRoles.length ? ` (target holds ${privilegedRoles.map((r) => r.name).join(", ")})` : ""
      }`,
    );
  }

  preChecks.push({
    id: "breakGlass",
    description: "The user is not a listed break-glass account",
    result: breakGlass ? "fail" : "pass",
    detail: breakGlass
      ? includeBreakGlass
        ? "break-glass account, included on purpose (--include-break-glass)"
        : "break-glass account: refused unless --include-break-glass"
      : "not listed",
  });
  if (breakGlass && !includeBreakGlass) {
    refusals.push("break-glass account: refused unless --include-break-glass");
  }

  if (steps.some((s) => s.kind === "issueTap")) {
    const targeted = tapTargetsUser(
      snapshot.authenticationMethodsPolicy,
      user.id,
      groupsOf(snapshot, user.id),
    );
    const usable = tap.policyState === "enabled" && targeted !== false;
    preChecks.push({
      id: "tapPolicy",
      description: "The Temporary Access Pass policy lets this user sign in with the pass",
      result: tap.policyState === "unknown" ? "unknown" : usable ? "pass" : "fail",
      detail:
        tap.policyState === "unknown"
          ? "the case has no authentication methods policy"
          : usable
            ? `enabled; lifetime ${tap.minimumLifetimeInMinutes}–${tap.maximumLifetimeInMinutes} min`
            : "the TAP method is disabled for this user: the pass can be created but not used",
    });
    if (tap.policyState !== "unknown" && !usable) {
      manual.push(
        `Enable the Temporary Access Pass method for ${user.userPrincipalName} (authentication methods policy) so the issued pass can be used.`,
      );
    }
  }
  preChecks.push({
    id: "inventory",
    description: "Snapshot of the user's methods and targeted devices",
    result: inventory.known ? "pass" : "unknown",
    detail: `${inventory.methods} method(s), ${inventory.devices} targeted device(s)`,
  });

  return { preChecks, refusals, manual };
}

function groupsOf(snapshot: CaseSnapshot, userId: string): Set<string> {
  const groups = new Set<string>();
  for (const [groupId, members] of snapshot.groupMembers) {
    if (members.some((m) => m.id === userId)) groups.add(groupId);
  }
  return groups;
}
