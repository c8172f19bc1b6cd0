import type {
  AuthenticationMethodConfiguration,
  ConditionalAccessPolicy,
  DeviceRegistrationPolicy,
} from "../graph/types.js";

/**
 * Graph properties posture reads beyond the shared types in src/graph/types.ts. They are declared
 * here, next to their only reader, rather than widening the shared file that other engineers edit;
 * names and shapes follow the v1.0 CSDL (`conditionalAccessUsers`, `conditionalAccessConditionSet`,
 * the `*AuthenticationMethodConfiguration` entity types).
 */

export interface GuestsOrExternalUsers {
  guestOrExternalUserTypes?: string | null;
  externalTenants?: { membershipKind?: string | null; members?: string[] } | null;
}

export type CaUsers = NonNullable<ConditionalAccessPolicy["conditions"]["users"]> & {
  includeGuestsOrExternalUsers?: GuestsOrExternalUsers | null;
  excludeGuestsOrExternalUsers?: GuestsOrExternalUsers | null;
};

export type CaConditions = ConditionalAccessPolicy["conditions"] & {
  users?: CaUsers | null;
  devices?: { deviceFilter?: { mode?: string; rule?: string } | null } | null;
  servicePrincipalRiskLevels?: string[];
  insiderRiskLevels?: string | null;
};

export type CaPolicy = Omit<ConditionalAccessPolicy, "conditions"> & {
  description?: string | null;
  templateId?: string | null;
  conditions: CaConditions;
};

/** Reads a CA policy with the extra CSDL properties in view (they travel in the same JSON). */
export function asCaPolicy(policy: ConditionalAccessPolicy): CaPolicy {
  return policy as CaPolicy;
}

export interface FeatureTarget {
  id?: string | null;
  targetType?: string | null;
}

export interface FeatureConfiguration {
  state?: "default" | "enabled" | "disabled" | string | null;
  includeTarget?: FeatureTarget | null;
  excludeTarget?: FeatureTarget | null;
}

/** The common part of every `*AuthenticationMethodConfiguration` (CSDL base type). */
interface MethodConfigurationBase {
  "@odata.type"?: string;
  id: string;
  state?: "enabled" | "disabled" | string | null;
  excludeTargets?: { targetType?: string; id: string }[];
}

export type AuthenticatorConfiguration = MethodConfigurationBase & {
  isSoftwareOathEnabled?: boolean | null;
  featureSettings?: {
    displayAppInformationRequiredState?: FeatureConfiguration | null;
    displayLocationInformationRequiredState?: FeatureConfiguration | null;
    /** beta only; number matching is enforced for everyone now, so absence is not a gap. */
    numberMatchingRequiredState?: FeatureConfiguration | null;
  } | null;
  includeTargets?: {
    id: string;
    targetType?: string;
    isRegistrationRequired?: boolean;
    authenticationMode?: string;
  }[];
};

export type SmsConfiguration = MethodConfigurationBase & {
  includeTargets?: {
    id: string;
    targetType?: string;
    isRegistrationRequired?: boolean;
    isUsableForSignIn?: boolean;
  }[];
};

export type TapConfiguration = AuthenticationMethodConfiguration & {
  defaultLength?: number | null;
  defaultLifetimeInMinutes?: number | null;
  minimumLifetimeInMinutes?: number | null;
  maximumLifetimeInMinutes?: number | null;
  isUsableOnce?: boolean | null;
};

export type Fido2Configuration = AuthenticationMethodConfiguration & {
  isAttestationEnforced?: boolean | null;
  isSelfServiceRegistrationAllowed?: boolean | null;
  keyRestrictions?: {
    isEnforced?: boolean | null;
    enforcementType?: string | null;
    aaGuids?: string[];
  } | null;
};

export type DeviceRegistrationMembership = NonNullable<
  NonNullable<DeviceRegistrationPolicy["azureADJoin"]>["allowedToJoin"]
>;

export const ALL_DEVICE_MEMBERSHIP = "#microsoft.graph.allDeviceRegistrationMembership";
export const NO_DEVICE_MEMBERSHIP = "#microsoft.graph.noDeviceRegistrationMembership";

/** The sentinel ids Graph uses in CA conditions and method targets. */
export const ALL = "All";
export const ALL_USERS_TARGET = "all_users";
export const USER_ACTION_REGISTER_SECURITY_INFO = "urn:user:registersecurityinfo";
export const USER_ACTION_REGISTER_DEVICE = "urn:user:registerdevice";

/** Built-in authentication strengths (graph-entra.md §8.3). */
export const STRENGTH_MFA = "00000000-0000-0000-0000-000000000002";
export const STRENGTH_PASSWORDLESS = "00000000-0000-0000-0000-000000000003";
export const STRENGTH_PHISHING_RESISTANT = "00000000-0000-0000-0000-000000000004";

/** Method modes that resist phishing (the combinations of the built-in phishing-resistant strength). */
export const PHISHING_RESISTANT_MODES: ReadonlySet<string> = new Set([
  "windowsHelloForBusiness",
  "fido2",
  "x509CertificateMultiFactor",
]);
