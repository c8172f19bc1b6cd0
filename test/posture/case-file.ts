import type { Finding } from "../../src/detect/finding.js";
import { saveDetection } from "../../src/detect/persist.js";
import { openCase } from "../../src/store/index.js";
import type { CaseSnapshot } from "../../src/store/snapshot.js";

/** Writes a hand-built snapshot (and findings, as `detect` would store them) into a new case file. */
export function writeCase(path: string, snapshot: CaseSnapshot, findings: Finding[]): void {
  const store = openCase(path);
  try {
    const provenance = { source: "graph" as const, collectedAt: "2026-11-24T10:00:00Z", endpoint: "/test" };
    store.upsert("users", snapshot.users, provenance);
    store.upsert("groups", snapshot.groups, provenance);
    for (const [groupId, members] of snapshot.groupMembers)
      store.upsert("groupMembers", members, provenance, groupId);
    store.upsert("roleDefinitions", snapshot.roleDefinitions, provenance);
    store.upsert("roleAssignments", snapshot.roleAssignments, provenance);
    store.upsert("devices", snapshot.devices, provenance);
    store.upsert("conditionalAccessPolicies", snapshot.conditionalAccessPolicies, provenance);
    store.upsert("namedLocations", snapshot.namedLocations, provenance);
    store.upsert("authenticationStrengthPolicies", snapshot.authenticationStrengthPolicies, provenance);
    for (const kind of [
      "authenticationMethodsPolicy",
      "deviceRegistrationPolicy",
      "authorizationPolicy",
      "securityDefaults",
    ] as const) {
      const value = snapshot[kind];
      if (value) store.upsert(kind, [value], provenance);
    }
    saveDetection(store, {
      findings,
      gaps: [],
      notes: {
        responderEvents: 0,
        serviceEvents: 0,
        methodRegistrations: 0,
        deviceRegistrations: 0,
        expiredAllowlistEntries: [],
        invalidAllowlistEntries: [],
      },
    });
  } finally {
    store.close();
  }
}
