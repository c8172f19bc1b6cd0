/**
 * The tenant-wide objects every generated tenant starts with: the two mfa-evict apps, built-in role
 * definitions and the policies (Conditional Access, named locations, authentication strengths,
 * authentication methods, device registration, authorization, security defaults).
 */
import type {
  AuthenticationMethodsPolicy,
  AuthenticationStrengthPolicy,
  AuthorizationPolicy,
  ConditionalAccessPolicy,
  DeviceRegistrationPolicy,
  NamedLocation,
  SecurityDefaultsPolicy,
  UnifiedRoleDefinition,
} from "../../graph/types.js";
import { PRIVILEGED_ROLE_IDS, READER_PERMISSIONS, RESPONDER_PERMISSIONS, ROLES } from "./catalog.js";
import type { Rng } from "./prng.js";
import type { TenantApp } from "./schema.js";

export type Licence = "free" | "P1" | "P2";

/** Characters Entra uses in generated client secrets. */
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-";

function secret(rng: Rng): string {
  // Entra secrets are 40 characters with a three-character hint and a "~" in fourth position.
  return `${rng.chars(SECRET_ALPHABET.slice(0, 62), 3)}8Q~${rng.chars(SECRET_ALPHABET, 36)}`;
}

export function buildApps(rng: Rng, responderRoles: readonly string[]): TenantApp[] {
  return [
    {
      appId: rng.guid(),
      displayName: "mfa-evict responder",
      servicePrincipalId: rng.guid(),
      secrets: [secret(rng)],
      certificates: [],
      permissions: [...RESPONDER_PERMISSIONS],
      directoryRoles: [...responderRoles],
    },
    {
      appId: rng.guid(),
      displayName: "mfa-evict reader",
      servicePrincipalId: rng.guid(),
      secrets: [secret(rng)],
      certificates: [],
      permissions: [...READER_PERMISSIONS],
      directoryRoles: [],
    },
  ];
}

export function buildRoleDefinitions(): UnifiedRoleDefinition[] {
  return Object.values(ROLES).map((r) => ({
    id: r.id,
    displayName: r.displayName,
    templateId: r.id,
    isBuiltIn: true,
    isPrivileged: PRIVILEGED_ROLE_IDS.has(r.id),
  }));
}

export interface PolicyInputs {
  rng: Rng;
  licence: Licence;
  createdIso: string;
  /** Trusted office egress ranges (CIDR). */
  officeCidrs: string[];
  breakGlassGroupId: string;
  homeCountries: string[];
}

export interface Policies {
  conditionalAccessPolicies: ConditionalAccessPolicy[];
  namedLocations: NamedLocation[];
  authenticationStrengthPolicies: AuthenticationStrengthPolicy[];
  authenticationMethodsPolicy: AuthenticationMethodsPolicy;
  deviceRegistrationPolicy: DeviceRegistrationPolicy;
  authorizationPolicy: AuthorizationPolicy;
  securityDefaults: SecurityDefaultsPolicy;
}

export const STRENGTH_IDS = {
  mfa: "00000000-0000-0000-0000-000000000002",
  passwordless: "00000000-0000-0000-0000-000000000003",
  phishingResistant: "00000000-0000-0000-0000-000000000004",
} as const;

function strengths(): AuthenticationStrengthPolicy[] {
  return [
    {
      id: STRENGTH_IDS.mfa,
      displayName: "Multifactor authentication",
      policyType: "builtIn",
      allowedCombinations: [
        "windowsHelloForBusiness",
        "fido2",
        "x509CertificateMultiFactor",
        "deviceBasedPush",
        "temporaryAccessPassOneTime",
        "temporaryAccessPassMultiUse",
        "password,microsoftAuthenticatorPush",
        "password,softwareOath",
        "password,hardwareOath",
        "password,x509CertificateSingleFactor",
        "password,x509CertificateMultiFactor",
        "password,sms",
        "password,voice",
        "federatedMultiFactor",
      ],
    },
    {
      id: STRENGTH_IDS.passwordless,
      displayName: "Passwordless MFA",
      policyType: "builtIn",
      allowedCombinations: [
        "windowsHelloForBusiness",
        "fido2",
        "x509CertificateMultiFactor",
        "deviceBasedPush",
      ],
    },
    {
      id: STRENGTH_IDS.phishingResistant,
      displayName: "Phishing resistant MFA",
      policyType: "builtIn",
      allowedCombinations: ["windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"],
    },
  ];
}

