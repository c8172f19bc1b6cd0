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
import type { Stream } from "./snapshot.js";

/**
 * Every kind of record the case store holds, one per field of `CaseSnapshot`. Records are stored in
 * their Graph shape (the JSON Graph returns), keyed by a natural key so the same record collected
 * twice, or collected and imported, is stored once.
 */
export const RECORD_KINDS = [
  "users",
  "methods",
  "registrationDetails",
  "devices",
  "deviceOwners",
  "deviceUsers",
  "groups",
  "groupMembers",
  "roleDefinitions",
  "roleAssignments",
  "audits",
  "signIns",
  "riskyUsers",
  "riskDetections",
  "conditionalAccessPolicies",
  "namedLocations",
  "authenticationStrengthPolicies",
  "authenticationMethodsPolicy",
  "deviceRegistrationPolicy",
  "authorizationPolicy",
  "securityDefaults",
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** The Graph shape stored for each kind. */
export interface RecordTypeMap {
  users: User;
  /** scope = the user's id */
  methods: AuthenticationMethod;
  registrationDetails: UserRegistrationDetails;
  devices: Device;
  /** scope = the device's object id */
  deviceOwners: DirectoryObjectRef;
  /** scope = the device's object id */
  deviceUsers: DirectoryObjectRef;
  groups: Group;
  /** scope = the group's id */
  groupMembers: DirectoryObjectRef;
  roleDefinitions: UnifiedRoleDefinition;
  roleAssignments: UnifiedRoleAssignment;
  audits: DirectoryAudit;
  signIns: SignIn;
  riskyUsers: RiskyUser;
  riskDetections: RiskDetection;
  conditionalAccessPolicies: ConditionalAccessPolicy;
  namedLocations: NamedLocation;
  authenticationStrengthPolicies: AuthenticationStrengthPolicy;
  authenticationMethodsPolicy: AuthenticationMethodsPolicy;
  deviceRegistrationPolicy: DeviceRegistrationPolicy;
  authorizationPolicy: AuthorizationPolicy;
  securityDefaults: SecurityDefaultsPolicy;
}

/**
 * How a kind behaves in the store:
 * - `inventory`: the tenant's current state; re-collection replaces it (`replaceInventory`), so a
 *   method deleted in the tenant disappears from the case.
 * - `log`: append-only events (audits, sign-ins, risk detections); never removed.
 * - `scoped`: the record belongs to a parent (methods → user, owners → device, members → group) that
 *   Graph does not write into the record; the caller passes it as `scope`.
 * - `singleton`: one record per tenant (the four policies); its natural key is fixed.
 */
export interface KindInfo {
  stream: Stream;
  lifecycle: "inventory" | "log";
  scoped: boolean;
  singleton: boolean;
}

export const KIND_INFO: Readonly<Record<RecordKind, KindInfo>> = {
  users: { stream: "users", lifecycle: "inventory", scoped: false, singleton: false },
  methods: { stream: "methods", lifecycle: "inventory", scoped: true, singleton: false },
  registrationDetails: {
    stream: "registrationDetails",
    lifecycle: "inventory",
    scoped: false,
    singleton: false,
  },
  devices: { stream: "devices", lifecycle: "inventory", scoped: false, singleton: false },
  deviceOwners: { stream: "devices", lifecycle: "inventory", scoped: true, singleton: false },
  deviceUsers: { stream: "devices", lifecycle: "inventory", scoped: true, singleton: false },
  groups: { stream: "groups", lifecycle: "inventory", scoped: false, singleton: false },
  groupMembers: { stream: "groups", lifecycle: "inventory", scoped: true, singleton: false },
  roleDefinitions: { stream: "roles", lifecycle: "inventory", scoped: false, singleton: false },
  roleAssignments: { stream: "roles", lifecycle: "inventory", scoped: false, singleton: false },
  audits: { stream: "audits", lifecycle: "log", scoped: false, singleton: false },
  signIns: { stream: "signins", lifecycle: "log", scoped: false, singleton: false },
  riskyUsers: { stream: "risk", lifecycle: "inventory", scoped: false, singleton: false },
  riskDetections: { stream: "risk", lifecycle: "log", scoped: false, singleton: false },
  conditionalAccessPolicies: { stream: "policies", lifecycle: "inventory", scoped: false, singleton: false },
  namedLocations: { stream: "policies", lifecycle: "inventory", scoped: false, singleton: false },
  authenticationStrengthPolicies: {
    stream: "policies",
    lifecycle: "inventory",
    scoped: false,
    singleton: false,
  },
  authenticationMethodsPolicy: { stream: "policies", lifecycle: "inventory", scoped: false, singleton: true },
  deviceRegistrationPolicy: { stream: "policies", lifecycle: "inventory", scoped: false, singleton: true },
  authorizationPolicy: { stream: "policies", lifecycle: "inventory", scoped: false, singleton: true },
  securityDefaults: { stream: "policies", lifecycle: "inventory", scoped: false, singleton: true },
};

export function isRecordKind(value: string): value is RecordKind {
  return Object.hasOwn(KIND_INFO, value);
}
