import type { TenantDocument } from "../src/emulator/tenant/schema.js";
import type { DirectoryObjectRef } from "../src/graph/types.js";
import type { CaseSnapshot } from "../src/store/snapshot.js";

/**
 * The fast path of the evaluation: a CaseSnapshot built straight from the emulator's tenant
 * document, without serving it over Graph and collecting it. The records are already Graph-shaped;
 * what Graph would not return is dropped (the users' `profile`, which is the generator's ground for
 * behaviour, and the emulator-only session list), so detection sees no more than a collection would.
 */
export function snapshotFromTenant(doc: TenantDocument): CaseSnapshot {
  const userIds = new Set(doc.users.map((user) => user.id));
  const ref = (id: string): DirectoryObjectRef => ({
    "@odata.type": userIds.has(id) ? "#microsoft.graph.user" : "#microsoft.graph.group",
    id,
  });
  const methods = new Map<string, CaseSnapshot["methods"] extends ReadonlyMap<string, infer V> ? V : never>();
  for (const entry of doc.methods) {
    const list = methods.get(entry.userId) ?? [];
    list.push(entry.method);
    methods.set(entry.userId, list);
  }
  return {
    tenantId: doc.tenant.id,
    missing: new Set(),
    users: doc.users.map(({ profile: _profile, ...user }) => user),
    methods,
    registrationDetails: [],
    devices: doc.devices.map(({ ownerIds, userIds: deviceUsers, ...device }) => ({
      ...device,
      registeredOwners: ownerIds.map(ref),
      registeredUsers: deviceUsers.map(ref),
    })),
    groups: doc.groups.map(({ members: _members, ...group }) => group),
    groupMembers: new Map(doc.groups.map((group) => [group.id, group.members.map(ref)])),
    roleDefinitions: doc.roleDefinitions,
    roleAssignments: doc.roleAssignments,
    audits: doc.directoryAudits,
    signIns: doc.signIns,
    riskyUsers: doc.riskyUsers,
    riskDetections: doc.riskDetections,
    conditionalAccessPolicies: doc.conditionalAccessPolicies,
    namedLocations: doc.namedLocations,
    authenticationStrengthPolicies: doc.authenticationStrengthPolicies,
    authenticationMethodsPolicy: doc.authenticationMethodsPolicy,
    deviceRegistrationPolicy: doc.deviceRegistrationPolicy,
    authorizationPolicy: doc.authorizationPolicy,
    securityDefaults: doc.securityDefaults,
  };
}