const ALL_USERS_TARGET = [{ targetType: "group", id: "all_users", isRegistrationRequired: false }];

// Targets with per-method settings: declared apart so the Graph type's open shape accepts the extra keys.
const AUTHENTICATOR_TARGET = {
  targetType: "group",
  id: "all_users",
  isRegistrationRequired: false,
  authenticationMode: "any",
};
const SMS_TARGET = {
  targetType: "group",
  id: "all_users",
  isRegistrationRequired: false,
  isUsableForSignIn: false,
};

function methodsPolicy(): AuthenticationMethodsPolicy {
  return {
    id: "authenticationMethodsPolicy",
    displayName: "Authentication Methods Policy",
    policyVersion: "1.5",
    policyMigrationState: "migrationComplete",
    registrationEnforcement: {
      authenticationMethodsRegistrationCampaign: {
        state: "default",
        snoozeDurationInDays: 1,
        includeTargets: [
          { id: "all_users", targetType: "group", targetedAuthenticationMethod: "microsoftAuthenticator" },
        ],
        excludeTargets: [],
      },
    },
    authenticationMethodConfigurations: [
      {
        "@odata.type": "#microsoft.graph.fido2AuthenticationMethodConfiguration",
        id: "Fido2",
        state: "enabled",
        isAttestationEnforced: false,
        isSelfServiceRegistrationAllowed: true,
        keyRestrictions: { isEnforced: false, enforcementType: "block", aaGuids: [] },
        includeTargets: ALL_USERS_TARGET,
        excludeTargets: [],
      },
      {
        "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration",
        id: "MicrosoftAuthenticator",
        state: "enabled",
        isSoftwareOathEnabled: false,
        featureSettings: {
          displayAppInformationRequiredState: {
            state: "enabled",
            includeTarget: { targetType: "group", id: "all_users" },
            excludeTarget: { targetType: "group", id: "00000000-0000-0000-0000-000000000000" },
          },
          displayLocationInformationRequiredState: {
            state: "default",
            includeTarget: { targetType: "group", id: "all_users" },
            excludeTarget: { targetType: "group", id: "00000000-0000-0000-0000-000000000000" },
          },
        },
        includeTargets: [AUTHENTICATOR_TARGET],
        excludeTargets: [],
      },
      {
        "@odata.type": "#microsoft.graph.smsAuthenticationMethodConfiguration",
        id: "Sms",
        state: "enabled",
        includeTargets: [SMS_TARGET],
        excludeTargets: [],
      },
      {
        "@odata.type": "#microsoft.graph.voiceAuthenticationMethodConfiguration",
        id: "Voice",
        state: "disabled",
        isOfficePhoneAllowed: false,
        includeTargets: ALL_USERS_TARGET,
        excludeTargets: [],
      },
      {
        "@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration",
        id: "Email",
        state: "enabled",
        allowExternalIdToUseEmailOtp: "default",
        includeTargets: ALL_USERS_TARGET,
        excludeTargets: [],
      },
      {
        "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
        id: "TemporaryAccessPass",
        state: "enabled",
        defaultLifetimeInMinutes: 60,
        defaultLength: 8,
        minimumLifetimeInMinutes: 60,
        maximumLifetimeInMinutes: 480,
        isUsableOnce: false,
        includeTargets: ALL_USERS_TARGET,
        excludeTargets: [],
      },
      {
        "@odata.type": "#microsoft.graph.softwareOathAuthenticationMethodConfiguration",
        id: "SoftwareOath",
        state: "enabled",
        includeTargets: ALL_USERS_TARGET,
        excludeTargets: [],
      },
      {
        "@odata.type": "#microsoft.graph.x509CertificateAuthenticationMethodConfiguration",
        id: "X509Certificate",
        state: "disabled",
        includeTargets: ALL_USERS_TARGET,
        excludeTargets: [],
      },
    ],
  };
}

