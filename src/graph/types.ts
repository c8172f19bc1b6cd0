/**
 * Microsoft Graph resource shapes that mfa-evict reads and writes, as they travel on the wire
 * (v1.0 CSDL names; beta-only properties are marked). These are public types: the product and the
 * emulator both use them, and nothing else is shared between the two.
 *
 * Every property that Graph may omit or null is optional; consumers must not assume presence.
 */

export type IsoDateTime = string;

export interface ODataCollection<T> {
  "@odata.context"?: string;
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
  "@odata.count"?: number;
  value: T[];
}

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError?: Record<string, unknown>;
  };
}

// ── Directory objects ────────────────────────────────────────────────────────────────────────────

export interface SignInActivity {
  lastSignInDateTime?: IsoDateTime | null;
  lastSignInRequestId?: string | null;
  lastNonInteractiveSignInDateTime?: IsoDateTime | null;
  lastNonInteractiveSignInRequestId?: string | null;
  lastSuccessfulSignInDateTime?: IsoDateTime | null;
  lastSuccessfulSignInRequestId?: string | null;
}

export interface PasswordProfile {
  password?: string | null;
  forceChangePasswordNextSignIn?: boolean | null;
  forceChangePasswordNextSignInWithMfa?: boolean | null;
}

export interface User {
  id: string;
  userPrincipalName: string;
  displayName?: string | null;
  mail?: string | null;
  givenName?: string | null;
  surname?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  usageLocation?: string | null;
  country?: string | null;
  city?: string | null;
  userType?: "Member" | "Guest" | null;
  accountEnabled?: boolean | null;
  createdDateTime?: IsoDateTime | null;
  onPremisesSyncEnabled?: boolean | null;
  onPremisesImmutableId?: string | null;
  signInSessionsValidFromDateTime?: IsoDateTime | null;
  lastPasswordChangeDateTime?: IsoDateTime | null;
  signInActivity?: SignInActivity | null;
  assignedLicenses?: { skuId: string; disabledPlans: string[] }[];
}

export interface Group {
  id: string;
  displayName?: string | null;
  mailNickname?: string | null;
  securityEnabled?: boolean | null;
  mailEnabled?: boolean | null;
  groupTypes?: string[];
  isAssignableToRole?: boolean | null;
}

/** A member of a directory-object collection (`memberOf`, `registeredOwners`, group `members`). */
export interface DirectoryObjectRef {
  "@odata.type": string;
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
}

export interface Device {
  id: string;
  deviceId?: string | null;
  displayName?: string | null;
  accountEnabled?: boolean | null;
  operatingSystem?: string | null;
  operatingSystemVersion?: string | null;
  trustType?: "Workplace" | "AzureAd" | "ServerAd" | string | null;
  profileType?: string | null;
  registrationDateTime?: IsoDateTime | null;
  approximateLastSignInDateTime?: IsoDateTime | null;
  isCompliant?: boolean | null;
  isManaged?: boolean | null;
  manufacturer?: string | null;
  model?: string | null;
  managementType?: string | null;
  enrollmentType?: string | null;
  mdmAppId?: string | null;
  deviceOwnership?: string | null;
  onPremisesSyncEnabled?: boolean | null;
  physicalIds?: string[];
  systemLabels?: string[];
  registeredOwners?: DirectoryObjectRef[];
  registeredUsers?: DirectoryObjectRef[];
}

// ── Authentication methods ───────────────────────────────────────────────────────────────────────

interface MethodBase {
  id: string;
  createdDateTime?: IsoDateTime | null;
}

export interface PasswordMethod extends MethodBase {
  "@odata.type": "#microsoft.graph.passwordAuthenticationMethod";
  password?: null;
}
export interface PhoneMethod extends MethodBase {
  "@odata.type": "#microsoft.graph.phoneAuthenticationMethod";
  phoneNumber: string;
  phoneType: "mobile" | "alternateMobile" | "office";
  smsSignInState?: string | null;
}
export interface AuthenticatorMethod extends MethodBase {
  "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod";
  displayName?: string | null;
  deviceTag?: string | null;
  phoneAppVersion?: string | null;
}
export interface Fido2Method extends MethodBase {
  "@odata.type": "#microsoft.graph.fido2AuthenticationMethod";
  displayName?: string | null;
  aaGuid?: string | null;
  model?: string | null;
  attestationCertificates?: string[];
  attestationLevel?: "attested" | "notAttested" | null;
}
export interface SoftwareOathMethod extends MethodBase {
  "@odata.type": "#microsoft.graph.softwareOathAuthenticationMethod";
  secretKey?: null;
}
export interface EmailMethod extends MethodBase {
  "@odata.type": "#microsoft.graph.emailAuthenticationMethod";
  emailAddress: string;
}
export interface WindowsHelloMethod extends MethodBase {
  "@odata.type": "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod";
  displayName?: string | null;
  keyStrength?: "normal" | "weak" | "unknown" | null;
}
export interface PlatformCredentialMethod extends MethodBase {
  "@odata.type": "#microsoft.graph.platformCredentialAuthenticationMethod";
  displayName?: string | null;
  keyStrength?: "normal" | "weak" | "unknown" | null;
  platform?: string | null;
}
export interface TemporaryAccessPassMethod extends MethodBase {
  "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod";
  /** The code: present only in the create response, null on every read. */
  temporaryAccessPass?: string | null;
  startDateTime?: IsoDateTime | null;
  lifetimeInMinutes?: number | null;
  isUsableOnce?: boolean | null;
  isUsable?: boolean | null;
  methodUsabilityReason?: string | null;
}
export interface ExternalMethod extends MethodBase {
  "@odata.type": "#microsoft.graph.externalAuthenticationMethod";
  configurationId?: string | null;
  displayName?: string | null;
}

