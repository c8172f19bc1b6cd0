import type { Finding } from "../../src/detect/finding.js";
import type {
  AuthenticationMethodConfiguration,
  AuthenticationMethodsPolicy,
  ConditionalAccessPolicy,
  DeviceRegistrationPolicy,
  DirectoryObjectRef,
  Group,
  User,
} from "../../src/graph/types.js";
import type { AuthenticatorConfiguration, SmsConfiguration } from "../../src/posture/wire.js";
import type { CaseSnapshot } from "../../src/store/snapshot.js";

/** The shared type knows only the base target shape; these configurations carry their subtype's targets. */
const specific = (config: SmsConfiguration | AuthenticatorConfiguration): AuthenticationMethodConfiguration =>
  config as unknown as AuthenticationMethodConfiguration;

/**
 * Hand-built tenants in exact Graph shapes (graph-entra.md §8–§9, v1.0 CSDL): one configured as
 * the baselines ask, one with the gaps an MFA-method attacker walks through.
 */

export const ID = {
  alice: "11111111-0000-0000-0000-000000000001",
  bob: "11111111-0000-0000-0000-000000000002",
  carol: "11111111-0000-0000-0000-000000000003",
  dave: "11111111-0000-0000-0000-000000000004",
  guest: "11111111-0000-0000-0000-000000000005",
  breakGlass: "11111111-0000-0000-0000-0000000000bb",
  finance: "22222222-0000-0000-0000-000000000001",
  travelers: "22222222-0000-0000-0000-000000000002",
  tier0: "22222222-0000-0000-0000-000000000003",
  deviceStaff: "22222222-0000-0000-0000-000000000004",
  smsUsers: "22222222-0000-0000-0000-000000000005",
  trustedOffice: "33333333-0000-0000-0000-000000000001",
} as const;

export const ROLE = {
  globalAdmin: "62e90394-69f5-4237-9190-012177145e10",
  userAdmin: "fe930be7-5e62-47db-91af-98c3a49a38b1",
} as const;

const HIGHLY_PRIVILEGED = [
  "62e90394-69f5-4237-9190-012177145e10",
  "e8611ab8-c189-46e8-94e1-60213ab1f814",
  "fe930be7-5e62-47db-91af-98c3a49a38b1",
  "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
  "29232cdf-9323-42fd-ade2-1d097af3e4de",
  "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  "158c047a-c907-4556-b7ef-446551a6b5f7",
];

const user = (id: string, upn: string, extra: Partial<User> = {}): User => ({
  id,
  userPrincipalName: upn,
  displayName: upn.split("@")[0],
  accountEnabled: true,
  userType: "Member",
  ...extra,
});

const userRef = (id: string, upn: string): DirectoryObjectRef => ({
  "@odata.type": "#microsoft.graph.user",
  id,
  userPrincipalName: upn,
});
const groupRef = (id: string): DirectoryObjectRef => ({ "@odata.type": "#microsoft.graph.group", id });

export const USERS: User[] = [
  user(ID.alice, "alice@contoso.com"),
  user(ID.bob, "bob@contoso.com"),
  user(ID.carol, "carol@contoso.com"),
  user(ID.dave, "dave@contoso.com"),
  user(ID.guest, "partner_fabrikam.com#EXT#@contoso.com", { userType: "Guest" }),
  user(ID.breakGlass, "breakglass01@contoso.com", { displayName: "Emergency access 01" }),
];

const GROUPS: Group[] = [
  { id: ID.finance, displayName: "Finance", securityEnabled: true },
  { id: ID.travelers, displayName: "Travelers", securityEnabled: true },
  { id: ID.tier0, displayName: "Tier0 Admins", securityEnabled: true, isAssignableToRole: true },
  { id: ID.deviceStaff, displayName: "Device Enrolment Staff", securityEnabled: true },
  { id: ID.smsUsers, displayName: "SMS Users", securityEnabled: true },
];

/** Alice is in Finance, Finance is nested in Travelers; Carol holds User Administrator through Tier0 Admins. */
export const GROUP_MEMBERS = new Map<string, DirectoryObjectRef[]>([
  [ID.finance, [userRef(ID.alice, "alice@contoso.com")]],
  [ID.travelers, [groupRef(ID.finance)]],
  [ID.tier0, [userRef(ID.carol, "carol@contoso.com")]],
  [ID.deviceStaff, [userRef(ID.dave, "dave@contoso.com")]],
  [ID.smsUsers, [userRef(ID.alice, "alice@contoso.com")]],
]);

