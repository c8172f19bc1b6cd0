import type { DirectoryObjectRef } from "../graph/types.js";
import { KIND_INFO, RECORD_KINDS, type RecordKind, type RecordTypeMap } from "./kinds.js";
import { type CaseSnapshot, STREAMS, type Stream } from "./snapshot.js";
import type { CaseStore, SnapshotOptions } from "./types.js";

/**
 * Reads the whole case into the in-memory `CaseSnapshot`. Scoped kinds are folded into their
 * parents (methods per user, owners/users onto devices, members per group); a stream none of whose
 * kinds was ever collected or imported is listed as missing.
 */
export function buildSnapshot(
  store: CaseStore,
  covered: ReadonlySet<RecordKind>,
  options: SnapshotOptions,
): CaseSnapshot {
  const all = <K extends RecordKind>(kind: K): RecordTypeMap[K][] => {
    if (KIND_INFO[kind].lifecycle === "log") {
      if (options.withoutLogs) return [];
      return [...store.iterate(kind, options.logsSince ? { since: options.logsSince } : {})].map(
        (r) => r.record,
      );
    }
    return [...store.iterate(kind)].map((r) => r.record);
  };
  const byScope = <K extends RecordKind>(kind: K): Map<string, RecordTypeMap[K][]> => {
    const map = new Map<string, RecordTypeMap[K][]>();
    for (const { scope, record } of store.iterate(kind)) {
      if (scope === null) continue;
      const list = map.get(scope);
      if (list) list.push(record);
      else map.set(scope, [record]);
    }
    return map;
  };
  const single = <K extends RecordKind>(kind: K): RecordTypeMap[K] | undefined =>
    store.get(kind, kind)?.record;

  const owners = byScope("deviceOwners");
  const deviceUsers = byScope("deviceUsers");
  const devices = all("devices").map((device) => {
    const withRefs = { ...device };
    const o: DirectoryObjectRef[] | undefined = owners.get(device.id);
    const u: DirectoryObjectRef[] | undefined = deviceUsers.get(device.id);
    if (o) withRefs.registeredOwners = o;
    if (u) withRefs.registeredUsers = u;
    return withRefs;
  });

  const present = new Set<Stream>();
  for (const kind of RECORD_KINDS) if (covered.has(kind)) present.add(KIND_INFO[kind].stream);
  const tenantId = store.getMeta("tenantId");
  const snapshot: CaseSnapshot = {
    missing: new Set(STREAMS.filter((stream) => !present.has(stream))),
    users: all("users"),
    methods: byScope("methods"),
    registrationDetails: all("registrationDetails"),
    devices,
    groups: all("groups"),
    groupMembers: byScope("groupMembers"),
    roleDefinitions: all("roleDefinitions"),
    roleAssignments: all("roleAssignments"),
    audits: all("audits"),
    signIns: all("signIns"),
    riskyUsers: all("riskyUsers"),
    riskDetections: all("riskDetections"),
    conditionalAccessPolicies: all("conditionalAccessPolicies"),
    namedLocations: all("namedLocations"),
    authenticationStrengthPolicies: all("authenticationStrengthPolicies"),
  };
  if (tenantId !== undefined) snapshot.tenantId = tenantId;
  const amp = single("authenticationMethodsPolicy");
  if (amp) snapshot.authenticationMethodsPolicy = amp;
  const drp = single("deviceRegistrationPolicy");
  if (drp) snapshot.deviceRegistrationPolicy = drp;
  const ap = single("authorizationPolicy");
  if (ap) snapshot.authorizationPolicy = ap;
  const sd = single("securityDefaults");
  if (sd) snapshot.securityDefaults = sd;
  return snapshot;
}
