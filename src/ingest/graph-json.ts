import type { RecordKind } from "../store/index.js";
import { isObject, type JsonObject, type Mapped } from "./mapped.js";

/**
 * Records already in Graph's shape (Graph API responses, paged dumps, the portal's JSON download).
 * The `@odata.context` of the page names the collection when present; otherwise the record's own
 * fields tell sign-ins, audits and risk records apart.
 */

/** `$metadata#<collection>` → kind; a `users('<id>')/authentication/methods` context gives the scope. */
const CONTEXTS: [RegExp, RecordKind][] = [
  [/#auditLogs\/signIns\b/i, "signIns"],
  [/#auditLogs\/directoryAudits\b/i, "audits"],
  [/#identityProtection\/riskDetections\b/i, "riskDetections"],
  [/#identityProtection\/riskyUsers\b/i, "riskyUsers"],
  [/#riskDetections\b/i, "riskDetections"],
  [/#riskyUsers\b/i, "riskyUsers"],
  [/#reports\/authenticationMethods\/userRegistrationDetails\b/i, "registrationDetails"],
  [/#users\('[^']*'\)\/authentication\/\w*[mM]ethods\b/i, "methods"],
  [/#users\b(?!\()/i, "users"],
  [/#devices\b(?!\()/i, "devices"],
  [/#groups\b(?!\()/i, "groups"],
  [/#roleManagement\/directory\/roleDefinitions\b/i, "roleDefinitions"],
  [/#roleManagement\/directory\/roleAssignments\b/i, "roleAssignments"],
  [/#identity\/conditionalAccess\/policies\b/i, "conditionalAccessPolicies"],
  [/#identity\/conditionalAccess\/namedLocations\b/i, "namedLocations"],
  [/#policies\/authenticationStrengthPolicies\b/i, "authenticationStrengthPolicies"],
];

export function mapGraphRecord(value: JsonObject, context: string | undefined): Mapped {
  if (context) {
    for (const [pattern, kind] of CONTEXTS) {
      if (!pattern.test(context)) continue;
      if (kind === "methods") {
        const user = /#users\('([^']*)'\)/i.exec(context)?.[1];
        return user
          ? { kind, record: value, scope: decodeURIComponent(user) }
          : { reject: "methods without a user" };
      }
      return { kind, record: value };
    }
  }
  const kind = kindFromShape(value);
  if (kind) return { kind, record: value };
  return {
    skip: "not a recognisable sign-in, audit or risk record (no createdDateTime/activityDateTime/riskEventType)",
  };
}

function kindFromShape(r: JsonObject): RecordKind | undefined {
  if ("activityDisplayName" in r && ("activityDateTime" in r || "targetResources" in r)) return "audits";
  if ("riskEventType" in r && ("detectedDateTime" in r || "activityDateTime" in r)) return "riskDetections";
  if (
    "createdDateTime" in r &&
    ("userPrincipalName" in r || "userId" in r || "appId" in r) &&
    (isObject(r.status) || "ipAddress" in r || "appDisplayName" in r)
  ) {
    return "signIns";
  }
  if ("riskLevel" in r && "riskLastUpdatedDateTime" in r) return "riskyUsers";
  return undefined;
}