type PolicyInput = {
  id: string;
  displayName: string;
  state?: ConditionalAccessPolicy["state"];
  users?: Partial<NonNullable<ConditionalAccessPolicy["conditions"]["users"]>>;
  apps?: string[];
  userActions?: string[];
  clientAppTypes?: string[];
  locations?: { includeLocations: string[]; excludeLocations: string[] };
  userRiskLevels?: string[];
  signInRiskLevels?: string[];
  transferMethods?: string;
  builtInControls?: string[];
  operator?: "AND" | "OR";
  strength?: string;
};

/** A policy as Graph returns it: every collection present, nulls where nothing is set. */
export function caPolicy(input: PolicyInput): ConditionalAccessPolicy {
  return {
    id: input.id,
    displayName: input.displayName,
    state: input.state ?? "enabled",
    createdDateTime: "2026-01-10T09:00:00Z",
    modifiedDateTime: null,
    conditions: {
      users: {
        includeUsers: ["All"],
        excludeUsers: [ID.breakGlass],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
        ...input.users,
      },
      applications: {
        includeApplications: input.userActions ? [] : (input.apps ?? ["All"]),
        excludeApplications: [],
        includeUserActions: input.userActions ?? [],
        includeAuthenticationContextClassReferences: [],
      },
      clientAppTypes: input.clientAppTypes ?? ["all"],
      locations: input.locations ?? null,
      platforms: null,
      userRiskLevels: input.userRiskLevels ?? [],
      signInRiskLevels: input.signInRiskLevels ?? [],
      authenticationFlows: input.transferMethods ? { transferMethods: input.transferMethods } : null,
    },
    grantControls: {
      operator: input.operator ?? "OR",
      builtInControls: input.builtInControls ?? [],
      customAuthenticationFactors: [],
      termsOfUse: [],
      authenticationStrength: input.strength ? { id: input.strength } : null,
    },
    sessionControls: null,
  };
}

const MFA_STRENGTH = "00000000-0000-0000-0000-000000000002";
const PHISHING_RESISTANT = "00000000-0000-0000-0000-000000000004";

const GOOD_POLICIES: ConditionalAccessPolicy[] = [
  caPolicy({
    id: "ca-good-legacy",
    displayName: "Block legacy authentication",
    clientAppTypes: ["exchangeActiveSync", "other"],
    builtInControls: ["block"],
  }),
  caPolicy({ id: "ca-good-mfa", displayName: "Require MFA for all users", strength: MFA_STRENGTH }),
  caPolicy({
    id: "ca-good-admins",
    displayName: "Phishing-resistant MFA for admins",
    users: { includeUsers: [], includeRoles: HIGHLY_PRIVILEGED },
    strength: PHISHING_RESISTANT,
  }),
  caPolicy({
    id: "ca-good-user-risk",
    displayName: "High user risk: password change",
    userRiskLevels: ["high"],
    builtInControls: ["mfa", "passwordChange"],
    operator: "AND",
  }),
  caPolicy({
    id: "ca-good-signin-risk",
    displayName: "High sign-in risk: block",
    signInRiskLevels: ["high"],
    builtInControls: ["block"],
  }),
  caPolicy({
    id: "ca-good-device-code",
    displayName: "Block device code flow",
    transferMethods: "deviceCodeFlow",
    builtInControls: ["block"],
  }),
  caPolicy({
    id: "ca-good-secinfo",
    displayName: "Protect security info registration",
    userActions: ["urn:user:registersecurityinfo"],
    strength: MFA_STRENGTH,
  }),
  caPolicy({
    id: "ca-good-device-reg",
    displayName: "MFA to register or join devices",
    userActions: ["urn:user:registerdevice"],
    builtInControls: ["mfa"],
  }),
];

const BAD_POLICIES: ConditionalAccessPolicy[] = [
  caPolicy({
    id: "ca-bad-legacy",
    displayName: "Block legacy authentication (pilot)",
    state: "enabledForReportingButNotEnforced",
    clientAppTypes: ["exchangeActiveSync", "other"],
    builtInControls: ["block"],
  }),
  caPolicy({
    id: "ca-bad-mfa",
    displayName: "MFA for staff",
    users: { excludeUsers: [ID.breakGlass], excludeGroups: [ID.travelers] },
    locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] },
    builtInControls: ["mfa"],
  }),
  caPolicy({
    id: "ca-bad-admins",
    displayName: "MFA for admins",
    users: {
      includeUsers: [],
      includeRoles: [ROLE.globalAdmin, ROLE.userAdmin],
      excludeRoles: [ROLE.userAdmin],
    },
    builtInControls: ["mfa"],
  }),
  caPolicy({
    id: "ca-bad-secinfo",
    displayName: "Security info registration (draft)",
    state: "enabledForReportingButNotEnforced",
    userActions: ["urn:user:registersecurityinfo"],
    builtInControls: ["mfa"],
  }),
  caPolicy({
    id: "ca-bad-device-reg",
    displayName: "MFA to join devices",
    users: { excludeUsers: [] },
    userActions: ["urn:user:registerdevice"],
    builtInControls: ["mfa"],
  }),
];