export type AuthenticationMethod =
  | PasswordMethod
  | PhoneMethod
  | AuthenticatorMethod
  | Fido2Method
  | SoftwareOathMethod
  | EmailMethod
  | WindowsHelloMethod
  | PlatformCredentialMethod
  | TemporaryAccessPassMethod
  | ExternalMethod;

export type AuthenticationMethodODataType = AuthenticationMethod["@odata.type"];

/** The `/users/{id}/authentication/{collection}` segment that serves (and deletes) each method type. */
export const METHOD_COLLECTIONS: Readonly<Record<AuthenticationMethodODataType, string>> = {
  "#microsoft.graph.passwordAuthenticationMethod": "passwordMethods",
  "#microsoft.graph.phoneAuthenticationMethod": "phoneMethods",
  "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod": "microsoftAuthenticatorMethods",
  "#microsoft.graph.fido2AuthenticationMethod": "fido2Methods",
  "#microsoft.graph.softwareOathAuthenticationMethod": "softwareOathMethods",
  "#microsoft.graph.emailAuthenticationMethod": "emailMethods",
  "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod": "windowsHelloForBusinessMethods",
  "#microsoft.graph.platformCredentialAuthenticationMethod": "platformCredentialMethods",
  "#microsoft.graph.temporaryAccessPassAuthenticationMethod": "temporaryAccessPassMethods",
  "#microsoft.graph.externalAuthenticationMethod": "externalAuthenticationMethods",
};

/** Fixed method ids documented by Graph. */
export const FIXED_METHOD_IDS = {
  password: "28c10230-6103-485e-b985-444c60001490",
  email: "3ddfcfc8-9383-446f-83cc-3ab9be4be18f",
  mobile: "3179e48a-750b-4051-897c-87b9720928f7",
  alternateMobile: "b6332ec1-7057-4abe-9331-3d72feddfe41",
  office: "e37fc753-ff3b-4958-9484-eaa9425c82bc",
} as const;

export interface UserRegistrationDetails {
  id: string;
  userPrincipalName?: string | null;
  userDisplayName?: string | null;
  userType?: "member" | "guest" | string | null;
  isAdmin?: boolean | null;
  isMfaCapable?: boolean | null;
  isMfaRegistered?: boolean | null;
  isPasswordlessCapable?: boolean | null;
  isSsprCapable?: boolean | null;
  isSsprEnabled?: boolean | null;
  isSsprRegistered?: boolean | null;
  isSystemPreferredAuthenticationMethodEnabled?: boolean | null;
  lastUpdatedDateTime?: IsoDateTime | null;
  methodsRegistered?: string[];
  systemPreferredAuthenticationMethods?: string[];
  userPreferredMethodForSecondaryAuthentication?: string | null;
}

// ── Logs ─────────────────────────────────────────────────────────────────────────────────────────

export interface ModifiedProperty {
  displayName?: string | null;
  /** Graph encodes old/new values as strings that themselves contain JSON. */
  oldValue?: string | null;
  newValue?: string | null;
}

export interface TargetResource {
  id?: string | null;
  displayName?: string | null;
  type?: string | null;
  userPrincipalName?: string | null;
  groupType?: string | null;
  modifiedProperties?: ModifiedProperty[];
}

export interface UserIdentity {
  id?: string | null;
  displayName?: string | null;
  userPrincipalName?: string | null;
  ipAddress?: string | null;
}

export interface AppIdentity {
  appId?: string | null;
  displayName?: string | null;
  servicePrincipalId?: string | null;
  servicePrincipalName?: string | null;
}

