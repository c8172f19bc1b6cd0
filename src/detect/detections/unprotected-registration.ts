import type { ConditionalAccessPolicy } from "../../graph/types.js";
import type { DetectContext } from "../context.js";
import type { Detection, DraftFinding } from "../detection.js";
import {
  allRegistrations,
  describeRegistration,
  registrationEvidence,
  registrationObject,
} from "../detection.js";
import type { Registration } from "../registrations.js";
import { toMs } from "../time.js";

const REGISTER_SECURITY_INFO = "urn:user:registersecurityinfo";
const REGISTER_DEVICE = "urn:user:registerdevice";
const PROTECTING_CONTROLS = new Set(["mfa", "block", "compliantDevice", "domainJoinedDevice"]);

/**
 * 12. A registration while no enabled Conditional Access policy protected the "register security
 * information" / "register or join devices" user action for that user. Reported only for
 * registrations that already look out of place (unfamiliar address, done by someone else, or on a
 * privileged account) — on its own it is posture, which `posture` reviews tenant-wide.
 */
export const unprotectedRegistration: Detection = {
  id: "unprotected-registration",
  title: "Registered while no Conditional Access policy protected registration",
  technique: "T1556.006",
  defaultSeverity: "low",
  requires: [["policies"], ["audits", "methods", "devices"]],
  uses: [
    { stream: "groups", check: "group-scoped Conditional Access policies" },
    { stream: "roles", check: "role-scoped Conditional Access policies" },
  ],
  run(context) {
    const groupsOf = userGroups(context);
    const rolesOf = new Map<string, Set<string>>();
    const templateOf = new Map(context.snapshot.roleDefinitions.map((d) => [d.id, d.templateId ?? d.id]));
    for (const assignment of context.snapshot.roleAssignments) {
      const set = rolesOf.get(assignment.principalId) ?? new Set<string>();
      set.add(templateOf.get(assignment.roleDefinitionId) ?? assignment.roleDefinitionId);
      rolesOf.set(assignment.principalId, set);
    }
    const out: DraftFinding[] = [];
    for (const registration of allRegistrations(context)) {
      const { userId, time } = registration;
      const privileged = context.privileged.has(userId);
      const unfamiliar = context.unfamiliarIp(userId, registration.ip, time) === true;
      if (!privileged && !unfamiliar && !registration.byOther) continue;
      const action = registration.kind === "method" ? REGISTER_SECURITY_INFO : REGISTER_DEVICE;
      const protecting = context.snapshot.conditionalAccessPolicies.find((policy) =>
        protects(policy, action, registration, groupsOf.get(userId), rolesOf.get(userId), context),
      );
      if (protecting) continue;
      const { object, actions } = registrationObject(context, registration);
      const what =
        registration.kind === "method" ? "register security information" : "register or join devices";
      out.push({
        userId,
        object,
        anchor: registration.key,
        severity: "informational",
        score: 25,
        explanation: `${describeRegistration(registration)} while no enabled Conditional Access policy required MFA for "${what}" for this user.`,
        evidence: registrationEvidence(context, registration),
        recommendedActions: actions.includes("review") ? actions : ["review"],
        ip: registration.ip,
        initiator: registration.initiator,
        locationSuppressible: true,
      });
    }
    return out;
  },
};

function protects(
  policy: ConditionalAccessPolicy,
  action: string,
  registration: Registration,
  groups: Set<string> | undefined,
  roles: Set<string> | undefined,
  context: DetectContext,
): boolean {
  if (policy.state !== "enabled") return false;
  if (!policy.conditions.applications?.includeUserActions?.includes(action)) return false;
  const created = toMs(policy.createdDateTime);
  if (created !== undefined && created > registration.time) return false;
  const grant = policy.grantControls;
  if (!grant?.authenticationStrength && !grant?.builtInControls?.some((c) => PROTECTING_CONTROLS.has(c)))
    return false;
  const users = policy.conditions.users;
  const userId = registration.userId;
  const included =
    users?.includeUsers?.includes("All") ||
    users?.includeUsers?.includes(userId) ||
    users?.includeGroups?.some((g) => groups?.has(g)) ||
    users?.includeRoles?.some((r) => roles?.has(r));
  const excluded =
    users?.excludeUsers?.includes(userId) ||
    users?.excludeGroups?.some((g) => groups?.has(g)) ||
    users?.excludeRoles?.some((r) => roles?.has(r));
  if (!included || excluded) return false;
  // A policy that skips trusted locations does not protect a registration made from one.
  const trustedExcluded = policy.conditions.locations?.excludeLocations?.includes("AllTrusted");
  return !(trustedExcluded && context.trustedLocation(registration.ip));
}

/** userId → every group it is in, directly or through nested groups. */
function userGroups(context: DetectContext): Map<string, Set<string>> {
  const parents = new Map<string, string[]>();
  for (const [groupId, members] of context.snapshot.groupMembers) {
    for (const member of members) {
      const list = parents.get(member.id) ?? [];
      list.push(groupId);
      parents.set(member.id, list);
    }
  }
  const out = new Map<string, Set<string>>();
  for (const user of context.snapshot.users) {
    const direct = parents.get(user.id);
    if (!direct) continue;
    const seen = new Set<string>();
    const stack = [...direct];
    while (stack.length) {
      const groupId = stack.pop()!;
      if (seen.has(groupId)) continue;
      seen.add(groupId);
      stack.push(...(parents.get(groupId) ?? []));
    }
    out.set(user.id, seen);
  }
  return out;
}