const feature = (state: string) => ({
  state,
  includeTarget: { targetType: "group", id: "all_users" },
  excludeTarget: { targetType: "group", id: "00000000-0000-0000-0000-000000000000" },
});

function methodsPolicy(good: boolean): AuthenticationMethodsPolicy {
  return {
    id: "authenticationMethodsPolicy",
    displayName: "Authentication Methods Policy",
    policyVersion: "1.5",
    policyMigrationState: good ? "migrationComplete" : "preMigration",
    registrationEnforcement: {
      authenticationMethodsRegistrationCampaign: {
        state: good ? "enabled" : "disabled",
        snoozeDurationInDays: 1,
        includeTargets: [
          { id: "all_users", targetType: "group", targetedAuthenticationMethod: "microsoftAuthenticator" },
        ],
        excludeTargets: [],
      },
    },
    authenticationMethodConfigurations: [
      specific({
        "@odata.type": "#microsoft.graph.smsAuthenticationMethodConfiguration",
        id: "Sms",
        state: good ? "disabled" : "enabled",
        excludeTargets: [],
        includeTargets: [
          { targetType: "group", id: "all_users", isRegistrationRequired: false, isUsableForSignIn: true },
        ],
      }),
      {
        "@odata.type": "#microsoft.graph.voiceAuthenticationMethodConfiguration",
        id: "Voice",
        state: good ? "disabled" : "enabled",
        isOfficePhoneAllowed: false,
        excludeTargets: [],
        includeTargets: [{ targetType: "group", id: ID.smsUsers, isRegistrationRequired: false }],
      },
      {
        "@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration",
        id: "Email",
        state: "disabled",
        allowExternalIdToUseEmailOtp: "default",
        excludeTargets: [],
        includeTargets: [],
      },
      specific({
        "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration",
        id: "MicrosoftAuthenticator",
        state: "enabled",
        isSoftwareOathEnabled: !good,
        featureSettings: {
          displayAppInformationRequiredState: feature(good ? "enabled" : "default"),
          displayLocationInformationRequiredState: feature(good ? "enabled" : "disabled"),
        },
        excludeTargets: [],
        includeTargets: [
          { targetType: "group", id: "all_users", isRegistrationRequired: false, authenticationMode: "any" },
        ],
      }),
      {
        "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
        id: "TemporaryAccessPass",
        state: good ? "enabled" : "disabled",
        defaultLifetimeInMinutes: 60,
        defaultLength: 8,
        minimumLifetimeInMinutes: 60,
        maximumLifetimeInMinutes: 480,
        isUsableOnce: true,
        excludeTargets: [],
        includeTargets: [{ targetType: "group", id: "all_users", isRegistrationRequired: false }],
      },
      {
        "@odata.type": "#microsoft.graph.fido2AuthenticationMethodConfiguration",
        id: "Fido2",
        state: "enabled",
        isSelfServiceRegistrationAllowed: true,
        isAttestationEnforced: good,
        keyRestrictions: good
          ? { isEnforced: true, enforcementType: "allow", aaGuids: ["cb69481e-8ff7-4039-93ec-0a2729a154a8"] }
          : { isEnforced: false, enforcementType: "block", aaGuids: [] },
        excludeTargets: [],
        includeTargets: [{ targetType: "group", id: "all_users", isRegistrationRequired: false }],
      },
    ],
  };
}

function deviceRegistrationPolicy(good: boolean): DeviceRegistrationPolicy {
  return {
    id: "deviceRegistrationPolicy",
    displayName: "Device Registration Policy",
    userDeviceQuota: good ? 5 : 50,
    multiFactorAuthConfiguration: good ? "notRequired" : "required",
    azureADRegistration: {
      isAdminConfigurable: false,
      allowedToRegister: { "@odata.type": "#microsoft.graph.allDeviceRegistrationMembership" },
    },
    azureADJoin: {
      isAdminConfigurable: true,
      allowedToJoin: good
        ? {
            "@odata.type": "#microsoft.graph.enumeratedDeviceRegistrationMembership",
            users: [],
            groups: [ID.deviceStaff],
          }
        : { "@odata.type": "#microsoft.graph.allDeviceRegistrationMembership" },
    },
    localAdminPassword: { isEnabled: good },
  };
}

