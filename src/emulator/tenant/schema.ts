/**
 * The emulated tenant: one versioned document that the emulator loads into its runtime state and
 * serves through Graph, and that `--export-tenant` writes back. Documented in docs/tenant-model.md.
 *
 * Graph objects are validated on the fields the emulator and the scenarios rely on (ids, keys,
 * discriminators) with loose objects, so every other Graph property travels through untouched, and
 * they are typed as the public interfaces in src/graph/types.ts so the emulator can serve them as is.
 */
import { z } from "zod";
import type {
  AuthenticationMethod,
  AuthenticationMethodsPolicy,
  AuthenticationStrengthPolicy,
  AuthorizationPolicy,
  ConditionalAccessPolicy,
  Device,
  DeviceRegistrationPolicy,
  DirectoryAudit,
  Group,
  NamedLocation,
  RiskDetection,
  RiskyUser,
  SecurityDefaultsPolicy,
  SignIn,
  UnifiedRoleAssignment,
  UnifiedRoleDefinition,
  User,
} from "../../graph/types.js";

export const TENANT_SCHEMA_VERSION = 1;

/**
 * A loose object validated on `shape` and typed as the Graph interface `T`. The cast is the point:
 * zod checks the key fields, the interface describes the rest, which is kept verbatim.
 */
function graphObject<T>(shape: z.core.$ZodLooseShape): z.ZodType<T> {
  return z.looseObject(shape) as unknown as z.ZodType<T>;
}

const isoDateTime = z.iso.datetime({ offset: true });
const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "not a GUID");
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM (24-hour)");

export const tenantInfoSchema = z.object({
  id: guid,
  displayName: z.string().min(1),
  /** Verified domains; the first is the default (UPN suffix of generated users). */
  domains: z.array(z.string().min(1)).min(1),
  /** Entra ID licence tier: decides whether CA, risk and sign-in logs exist (P1) and risk policies (P2). */
  licence: z.enum(["free", "P1", "P2"]),
  createdDateTime: isoDateTime,
});

export const appSchema = z.object({
  appId: guid,
  displayName: z.string().min(1),
  servicePrincipalId: guid,
  /** Client secrets the token endpoint accepts for this app (emulator credentials, never logged). */
  secrets: z.array(z.string().min(1)),
  /** PEM certificates (public part) the token endpoint accepts for client assertions. */
  certificates: z.array(z.object({ pem: z.string().min(1) })),
  /** Application permission names granted with admin consent, e.g. "UserAuthenticationMethod.ReadWrite.All". */
  permissions: z.array(z.string().min(1)),
  /** Role template ids held by the app's service principal (e.g. Privileged Authentication Administrator). */
  directoryRoles: z.array(guid),
});

export const userProfileSchema = z.looseObject({
  /** ISO 3166-1 alpha-2. */
  homeCountry: z.string().length(2),
  homeCity: z.string().min(1),
  /** CIDR ranges the user usually signs in from (office egress, home ISP). */
  ipRanges: z.array(z.string().min(1)),
  asn: z.number().int().nonnegative().optional(),
  workHours: z.object({ start: hhmm, end: hhmm, timezone: z.string().min(1) }),
  /** No sign-in for months: the kind of account APT29 takes over. */
  dormant: z.boolean().optional(),
  /** Emergency-access account: excluded from CA, rarely used, alarming when it is. */
  breakGlass: z.boolean().optional(),
  /** Countries the user legitimately travels to (ISO alpha-2). */
  travelCountries: z.array(z.string().length(2)).optional(),
  /** A plain-language persona tag: "staff", "helpdesk", "admin", "service", "enrolment". */
  persona: z.string().optional(),
});
export type UserProfile = z.infer<typeof userProfileSchema>;

export type TenantUser = User & { profile?: UserProfile };
export const userSchema = graphObject<TenantUser>({
  id: guid,
  userPrincipalName: z.string().min(3),
  profile: userProfileSchema.optional(),
});

export type TenantGroup = Group & { members: string[] };
export const groupSchema = graphObject<TenantGroup>({
  id: guid,
  /** Member object ids: users or groups (nesting). */
  members: z.array(guid),
});

export const roleDefinitionSchema = graphObject<UnifiedRoleDefinition>({ id: guid });
export const roleAssignmentSchema = graphObject<UnifiedRoleAssignment>({
  id: z.string().min(1),
  principalId: guid,
  roleDefinitionId: guid,
});

