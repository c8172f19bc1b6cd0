/**
 * Which application permissions (the token's `roles`) let the app read each Graph endpoint that
 * collection uses — any one of a list suffices. Taken from Graph's permissions metadata
 * (graph-entra.md §12; microsoft-graph-devx-content permissions.json, which lists no ReadWrite
 * permission for reading risky users or risk detections), full-profile reads only:
 * `User.ReadBasic.All` does not return `accountEnabled`, `signInActivity` and the other properties
 * detection needs, so it does not count.
 */
export const READ_PERMISSIONS = {
  users: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  /** `signInActivity` on users, audit logs, sign-ins and the registration report. */
  auditLogs: ["AuditLog.Read.All"],
  directoryAudits: ["AuditLog.Read.All", "Directory.Read.All"],
  methods: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
  devices: ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  groups: ["GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All"],
  roles: [
    "RoleManagement.Read.Directory",
    "RoleManagement.ReadWrite.Directory",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
  riskyUsers: ["IdentityRiskyUser.Read.All"],
  riskDetections: ["IdentityRiskEvent.Read.All"],
  conditionalAccess: ["Policy.Read.All"],
  authenticationMethodsPolicy: [
    "Policy.Read.AuthenticationMethod",
    "Policy.ReadWrite.AuthenticationMethod",
    "Policy.Read.All",
  ],
  deviceRegistrationPolicy: ["Policy.Read.DeviceConfiguration", "Policy.ReadWrite.DeviceConfiguration"],
  authorizationPolicy: ["Policy.Read.All", "Policy.ReadWrite.Authorization"],
  securityDefaults: ["Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"],
} as const satisfies Record<string, readonly string[]>;

export type PermissionNeed = keyof typeof READ_PERMISSIONS;

/** Whether the granted roles satisfy a need (case-insensitive, as Entra treats permission names). */
export function hasPermission(granted: readonly string[], need: PermissionNeed): boolean {
  const lower = new Set(granted.map((role) => role.toLowerCase()));
  return READ_PERMISSIONS[need].some((permission) => lower.has(permission.toLowerCase()));
}

/** "AuditLog.Read.All" or "User.Read.All (or User.ReadWrite.All, Directory.Read.All…)" for messages. */
export function describeNeed(need: PermissionNeed): string {
  const [first, ...others] = READ_PERMISSIONS[need];
  return others.length === 0 ? first : `${first} (or ${others.join(", ")})`;
}