/**
 * A typical mid-maturity P1/P2 tenant: MFA for everyone, legacy auth blocked, phishing-resistant MFA
 * for admins, but security-info registration only report-only outside trusted locations, device-code
 * flow not blocked and "require MFA to register or join devices" off — the gaps CM0071 attacks use.
 * A free tenant has no CA and relies on security defaults.
 */
export function buildPolicies(p: PolicyInputs): Policies {
  const { rng } = p;
  const trustedId = rng.guid();
  const countriesId = rng.guid();
  const namedLocations: NamedLocation[] = [
    {
      "@odata.type": "#microsoft.graph.ipNamedLocation",
      id: trustedId,
      displayName: "Corporate offices",
      createdDateTime: p.createdIso,
      modifiedDateTime: p.createdIso,
      isTrusted: true,
      ipRanges: p.officeCidrs.map((cidrAddress) => ({
        "@odata.type": "#microsoft.graph.iPv4CidrRange",
        cidrAddress,
      })),
    },
    {
      "@odata.type": "#microsoft.graph.countryNamedLocation",
      id: countriesId,
      displayName: "Countries we operate in",
      createdDateTime: p.createdIso,
      modifiedDateTime: p.createdIso,
      countriesAndRegions: [...p.homeCountries].sort(),
      includeUnknownCountriesAndRegions: false,
    },
  ];
  const adminRoles = [...PRIVILEGED_ROLE_IDS];
  const excludeBreakGlass = { excludeGroups: [p.breakGlassGroupId] };
  const users = (extra: Record<string, string[]>) => ({
    includeUsers: [] as string[],
    excludeUsers: [] as string[],
    includeGroups: [] as string[],
    excludeGroups: [] as string[],
    includeRoles: [] as string[],
    excludeRoles: [] as string[],
    ...extra,
  });
  const apps = (includeApplications: string[], includeUserActions: string[] = []) => ({
    includeApplications,
    excludeApplications: [],
    includeUserActions,
    includeAuthenticationContextClassReferences: [],
  });
  const policy = (
    displayName: string,
    state: ConditionalAccessPolicy["state"],
    conditions: ConditionalAccessPolicy["conditions"],
    grantControls: ConditionalAccessPolicy["grantControls"],
  ): ConditionalAccessPolicy => ({
    id: rng.guid(),
    displayName,
    state,
    createdDateTime: p.createdIso,
    modifiedDateTime: p.createdIso,
    conditions: {
      clientAppTypes: ["all"],
      signInRiskLevels: [],
      userRiskLevels: [],
      platforms: null,
      locations: null,
      ...conditions,
    },
    grantControls,
    sessionControls: null,
  });
  const conditionalAccessPolicies: ConditionalAccessPolicy[] =
    p.licence === "free"
      ? []
      : [
          policy(
            "CA001: Require MFA for all users",
            "enabled",
            { users: users({ includeUsers: ["All"], ...excludeBreakGlass }), applications: apps(["All"]) },
            { operator: "OR", builtInControls: ["mfa"], customAuthenticationFactors: [], termsOfUse: [] },
          ),
          policy(
            "CA002: Block legacy authentication",
            "enabled",
            {
              users: users({ includeUsers: ["All"], ...excludeBreakGlass }),
              applications: apps(["All"]),
              clientAppTypes: ["exchangeActiveSync", "other"],
            },
            { operator: "OR", builtInControls: ["block"], customAuthenticationFactors: [], termsOfUse: [] },
          ),
          policy(
            "CA003: Phishing-resistant MFA for administrators",
            "enabled",
            { users: users({ includeRoles: adminRoles, ...excludeBreakGlass }), applications: apps(["All"]) },
            {
              operator: "OR",
              builtInControls: [],
              customAuthenticationFactors: [],
              termsOfUse: [],
              authenticationStrength: {
                id: STRENGTH_IDS.phishingResistant,
                displayName: "Phishing resistant MFA",
              },
            },
          ),
          policy(
            "CA004: Secure security info registration",
            "enabledForReportingButNotEnforced",
            {
              users: users({ includeUsers: ["All"], ...excludeBreakGlass }),
              applications: apps([], ["urn:user:registersecurityinfo"]),
              locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] },
            },
            { operator: "OR", builtInControls: ["mfa"], customAuthenticationFactors: [], termsOfUse: [] },
          ),
          policy(
            "CA005: Block access from outside operating countries",
            "enabled",
            {
              users: users({ includeUsers: ["All"], ...excludeBreakGlass }),
              applications: apps(["All"]),
              locations: { includeLocations: ["All"], excludeLocations: [countriesId, trustedId] },
            },
            { operator: "OR", builtInControls: ["block"], customAuthenticationFactors: [], termsOfUse: [] },
          ),
          policy(
            "CA006: Block device code flow",
            "disabled",
            {
              users: users({ includeUsers: ["All"], ...excludeBreakGlass }),
              applications: apps(["All"]),
              authenticationFlows: { transferMethods: "deviceCodeFlow" },
            },
            { operator: "OR", builtInControls: ["block"], customAuthenticationFactors: [], termsOfUse: [] },
          ),
          ...(p.licence === "P2"
            ? [
                policy(
                  "CA007: High user risk requires password change",
                  "enabled",
                  {
                    users: users({ includeUsers: ["All"], ...excludeBreakGlass }),
                    applications: apps(["All"]),
                    userRiskLevels: ["high"],
                  },
                  {
                    operator: "AND",
                    builtInControls: ["mfa", "passwordChange"],
                    customAuthenticationFactors: [],
                    termsOfUse: [],
                  },
                ),
              ]
            : []),
        ];

  return {
    conditionalAccessPolicies,
    namedLocations: p.licence === "free" ? [] : namedLocations,
    authenticationStrengthPolicies: strengths(),
    authenticationMethodsPolicy: methodsPolicy(),
    deviceRegistrationPolicy: {
      id: "deviceRegistrationPolicy",
      displayName: "Device Registration Policy",
      userDeviceQuota: 50,
      multiFactorAuthConfiguration: "notRequired",
      azureADRegistration: {
        isAdminConfigurable: false,
        allowedToRegister: { "@odata.type": "#microsoft.graph.allDeviceRegistrationMembership" },
      },
      azureADJoin: {
        isAdminConfigurable: true,
        allowedToJoin: { "@odata.type": "#microsoft.graph.allDeviceRegistrationMembership" },
      },
      localAdminPassword: { isEnabled: false },
    },
    authorizationPolicy: {
      id: "authorizationPolicy",
      displayName: "Authorization Policy",
      allowedToSignUpEmailBasedSubscriptions: true,
      allowedToUseSSPR: true,
      allowEmailVerifiedUsersToJoinOrganization: false,
      allowInvitesFrom: "everyone",
      blockMsolPowerShell: false,
      guestUserRoleId: "10dae51f-b6af-4016-8d66-8c2a99b929b3",
      defaultUserRolePermissions: {
        allowedToCreateApps: true,
        allowedToCreateSecurityGroups: true,
        allowedToCreateTenants: true,
        allowedToReadBitlockerKeysForOwnedDevice: true,
        allowedToReadOtherUsers: true,
        permissionGrantPoliciesAssigned: ["ManagePermissionGrantsForSelf.microsoft-user-default-legacy"],
      },
    },
    securityDefaults: {
      id: "00000000-0000-0000-0000-000000000005",
      displayName: "Security Defaults",
      isEnabled: p.licence === "free",
    },
  };
}