export interface DirectoryAudit {
  id: string;
  activityDateTime: IsoDateTime;
  activityDisplayName: string;
  category: string;
  correlationId?: string | null;
  loggedByService?: string | null;
  operationType?: string | null;
  result?: "success" | "failure" | "timeout" | "unknownFutureValue" | string | null;
  resultReason?: string | null;
  additionalDetails?: { key?: string | null; value?: string | null }[];
  initiatedBy?: { user?: UserIdentity | null; app?: AppIdentity | null } | null;
  targetResources?: TargetResource[];
  /** beta */
  userAgent?: string | null;
}

export interface SignInStatus {
  errorCode?: number | null;
  failureReason?: string | null;
  additionalDetails?: string | null;
}

export interface GeoCoordinates {
  latitude?: number | null;
  longitude?: number | null;
  altitude?: number | null;
}

export interface SignInLocation {
  city?: string | null;
  state?: string | null;
  countryOrRegion?: string | null;
  geoCoordinates?: GeoCoordinates | null;
}

export interface DeviceDetail {
  deviceId?: string | null;
  displayName?: string | null;
  operatingSystem?: string | null;
  browser?: string | null;
  isCompliant?: boolean | null;
  isManaged?: boolean | null;
  trustType?: string | null;
}

export interface AppliedConditionalAccessPolicy {
  id?: string | null;
  displayName?: string | null;
  enforcedGrantControls?: string[];
  enforcedSessionControls?: string[];
  result?: string | null;
}

/** beta `authenticationDetail` */
export interface AuthenticationDetail {
  authenticationMethod?: string | null;
  authenticationMethodDetail?: string | null;
  authenticationStepDateTime?: IsoDateTime | null;
  authenticationStepRequirement?: string | null;
  authenticationStepResultDetail?: string | null;
  succeeded?: boolean | null;
}

export interface SignIn {
  id: string;
  createdDateTime: IsoDateTime;
  userId: string;
  userPrincipalName?: string | null;
  userDisplayName?: string | null;
  appId?: string | null;
  appDisplayName?: string | null;
  ipAddress?: string | null;
  clientAppUsed?: string | null;
  correlationId?: string | null;
  conditionalAccessStatus?: "success" | "failure" | "notApplied" | "unknownFutureValue" | string | null;
  isInteractive?: boolean | null;
  resourceDisplayName?: string | null;
  resourceId?: string | null;
  riskDetail?: string | null;
  riskLevelAggregated?: string | null;
  riskLevelDuringSignIn?: string | null;
  riskState?: string | null;
  riskEventTypes_v2?: string[];
  userAgent?: string | null;
  status?: SignInStatus | null;
  deviceDetail?: DeviceDetail | null;
  location?: SignInLocation | null;
  appliedConditionalAccessPolicies?: AppliedConditionalAccessPolicy[];
  /** beta */
  authenticationDetails?: AuthenticationDetail[];
  /** beta: singleFactorAuthentication | multiFactorAuthentication */
  authenticationRequirement?: string | null;
  /** beta */
  mfaDetail?: { authMethod?: string | null; authDetail?: string | null } | null;
  /** beta: interactiveUser | nonInteractiveUser | servicePrincipal | managedIdentity */
  signInEventTypes?: string[];
  /** beta: none | primaryRefreshToken | refreshToken | … */
  incomingTokenType?: string | null;
  /** beta */
  autonomousSystemNumber?: number | null;
  /** beta */
  authenticationProtocol?: string | null;
  /** beta */
  sessionId?: string | null;
}

// ── Identity Protection ──────────────────────────────────────────────────────────────────────────

export type RiskLevel = "none" | "low" | "medium" | "high" | "hidden" | "unknownFutureValue";

export interface RiskyUser {
  id: string;
  userPrincipalName?: string | null;
  userDisplayName?: string | null;
  isDeleted?: boolean | null;
  isProcessing?: boolean | null;
  riskLevel?: RiskLevel | string | null;
  riskState?: string | null;
  riskDetail?: string | null;
  riskLastUpdatedDateTime?: IsoDateTime | null;
}

export interface RiskDetection {
  id: string;
  userId?: string | null;
  userPrincipalName?: string | null;
  userDisplayName?: string | null;
  riskEventType?: string | null;
  riskLevel?: RiskLevel | string | null;
  riskState?: string | null;
  riskDetail?: string | null;
  source?: string | null;
  detectionTimingType?: string | null;
  activity?: "signin" | "user" | string | null;
  tokenIssuerType?: string | null;
  ipAddress?: string | null;
  location?: SignInLocation | null;
  activityDateTime?: IsoDateTime | null;
  detectedDateTime?: IsoDateTime | null;
  lastUpdatedDateTime?: IsoDateTime | null;
  requestId?: string | null;
  correlationId?: string | null;
  additionalInfo?: string | null;
}

