import { RESPONDER_PERMISSIONS as GENERATED_RESPONDER_PERMISSIONS } from "../../src/emulator/tenant/catalog.js";
import type { TenantDocument } from "../../src/emulator/tenant/schema.js";
import { FIXED_METHOD_IDS } from "../../src/graph/types.js";

/**
 * A tiny hand-made tenant for the emulator's own tests: a few users with known methods and devices,
 * so assertions do not depend on the generator. Ids are fixed and readable.
 */

export const TENANT_ID = "11111111-1111-4111-8111-111111111111";
export const RESPONDER = {
  appId: "22222222-2222-4222-8222-222222222222",
  secret: "responder-secret-value",
  sp: "22222222-2222-4222-8222-2222222222a0",
};
export const READER = {
  appId: "33333333-3333-4333-8333-333333333333",
  secret: "reader-secret-value",
  sp: "33333333-3333-4333-8333-3333333333a0",
};

export const PAA = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";
export const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";

export const USERS = {
  alice: "aaaaaaaa-0000-4000-8000-000000000001",
  bob: "bbbbbbbb-0000-4000-8000-000000000002",
  obrien: "cccccccc-0000-4000-8000-000000000003",
} as const;

export const DEVICES = {
  bobIphone: "dddddddd-0000-4000-8000-000000000001",
  bobLaptop: "dddddddd-0000-4000-8000-000000000002",
} as const;

/** The generated tenants' responder app: the permissions every command of mfa-evict needs. */
export const RESPONDER_PERMISSIONS = [...GENERATED_RESPONDER_PERMISSIONS];

export const READER_PERMISSIONS = [
  "User.Read.All",
  "Group.Read.All",
  "Device.Read.All",
  "AuditLog.Read.All",
  "RoleManagement.Read.Directory",
  "Policy.Read.All",
  "Policy.Read.AuthenticationMethod",
  "Policy.Read.DeviceConfiguration",
  "IdentityRiskyUser.Read.All",
  "IdentityRiskEvent.Read.All",
  "UserAuthenticationMethod.Read.All",
];

const T0 = "2026-05-01T08:00:00Z";

function filler(n: number): TenantDocument["users"] {
  return Array.from({ length: n }, (_, i) => {
    const k = String(i + 1).padStart(3, "0");
    return {
      id: `eeeeeeee-0000-4000-8000-000000000${k}`,
      userPrincipalName: `user${k}@contoso.test`,
      displayName: `User ${k}`,
      accountEnabled: true,
      userType: "Member" as const,
      createdDateTime: T0,
    };
  });
}

export interface TinyTenantOptions {
  /** Extra plain users (default 9, for paging). */
  fillerUsers?: number;
  /** PEM certificates the responder app accepts for client assertions. */
  responderCertificates?: string[];
  /** Directory roles of the responder app's service principal (default: Privileged Authentication Administrator). */
  responderRoles?: string[];
  licence?: "free" | "P1" | "P2";
}