const methodBase = { id: z.string().min(1), createdDateTime: isoDateTime.nullish() };
const methodVariants = z.discriminatedUnion("@odata.type", [
  z.looseObject({ "@odata.type": z.literal("#microsoft.graph.passwordAuthenticationMethod"), ...methodBase }),
  z.looseObject({
    "@odata.type": z.literal("#microsoft.graph.phoneAuthenticationMethod"),
    ...methodBase,
    phoneNumber: z.string().min(1),
    phoneType: z.enum(["mobile", "alternateMobile", "office"]),
  }),
  z.looseObject({
    "@odata.type": z.literal("#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"),
    ...methodBase,
  }),
  z.looseObject({ "@odata.type": z.literal("#microsoft.graph.fido2AuthenticationMethod"), ...methodBase }),
  z.looseObject({
    "@odata.type": z.literal("#microsoft.graph.softwareOathAuthenticationMethod"),
    ...methodBase,
  }),
  z.looseObject({
    "@odata.type": z.literal("#microsoft.graph.emailAuthenticationMethod"),
    ...methodBase,
    emailAddress: z.string().min(3),
  }),
  z.looseObject({
    "@odata.type": z.literal("#microsoft.graph.windowsHelloForBusinessAuthenticationMethod"),
    ...methodBase,
  }),
  z.looseObject({
    "@odata.type": z.literal("#microsoft.graph.platformCredentialAuthenticationMethod"),
    ...methodBase,
  }),
  z.looseObject({
    "@odata.type": z.literal("#microsoft.graph.temporaryAccessPassAuthenticationMethod"),
    ...methodBase,
  }),
  z.looseObject({ "@odata.type": z.literal("#microsoft.graph.externalAuthenticationMethod"), ...methodBase }),
]);
export const authenticationMethodSchema = methodVariants as unknown as z.ZodType<AuthenticationMethod>;

export const methodEntrySchema = z.object({
  userId: guid,
  method: authenticationMethodSchema,
  /** The user's default (preferred) sign-in method for MFA. */
  isDefault: z.boolean().optional(),
});
export type MethodEntry = z.infer<typeof methodEntrySchema>;

export type TenantDevice = Device & { ownerIds: string[]; userIds: string[] };
export const deviceSchema = graphObject<TenantDevice>({
  id: guid,
  deviceId: guid.nullish(),
  ownerIds: z.array(guid),
  userIds: z.array(guid),
});

export const directoryAuditSchema = graphObject<DirectoryAudit>({
  id: z.string().min(1),
  activityDateTime: isoDateTime,
  activityDisplayName: z.string().min(1),
  category: z.string().min(1),
});

export const signInSchema = graphObject<SignIn>({
  id: z.string().min(1),
  createdDateTime: isoDateTime,
  userId: z.string().min(1),
  isInteractive: z.boolean().nullish(),
});

export const riskyUserSchema = graphObject<RiskyUser>({ id: guid });
export const riskDetectionSchema = graphObject<RiskDetection>({
  id: z.string().min(1),
  userId: guid.nullish(),
});

export const conditionalAccessPolicySchema = graphObject<ConditionalAccessPolicy>({
  id: guid,
  state: z.string().min(1),
  conditions: z.looseObject({}),
});
export const namedLocationSchema = graphObject<NamedLocation>({
  id: guid,
  "@odata.type": z.string().min(1),
});
export const authenticationStrengthPolicySchema = graphObject<AuthenticationStrengthPolicy>({
  id: z.string().min(1),
});
export const authenticationMethodsPolicySchema = graphObject<AuthenticationMethodsPolicy>({
  id: z.string().min(1),
  authenticationMethodConfigurations: z.array(z.looseObject({ id: z.string().min(1) })).optional(),
});
export const deviceRegistrationPolicySchema = graphObject<DeviceRegistrationPolicy>({
  id: z.string().min(1),
});
export const authorizationPolicySchema = graphObject<AuthorizationPolicy>({ id: z.string().min(1) });
export const securityDefaultsSchema = graphObject<SecurityDefaultsPolicy>({
  id: z.string().min(1),
  isEnabled: z.boolean(),
});

export const sessionSchema = z.object({
  userId: guid,
  id: z.string().min(1),
  issuedDateTime: isoDateTime,
  /** Ground-truth marker for the emulator's own bookkeeping; never served through Graph. */
  attacker: z.boolean().optional(),
});
export type TenantSession = z.infer<typeof sessionSchema>;

export const tenantDocumentSchema = z.object({
  schemaVersion: z.literal(TENANT_SCHEMA_VERSION),
  tenant: tenantInfoSchema,
  apps: z.array(appSchema),
  users: z.array(userSchema),
  groups: z.array(groupSchema),
  roleDefinitions: z.array(roleDefinitionSchema),
  roleAssignments: z.array(roleAssignmentSchema),
  methods: z.array(methodEntrySchema),
  devices: z.array(deviceSchema),
  directoryAudits: z.array(directoryAuditSchema),
  signIns: z.array(signInSchema),
  riskyUsers: z.array(riskyUserSchema),
  riskDetections: z.array(riskDetectionSchema),
  conditionalAccessPolicies: z.array(conditionalAccessPolicySchema),
  namedLocations: z.array(namedLocationSchema),
  authenticationStrengthPolicies: z.array(authenticationStrengthPolicySchema),
  authenticationMethodsPolicy: authenticationMethodsPolicySchema,
  deviceRegistrationPolicy: deviceRegistrationPolicySchema,
  authorizationPolicy: authorizationPolicySchema,
  securityDefaults: securityDefaultsSchema,
  sessions: z.array(sessionSchema),
});

export type TenantDocument = z.infer<typeof tenantDocumentSchema>;
export type TenantApp = z.infer<typeof appSchema>;
export type TenantInfo = z.infer<typeof tenantInfoSchema>;
