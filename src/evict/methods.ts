import type { AuthenticationMethod, AuthenticationMethodODataType } from "../graph/types.js";
import { FIXED_METHOD_IDS, METHOD_COLLECTIONS } from "../graph/types.js";

/**
 * What the eviction needs to know about each authentication-method type: how it is deleted, which
 * application permissions Graph accepts for that delete (permissions.json), and whether it lets the
 * user pass MFA after the eviction (the "never password-only" rule).
 */

const ODATA_TYPES = Object.keys(METHOD_COLLECTIONS) as AuthenticationMethodODataType[];

export function isMethodODataType(value: string): value is AuthenticationMethodODataType {
  return (ODATA_TYPES as string[]).includes(value);
}

/** Types that satisfy an MFA prompt on their own. Email is SSPR-only; a TAP is temporary by design. */
const MFA_CAPABLE = new Set<AuthenticationMethodODataType>([
  "#microsoft.graph.phoneAuthenticationMethod",
  "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
  "#microsoft.graph.fido2AuthenticationMethod",
  "#microsoft.graph.softwareOathAuthenticationMethod",
  "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
  "#microsoft.graph.platformCredentialAuthenticationMethod",
  "#microsoft.graph.externalAuthenticationMethod",
]);

export function isStrongMethod(method: Pick<AuthenticationMethod, "@odata.type">): boolean {
  return MFA_CAPABLE.has(method["@odata.type"]);
}

/** Least-privileged first; Graph also accepts the broad `UserAuthenticationMethod.ReadWrite.All`. */
const DELETE_PERMISSION: Partial<Record<AuthenticationMethodODataType, string>> = {
  "#microsoft.graph.phoneAuthenticationMethod": "UserAuthMethod-Phone.ReadWrite.All",
  "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod":
    "UserAuthMethod-MicrosoftAuthApp.ReadWrite.All",
  "#microsoft.graph.fido2AuthenticationMethod": "UserAuthMethod-Passkey.ReadWrite.All",
  "#microsoft.graph.softwareOathAuthenticationMethod": "UserAuthMethod-SoftwareOATH.ReadWrite.All",
  "#microsoft.graph.emailAuthenticationMethod": "UserAuthMethod-Email.ReadWrite.All",
  "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod": "UserAuthMethod-WindowsHello.ReadWrite.All",
  "#microsoft.graph.platformCredentialAuthenticationMethod": "UserAuthMethod-PlatformCred.ReadWrite.All",
  "#microsoft.graph.temporaryAccessPassAuthenticationMethod": "UserAuthMethod-TAP.ReadWrite.All",
  "#microsoft.graph.externalAuthenticationMethod": "UserAuthMethod-External.ReadWrite.All",
};

export function deletePermissions(odataType: AuthenticationMethodODataType): string[] {
  const specific = DELETE_PERMISSION[odataType];
  return specific ? [specific, "UserAuthenticationMethod.ReadWrite.All"] : [];
}

/** The password method has no DELETE in Graph: it is never a deletion target. */
export function isDeletable(odataType: AuthenticationMethodODataType): boolean {
  return odataType !== "#microsoft.graph.passwordAuthenticationMethod";
}

export function methodPath(
  userId: string,
  odataType: AuthenticationMethodODataType,
  methodId: string,
): string {
  return `/users/${encodeURIComponent(userId)}/authentication/${METHOD_COLLECTIONS[odataType]}/${encodeURIComponent(methodId)}`;
}

export function methodLabel(method: AuthenticationMethod): string {
  switch (method["@odata.type"]) {
    case "#microsoft.graph.phoneAuthenticationMethod":
      return `phone (${method.phoneType}) ${method.phoneNumber}`;
    case "#microsoft.graph.emailAuthenticationMethod":
      return `email ${method.emailAddress}`;
    case "#microsoft.graph.passwordAuthenticationMethod":
      return "password";
    case "#microsoft.graph.softwareOathAuthenticationMethod":
      return "software OATH token";
    case "#microsoft.graph.temporaryAccessPassAuthenticationMethod":
      return "temporary access pass";
    default: {
      const name = "displayName" in method ? method.displayName : undefined;
      const kind = method["@odata.type"].replace("#microsoft.graph.", "").replace("AuthenticationMethod", "");
      return name ? `${kind} "${name}"` : kind;
    }
  }
}

/**
 * The user's default MFA method as the registration report names it, mapped to the method it
 * designates; undefined when system-preferred MFA decides (then no single method is "the default")
 * or the report does not say.
 */
export type DefaultMethodPreference =
  | "push"
  | "oath"
  | "voiceMobile"
  | "voiceAlternateMobile"
  | "voiceOffice"
  | "sms";

export function methodForPreference(
  preference: string | null | undefined,
  methods: readonly AuthenticationMethod[],
): AuthenticationMethod | undefined {
  switch (preference) {
    case "sms":
    case "voiceMobile":
      return methods.find((m) => m.id === FIXED_METHOD_IDS.mobile);
    case "voiceAlternateMobile":
      return methods.find((m) => m.id === FIXED_METHOD_IDS.alternateMobile);
    case "voiceOffice":
      return methods.find((m) => m.id === FIXED_METHOD_IDS.office);
    case "push":
      return methods.find(
        (m) => m["@odata.type"] === "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
      );
    case "oath":
      return methods.find((m) => m["@odata.type"] === "#microsoft.graph.softwareOathAuthenticationMethod");
    default:
      return undefined;
  }
}

/** The preference value that makes `method` the default, when Graph has one for its type. */
export function preferenceFor(method: AuthenticationMethod): DefaultMethodPreference | undefined {
  switch (method["@odata.type"]) {
    case "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod":
      return "push";
    case "#microsoft.graph.softwareOathAuthenticationMethod":
      return "oath";
    case "#microsoft.graph.phoneAuthenticationMethod":
      if (method.phoneType === "mobile") return "sms";
      return method.phoneType === "alternateMobile" ? "voiceAlternateMobile" : "voiceOffice";
    default:
      return undefined;
  }
}
