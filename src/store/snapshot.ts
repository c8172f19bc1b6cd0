import type {
  AuthenticationMethod,
  AuthenticationMethodsPolicy,
  AuthenticationStrengthPolicy,
  AuthorizationPolicy,
  ConditionalAccessPolicy,
  Device,
  DeviceRegistrationPolicy,
  DirectoryAudit,
  DirectoryObjectRef,
  Group,
  NamedLocation,
  RiskDetection,
  RiskyUser,
  SecurityDefaultsPolicy,
  SignIn,
  UnifiedRoleAssignment,
  UnifiedRoleDefinition,
  User,
  UserRegistrationDetails,
} from "../graph/types.js";

/** The record streams a case can hold; collection and import fill them, detection reads them. */
export const STREAMS = [
  "users",
  "methods",
  "registrationDetails",
  "devices",
  "groups",
  "roles",
  "audits",
  "signins",
  "risk",
  "policies",
] as const;
export type Stream = (typeof STREAMS)[number];

/**
 * The whole case, in memory, as the analysis modules (detect, evict planning, posture, rules tuning,
 * report) read it. Records keep their Graph shape. A stream that was never collected or imported is
 * listed in `missing`, so a detection can say what it could not check instead of reporting "clean".
 */
export interface CaseSnapshot {
  tenantId?: string;
  /** Streams with no data at all in the case (neither collected nor imported). */
  missing: ReadonlySet<Stream>;
  users: User[];
  /** userId → the user's authentication methods (the inventory). */
  methods: ReadonlyMap<string, AuthenticationMethod[]>;
  registrationDetails: UserRegistrationDetails[];
  /** Devices with `registeredOwners` / `registeredUsers` filled in where collected. */
  devices: Device[];
  groups: Group[];
  /** groupId → direct members (users and groups). */
  groupMembers: ReadonlyMap<string, DirectoryObjectRef[]>;
  roleDefinitions: UnifiedRoleDefinition[];
  roleAssignments: UnifiedRoleAssignment[];
  audits: DirectoryAudit[];
  /** Interactive and non-interactive sign-ins (see `isInteractive` / `signInEventTypes`). */
  signIns: SignIn[];
  riskyUsers: RiskyUser[];
  riskDetections: RiskDetection[];
  conditionalAccessPolicies: ConditionalAccessPolicy[];
  namedLocations: NamedLocation[];
  authenticationStrengthPolicies: AuthenticationStrengthPolicy[];
  authenticationMethodsPolicy?: AuthenticationMethodsPolicy;
  deviceRegistrationPolicy?: DeviceRegistrationPolicy;
  authorizationPolicy?: AuthorizationPolicy;
  securityDefaults?: SecurityDefaultsPolicy;
}

/** A case with only the given parts; every other stream empty (and not listed as missing). */
export function caseSnapshot(parts: Partial<CaseSnapshot> = {}): CaseSnapshot {
  return {
    missing: new Set(),
    users: [],
    methods: new Map(),
    registrationDetails: [],
    devices: [],
    groups: [],
    groupMembers: new Map(),
    roleDefinitions: [],
    roleAssignments: [],
    audits: [],
    signIns: [],
    riskyUsers: [],
    riskDetections: [],
    conditionalAccessPolicies: [],
    namedLocations: [],
    authenticationStrengthPolicies: [],
    ...parts,
  };
}