export function tinyTenant(options: TinyTenantOptions = {}): TenantDocument {
  const password = (userId: string) => ({
    userId,
    method: {
      "@odata.type": "#microsoft.graph.passwordAuthenticationMethod" as const,
      id: FIXED_METHOD_IDS.password,
      password: null,
    },
  });
  const fillers = filler(options.fillerUsers ?? 9);
  return {
    schemaVersion: 1,
    tenant: {
      id: TENANT_ID,
      displayName: "Contoso Test",
      domains: ["contoso.test"],
      licence: options.licence ?? "P2",
      createdDateTime: "2020-01-01T00:00:00Z",
    },
    apps: [
      {
        appId: RESPONDER.appId,
        displayName: "mfa-evict responder",
        servicePrincipalId: RESPONDER.sp,
        secrets: [RESPONDER.secret],
        certificates: (options.responderCertificates ?? []).map((pem) => ({ pem })),
        permissions: RESPONDER_PERMISSIONS,
        directoryRoles: options.responderRoles ?? [PAA],
      },
      {
        appId: READER.appId,
        displayName: "mfa-evict reader",
        servicePrincipalId: READER.sp,
        secrets: [READER.secret],
        certificates: [],
        permissions: READER_PERMISSIONS,
        directoryRoles: [],
      },
    ],
    users: [
      {
        id: USERS.alice,
        userPrincipalName: "alice@contoso.test",
        displayName: "Alice Admin",
        accountEnabled: true,
        userType: "Member",
        createdDateTime: T0,
        signInActivity: { lastSignInDateTime: "2026-05-03T09:00:00Z" },
      },
      {
        id: USERS.bob,
        userPrincipalName: "bob@contoso.test",
        displayName: "Bob Staff",
        accountEnabled: true,
        userType: "Member",
        createdDateTime: T0,
        jobTitle: "Analyst",
      },
      {
        id: USERS.obrien,
        userPrincipalName: "o'brien@contoso.test",
        displayName: "Pat O'Brien",
        accountEnabled: true,
        userType: "Member",
        createdDateTime: T0,
      },
      ...fillers,
    ],
    groups: [
      {
        id: "99999999-0000-4000-8000-000000000001",
        displayName: "Finance",
        securityEnabled: true,
        mailEnabled: false,
        groupTypes: [],
        members: [USERS.bob],
      },
    ],
    roleDefinitions: [
      {
        id: GLOBAL_ADMIN,
        displayName: "Global Administrator",
        templateId: GLOBAL_ADMIN,
        isBuiltIn: true,
        isPrivileged: true,
      },
      {
        id: PAA,
        displayName: "Privileged Authentication Administrator",
        templateId: PAA,
        isBuiltIn: true,
        isPrivileged: true,
      },
    ],
    roleAssignments: [
      { id: "ra-alice-ga", principalId: USERS.alice, roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: "/" },
    ],
    methods: [
      password(USERS.alice),
      {
        userId: USERS.alice,
        isDefault: true,
        method: {
          "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
          id: "a1a1a1a1-0000-4000-8000-000000000001",
          displayName: "Alice iPhone",
          deviceTag: "SoftwareTokenActivated",
          phoneAppVersion: "6.8.1",
          createdDateTime: T0,
        },
      },
      {
        userId: USERS.alice,
        method: {
          "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
          id: FIXED_METHOD_IDS.mobile,
          phoneNumber: "+1 2065550100",
          phoneType: "mobile",
          smsSignInState: "notAllowedByPolicy",
        },
      },
      password(USERS.bob),
      {
        userId: USERS.bob,
        isDefault: true,
        method: {
          "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
          id: FIXED_METHOD_IDS.mobile,
          phoneNumber: "+1 2065550101",
          phoneType: "mobile",
          smsSignInState: "notAllowedByPolicy",
        },
      },
      {
        userId: USERS.bob,
        method: {
          "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
          id: FIXED_METHOD_IDS.office,
          phoneNumber: "+1 2065550199",
          phoneType: "office",
          smsSignInState: "notSupported",
        },
      },
      {
        userId: USERS.bob,
        method: {
          "@odata.type": "#microsoft.graph.fido2AuthenticationMethod",
          id: "f1d0f1d0-0000-4000-8000-000000000001",
          displayName: "Bob key",
          aaGuid: "2fc0579f-8113-47ea-b116-555a8db9202a",
          model: "YubiKey 5 NFC",
          attestationCertificates: [],
          attestationLevel: "attested",
          createdDateTime: T0,
        },
      },
      {
        userId: USERS.bob,
        method: {
          "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
          id: FIXED_METHOD_IDS.email,
          emailAddress: "bob@example.org",
        },
      },
      {
        userId: USERS.bob,
        method: {
          "@odata.type": "#microsoft.graph.softwareOathAuthenticationMethod",
          id: "50f70a70-0000-4000-8000-000000000001",
          secretKey: null,
        },
      },
      {
        userId: USERS.bob,
        method: {
          "@odata.type": "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
          id: "b0b0b0b0-0000-4000-8000-0000000000f1",
          displayName: "BOB-LAPTOP",
          keyStrength: "normal",
          createdDateTime: T0,
        },
      },
      {
        userId: USERS.bob,
        method: {
          "@odata.type": "#microsoft.graph.externalAuthenticationMethod",
          id: "e7e7e7e7-0000-4000-8000-000000000001",
          configurationId: "c0nf1600-0000-4000-8000-000000000001",
          displayName: "Partner MFA",
        },
      },
      password(USERS.obrien),
      ...fillers.map((u) => password(u.id)),
    ],
    devices: [
      {
        id: DEVICES.bobIphone,
        deviceId: "d1d1d1d1-0000-4000-8000-000000000001",
        displayName: "iPhone",
        operatingSystem: "iOS",
        operatingSystemVersion: "17.5.1",
        trustType: "Workplace",
        accountEnabled: true,
        registrationDateTime: "2026-05-02T10:00:00Z",
        ownerIds: [USERS.bob],
        userIds: [USERS.bob],
      },
      {
        id: DEVICES.bobLaptop,
        deviceId: "d1d1d1d1-0000-4000-8000-000000000002",
        displayName: "BOB-LAPTOP",
        operatingSystem: "Windows",
        operatingSystemVersion: "10.0.22631.3527",
        trustType: "AzureAd",
        accountEnabled: true,
        isManaged: true,
        isCompliant: true,
        registrationDateTime: "2025-01-02T10:00:00Z",
        ownerIds: [USERS.bob],
        userIds: [USERS.bob],
      },
    ],
    directoryAudits: [
      {
        id: "Directory_seed_0001",
        category: "UserManagement",
        correlationId: "c0000000-0000-4000-8000-000000000001",
        result: "success",
        resultReason: "",
        activityDisplayName: "Update user",
        activityDateTime: "2026-05-02T09:00:00Z",
        loggedByService: "Core Directory",
        operationType: "Update",
        initiatedBy: {
          user: null,
          app: {
            appId: null,
            displayName: "Azure MFA StrongAuthenticationService",
            servicePrincipalId: null,
            servicePrincipalName: null,
          },
        },
        targetResources: [
          {
            id: USERS.bob,
            displayName: "Bob Staff",
            type: "User",
            userPrincipalName: "bob@contoso.test",
            groupType: null,
            modifiedProperties: [],
          },
        ],
        additionalDetails: [],
      },
    ],
    signIns: [
      {
        id: "51510000-0000-4000-8000-000000000001",
        createdDateTime: "2026-05-02T09:00:00Z",
        userId: USERS.bob,
        userPrincipalName: "bob@contoso.test",
        appDisplayName: "Office 365",
        ipAddress: "203.0.113.7",
        isInteractive: true,
        status: { errorCode: 0, failureReason: null, additionalDetails: null },
        signInEventTypes: ["interactiveUser"],
      },
      {
        id: "51510000-0000-4000-8000-000000000002",
        createdDateTime: "2026-05-02T09:05:00Z",
        userId: USERS.bob,
        userPrincipalName: "bob@contoso.test",
        appDisplayName: "Office 365",
        ipAddress: "203.0.113.7",
        isInteractive: false,
        status: { errorCode: 0, failureReason: null, additionalDetails: null },
        signInEventTypes: ["nonInteractiveUser"],
      },
    ],
    riskyUsers: [
      {
        id: USERS.bob,
        userPrincipalName: "bob@contoso.test",
        userDisplayName: "Bob Staff",
        riskLevel: "high",
        riskState: "atRisk",
        riskDetail: "none",
        isDeleted: false,
        isProcessing: false,
        riskLastUpdatedDateTime: "2026-05-02T09:10:00Z",
      },
    ],
    riskDetections: [
      {
        id: "r0000000-0000-4000-8000-000000000001",
        userId: USERS.bob,
        userPrincipalName: "bob@contoso.test",
        riskEventType: "unfamiliarFeatures",
        riskLevel: "medium",
        riskState: "atRisk",
        riskDetail: "none",
        source: "IdentityProtection",
        detectionTimingType: "realtime",
        activity: "signin",
        ipAddress: "203.0.113.7",
        detectedDateTime: "2026-05-02T09:01:00Z",
        activityDateTime: "2026-05-02T09:00:00Z",
      },
    ],
    conditionalAccessPolicies: [
      {
        id: "ca000000-0000-4000-8000-000000000001",
        displayName: "Require MFA for admins",
        state: "enabled",
        createdDateTime: "2025-01-01T00:00:00Z",
        conditions: {
          users: {
            includeUsers: [],
            excludeUsers: [],
            includeGroups: [],
            excludeGroups: [],
            includeRoles: [GLOBAL_ADMIN],
            excludeRoles: [],
          },
          applications: { includeApplications: ["All"], excludeApplications: [], includeUserActions: [] },
          clientAppTypes: ["all"],
        },
        grantControls: {
          operator: "OR",
          builtInControls: ["mfa"],
          customAuthenticationFactors: [],
          termsOfUse: [],
        },
        sessionControls: null,
      },
    ],
    namedLocations: [
      {
        "@odata.type": "#microsoft.graph.ipNamedLocation",
        id: "10c00000-0000-4000-8000-000000000001",
        displayName: "HQ",
        isTrusted: true,
        ipRanges: [{ "@odata.type": "#microsoft.graph.iPv4CidrRange", cidrAddress: "198.51.100.0/24" }],
        createdDateTime: T0,
        modifiedDateTime: T0,
      },
    ],
    authenticationStrengthPolicies: [
      {
        id: "00000000-0000-0000-0000-000000000004",
        displayName: "Phishing-resistant MFA",
        policyType: "builtIn",
        allowedCombinations: ["windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"],
      },
    ],
    authenticationMethodsPolicy: {
      id: "authenticationMethodsPolicy",
      displayName: "Authentication Methods Policy",
      policyVersion: "1.5",
      policyMigrationState: "migrationComplete",
      authenticationMethodConfigurations: [
        {
          "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
          id: "TemporaryAccessPass",
          state: "enabled",
          defaultLifetimeInMinutes: 60,
          minimumLifetimeInMinutes: 60,
          maximumLifetimeInMinutes: 480,
          defaultLength: 8,
          isUsableOnce: false,
          includeTargets: [{ targetType: "group", id: "all_users", isRegistrationRequired: false }],
          excludeTargets: [],
        },
        {
          "@odata.type": "#microsoft.graph.smsAuthenticationMethodConfiguration",
          id: "Sms",
          state: "enabled",
          includeTargets: [{ targetType: "group", id: "all_users", isRegistrationRequired: false }],
          excludeTargets: [],
        },
      ],
    },
    deviceRegistrationPolicy: {
      id: "deviceRegistrationPolicy",
      displayName: "Device Registration Policy",
      userDeviceQuota: 50,
      multiFactorAuthConfiguration: "notRequired",
    },
    authorizationPolicy: {
      id: "authorizationPolicy",
      displayName: "Authorization Policy",
      allowedToUseSSPR: true,
      blockMsolPowerShell: false,
    },
    securityDefaults: {
      id: "00000000-0000-0000-0000-000000000005",
      displayName: "Security Defaults",
      isEnabled: false,
    },
    sessions: [
      {
        id: "5e550000-0000-4000-8000-000000000001",
        userId: USERS.bob,
        issuedDateTime: "2026-05-02T09:00:00Z",
        attacker: true,
      },
    ],
  };
}
