import { describeNeed, hasPermission, type PermissionNeed } from "../graph/index.js";
import type { PartOutcome } from "./context.js";
import type { CollectStream } from "./streams.js";

/** Each stream's parts and the permission each part needs. */
export const STREAM_PARTS: Readonly<
  Record<CollectStream, readonly { part: string; need: PermissionNeed }[]>
> = {
  users: [
    { part: "users", need: "users" },
    { part: "signInActivity", need: "auditLogs" },
  ],
  methods: [
    { part: "methods", need: "methods" },
    { part: "registrationDetails", need: "auditLogs" },
  ],
  devices: [{ part: "devices", need: "devices" }],
  roles: [
    { part: "roles", need: "roles" },
    { part: "groups", need: "groups" },
  ],
  policies: [
    { part: "conditionalAccess", need: "conditionalAccess" },
    { part: "authenticationMethodsPolicy", need: "authenticationMethodsPolicy" },
    { part: "deviceRegistrationPolicy", need: "deviceRegistrationPolicy" },
    { part: "authorizationPolicy", need: "authorizationPolicy" },
    { part: "securityDefaults", need: "securityDefaults" },
  ],
  risk: [
    { part: "riskyUsers", need: "riskyUsers" },
    { part: "riskDetections", need: "riskDetections" },
  ],
  audits: [{ part: "audits", need: "directoryAudits" }],
  signins: [{ part: "signins", need: "auditLogs" }],
};

export interface PreflightResult {
  /** Parts the token may read. */
  allowed: { stream: CollectStream; part: string }[];
  /** Parts it may not, with the exact permission missing. */
  missing: { stream: CollectStream; part: string; needs: string }[];
}

/** Reads the token's roles against what each requested stream needs; nothing is sent to Graph. */
export function preflight(streams: readonly CollectStream[], granted: readonly string[]): PreflightResult {
  const result: PreflightResult = { allowed: [], missing: [] };
  for (const stream of streams) {
    for (const { part, need } of STREAM_PARTS[stream]) {
      if (hasPermission(granted, need)) result.allowed.push({ stream, part });
      else result.missing.push({ stream, part, needs: describeNeed(need) });
    }
  }
  return result;
}

/** A "skipped" outcome when the token lacks the part's permission, else undefined (go ahead). */
export function permissionGate(
  granted: readonly string[],
  stream: CollectStream,
  part: string,
): PartOutcome | undefined {
  const spec = STREAM_PARTS[stream].find((entry) => entry.part === part);
  if (!spec || hasPermission(granted, spec.need)) return undefined;
  return { stream, part, status: "skipped", records: 0, reason: `the app lacks ${describeNeed(spec.need)}` };
}
