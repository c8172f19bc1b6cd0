import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  describeNeed,
  hasPermission,
  type PermissionNeed,
  READ_PERMISSIONS,
} from "../../src/graph/permissions.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const permissionsFile = path.resolve(repoRoot, "../shared/reference/graph-metadata/permissions.json");
const sharedPresent = existsSync(permissionsFile);

/** The endpoints each need stands for (lower-cased paths as permissions.json writes them). */
const ENDPOINTS: Record<PermissionNeed, string[]> = {
  users: ["/users"],
  auditLogs: ["/auditlogs/signins", "/reports/authenticationmethods/userregistrationdetails"],
  directoryAudits: ["/auditlogs/directoryaudits"],
  methods: ["/users/{id}/authentication/methods"],
  devices: ["/devices", "/devices/{id}/registeredowners"],
  groups: ["/groups/{id}/members"],
  roles: ["/rolemanagement/directory/roleassignments"],
  riskyUsers: ["/identityprotection/riskyusers"],
  riskDetections: ["/identityprotection/riskdetections"],
  conditionalAccess: ["/identity/conditionalaccess/policies", "/identity/conditionalaccess/namedlocations"],
  authenticationMethodsPolicy: [
    "/policies/authenticationmethodspolicy",
    "/policies/authenticationstrengthpolicies",
  ],
  deviceRegistrationPolicy: ["/policies/deviceregistrationpolicy"],
  authorizationPolicy: ["/policies/authorizationpolicy"],
  securityDefaults: ["/policies/identitysecuritydefaultsenforcementpolicy"],
};

describe("read permissions", () => {
  it("match case-insensitively and describe alternatives", () => {
    expect(hasPermission(["user.read.all"], "users")).toBe(true);
    expect(hasPermission(["User.ReadBasic.All"], "users")).toBe(false);
    expect(describeNeed("auditLogs")).toBe("AuditLog.Read.All");
    expect(describeNeed("deviceRegistrationPolicy")).toBe(
      "Policy.Read.DeviceConfiguration (or Policy.ReadWrite.DeviceConfiguration)",
    );
  });

  it.skipIf(!sharedPresent)(
    `every permission listed is one Graph accepts for GET on the endpoints (${sharedPresent ? "checked against ../shared permissions.json" : "NOT RUN: ../shared is absent"})`,
    () => {
      const { permissions } = JSON.parse(readFileSync(permissionsFile, "utf8")) as {
        permissions: Record<
          string,
          { pathSets?: { schemeKeys?: string[]; methods?: string[]; paths?: Record<string, unknown> }[] }
        >;
      };
      const accepted = new Map<string, Set<string>>();
      for (const [name, permission] of Object.entries(permissions)) {
        for (const set of permission.pathSets ?? []) {
          if (!set.schemeKeys?.includes("Application") || !set.methods?.includes("GET")) continue;
          for (const endpoint of Object.keys(set.paths ?? {})) {
            const key = endpoint.toLowerCase();
            if (!accepted.has(key)) accepted.set(key, new Set());
            accepted.get(key)!.add(name);
          }
        }
      }
      for (const [need, endpoints] of Object.entries(ENDPOINTS) as [PermissionNeed, string[]][]) {
        for (const endpoint of endpoints) {
          const graphAccepts = accepted.get(endpoint) ?? new Set();
          for (const permission of READ_PERMISSIONS[need]) {
            expect(graphAccepts.has(permission), `${permission} for GET ${endpoint}`).toBe(true);
          }
        }
      }
    },
  );
});