export function tenant(kind: "good" | "bad", overrides: Partial<CaseSnapshot> = {}): CaseSnapshot {
  const good = kind === "good";
  return {
    tenantId: "contoso-tenant-id",
    missing: new Set(["audits", "signins", "risk"]),
    users: USERS,
    methods: new Map(),
    registrationDetails: [],
    devices: [
      {
        id: "44444444-0000-0000-0000-000000000001",
        deviceId: "44444444-0000-0000-0000-0000000000d1",
        displayName: "DESKTOP-ROGUE",
        registeredOwners: [userRef(ID.dave, "dave@contoso.com")],
      },
    ],
    groups: GROUPS,
    groupMembers: GROUP_MEMBERS,
    roleDefinitions: [
      {
        id: ROLE.globalAdmin,
        displayName: "Global Administrator",
        templateId: ROLE.globalAdmin,
        isBuiltIn: true,
        isPrivileged: true,
      },
      {
        id: ROLE.userAdmin,
        displayName: "User Administrator",
        templateId: ROLE.userAdmin,
        isBuiltIn: true,
        isPrivileged: true,
      },
    ],
    roleAssignments: [
      { id: "ra-1", principalId: ID.bob, roleDefinitionId: ROLE.globalAdmin, directoryScopeId: "/" },
      { id: "ra-2", principalId: ID.breakGlass, roleDefinitionId: ROLE.globalAdmin, directoryScopeId: "/" },
      { id: "ra-3", principalId: ID.tier0, roleDefinitionId: ROLE.userAdmin, directoryScopeId: "/" },
      // AU-scoped: Conditional Access ignores it, so dave is not privileged.
      {
        id: "ra-4",
        principalId: ID.dave,
        roleDefinitionId: ROLE.userAdmin,
        directoryScopeId: "/administrativeUnits/au-1",
      },
    ],
    audits: [],
    signIns: [],
    riskyUsers: [],
    riskDetections: [],
    conditionalAccessPolicies: good ? GOOD_POLICIES : BAD_POLICIES,
    namedLocations: [
      {
        "@odata.type": "#microsoft.graph.ipNamedLocation",
        id: ID.trustedOffice,
        displayName: "Head office",
        isTrusted: true,
        ipRanges: [{ "@odata.type": "#microsoft.graph.iPv4CidrRange", cidrAddress: "198.51.100.0/24" }],
      },
    ],
    authenticationStrengthPolicies: [],
    authenticationMethodsPolicy: methodsPolicy(good),
    deviceRegistrationPolicy: deviceRegistrationPolicy(good),
    authorizationPolicy: { id: "authorizationPolicy" },
    securityDefaults: {
      id: "00000000-0000-0000-0000-000000000005",
      displayName: "Security Defaults",
      isEnabled: false,
    },
    ...overrides,
  };
}

/** Alice's phone was SIM-swapped (T1111); a rogue device was registered for Dave. */
export const FINDINGS: Finding[] = [
  {
    id: "f-1",
    detectionId: "phone-method-changed",
    title: "Phone number replaced before an SMS sign-in from a new country",
    technique: "T1111",
    severity: "high",
    score: 80,
    userId: ID.alice,
    userPrincipalName: "alice@contoso.com",
    object: {
      kind: "method",
      methodId: "3179e48a-750b-4051-897c-87b9720928f7",
      odataType: "#microsoft.graph.phoneAuthenticationMethod",
    },
    explanation: "Alice's mobile number changed and an SMS-satisfied sign-in followed from a new country.",
    evidence: [],
    recommendedActions: ["deleteMethod"],
    privileged: false,
  },
  {
    id: "f-2",
    detectionId: "device-registered-without-mfa",
    title: "Device registered without MFA",
    technique: "T1098.005",
    severity: "high",
    score: 75,
    userId: ID.dave,
    userPrincipalName: "dave@contoso.com",
    object: {
      kind: "device",
      deviceObjectId: "44444444-0000-0000-0000-000000000001",
      deviceId: "44444444-0000-0000-0000-0000000000d1",
    },
    explanation: "A device was registered for Dave from an unfamiliar IP without MFA.",
    evidence: [],
    recommendedActions: ["disableDevice"],
    privileged: false,
  },
];