// ── Roles ────────────────────────────────────────────────────────────────────────────────────────

export interface UnifiedRoleDefinition {
  id: string;
  displayName?: string | null;
  templateId?: string | null;
  isBuiltIn?: boolean | null;
  isPrivileged?: boolean | null;
}

export interface UnifiedRoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string | null;
}

// ── Conditional Access and policies ──────────────────────────────────────────────────────────────

export interface ConditionalAccessPolicy {
  id: string;
  displayName?: string | null;
  state: "enabled" | "disabled" | "enabledForReportingButNotEnforced" | string;
  createdDateTime?: IsoDateTime | null;
  modifiedDateTime?: IsoDateTime | null;
  conditions: {
    users?: {
      includeUsers?: string[];
      excludeUsers?: string[];
      includeGroups?: string[];
      excludeGroups?: string[];
      includeRoles?: string[];
      excludeRoles?: string[];
    } | null;
    applications?: {
      includeApplications?: string[];
      excludeApplications?: string[];
      includeUserActions?: string[];
      includeAuthenticationContextClassReferences?: string[];
    } | null;
    clientAppTypes?: string[];
    locations?: { includeLocations?: string[]; excludeLocations?: string[] } | null;
    platforms?: { includePlatforms?: string[]; excludePlatforms?: string[] } | null;
    signInRiskLevels?: string[];
    userRiskLevels?: string[];
    authenticationFlows?: { transferMethods?: string | null } | null;
  };
  grantControls?: {
    operator?: "AND" | "OR" | string | null;
    builtInControls?: string[];
    customAuthenticationFactors?: string[];
    termsOfUse?: string[];
    authenticationStrength?: { id: string; displayName?: string | null } | null;
  } | null;
  sessionControls?: Record<string, unknown> | null;
}

export interface NamedLocation {
  "@odata.type": "#microsoft.graph.ipNamedLocation" | "#microsoft.graph.countryNamedLocation" | string;
  id: string;
  displayName?: string | null;
  createdDateTime?: IsoDateTime | null;
  modifiedDateTime?: IsoDateTime | null;
  /** ipNamedLocation */
  isTrusted?: boolean | null;
  ipRanges?: { "@odata.type"?: string; cidrAddress: string }[];
  /** countryNamedLocation */
  countriesAndRegions?: string[];
  includeUnknownCountriesAndRegions?: boolean | null;
}

export interface AuthenticationStrengthPolicy {
  id: string;
  displayName?: string | null;
  policyType?: "builtIn" | "custom" | string | null;
  allowedCombinations?: string[];
}

export interface AuthenticationMethodConfiguration {
  "@odata.type"?: string;
  id: string;
  state?: "enabled" | "disabled" | string | null;
  includeTargets?: { targetType?: string; id: string; isRegistrationRequired?: boolean }[];
  excludeTargets?: { targetType?: string; id: string }[];
  [setting: string]: unknown;
}

export interface AuthenticationMethodsPolicy {
  id: string;
  displayName?: string | null;
  policyVersion?: string | null;
  policyMigrationState?: string | null;
  registrationEnforcement?: {
    authenticationMethodsRegistrationCampaign?: {
      state?: string | null;
      snoozeDurationInDays?: number | null;
      includeTargets?: { id: string; targetType?: string; targetedAuthenticationMethod?: string }[];
      excludeTargets?: { id: string; targetType?: string }[];
    } | null;
  } | null;
  authenticationMethodConfigurations?: AuthenticationMethodConfiguration[];
}

export interface DeviceRegistrationPolicy {
  id: string;
  displayName?: string | null;
  userDeviceQuota?: number | null;
  multiFactorAuthConfiguration?: "notRequired" | "required" | string | null;
  azureADRegistration?: {
    isAdminConfigurable?: boolean | null;
    allowedToRegister?: { "@odata.type"?: string; users?: string[]; groups?: string[] } | null;
  } | null;
  azureADJoin?: {
    isAdminConfigurable?: boolean | null;
    allowedToJoin?: { "@odata.type"?: string; users?: string[]; groups?: string[] } | null;
  } | null;
  localAdminPassword?: { isEnabled?: boolean | null } | null;
}

export interface AuthorizationPolicy {
  id: string;
  allowedToUseSSPR?: boolean | null;
  allowEmailVerifiedUsersToJoinOrganization?: boolean | null;
  blockMsolPowerShell?: boolean | null;
  defaultUserRolePermissions?: Record<string, unknown> | null;
  [setting: string]: unknown;
}

export interface SecurityDefaultsPolicy {
  id: string;
  displayName?: string | null;
  isEnabled: boolean;
}
