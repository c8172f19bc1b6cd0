import type {
  AuthenticationMethodODataType,
  DirectoryAudit,
  ModifiedProperty,
  TargetResource,
} from "../graph/types.js";

/**
 * Reading directory audit records: activity classification, the JSON-in-a-string modified
 * properties, and additional details. Everything tolerates missing or malformed fields, because
 * imported exports are often lossy; a value that cannot be read is simply absent.
 */

/** Decodes a modifiedProperty value: Graph stores JSON inside a string ("[\"Windows\"]", "\"False\""). */
export function decodeValue(raw: string | null | undefined): unknown {
  if (raw == null || raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** First scalar of a decoded value: `["Windows"]` → "Windows", `"x"` → "x". */
export function scalarOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return scalarOf(value[0]);
  if (typeof value === "string") return value.trim() || undefined;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function squash(name: string): string {
  return name.replace(/[\s_-]/g, "").toLowerCase();
}

export function findProperty(
  target: TargetResource | undefined,
  ...names: string[]
): ModifiedProperty | undefined {
  const wanted = new Set(names.map(squash));
  return target?.modifiedProperties?.find((prop) => prop.displayName && wanted.has(squash(prop.displayName)));
}

/** Additional-detail lookup by key, ignoring case, spaces and dashes ("User-Agent" = "useragent"). */
export function additionalDetail(audit: DirectoryAudit, ...keys: string[]): string | undefined {
  const wanted = new Set(keys.map(squash));
  for (const entry of audit.additionalDetails ?? []) {
    if (entry.key && wanted.has(squash(entry.key)) && entry.value) return entry.value;
  }
  return undefined;
}

export function targetOfType(audit: DirectoryAudit, type: string): TargetResource | undefined {
  const lower = type.toLowerCase();
  return audit.targetResources?.find((target) => target.type?.toLowerCase() === lower);
}

export interface Initiator {
  userId?: string;
  userPrincipalName?: string;
  appId?: string;
  appName?: string;
  ipAddress?: string;
}

export function initiatorOf(audit: DirectoryAudit): Initiator {
  const user = audit.initiatedBy?.user;
  const app = audit.initiatedBy?.app;
  const ip = user?.ipAddress;
  return {
    userId: user?.id ?? undefined,
    userPrincipalName: user?.userPrincipalName?.toLowerCase() ?? undefined,
    appId: app?.appId ?? undefined,
    appName: app?.displayName ?? app?.servicePrincipalName ?? undefined,
    // "<null>" and empty strings appear in exports where the IP was not recorded.
    ipAddress: ip && ip !== "<null>" ? ip : undefined,
  };
}

export function describeInitiator(initiator: Initiator): string {
  return initiator.userPrincipalName ?? initiator.appName ?? initiator.userId ?? initiator.appId ?? "unknown";
}

/** What an audit record means for detection. */
export type AuditClass =
  | "methodRegisteredByUser"
  | "methodRegisteredByAdmin"
  | "methodChanged"
  | "strongAuthUpdate"
  | "passwordlessCredential"
  | "deviceAdded"
  | "deviceRegistered"
  | "deviceOwnerAdded"
  | "fraudReport"
  | "other";

const STRONG_AUTH_PROPERTIES = [
  "StrongAuthenticationMethod",
  "StrongAuthenticationUserDetails",
  "StrongAuthenticationPhoneAppDetail",
];

export function strongAuthProperties(audit: DirectoryAudit): ModifiedProperty[] {
  const out: ModifiedProperty[] = [];
  for (const target of audit.targetResources ?? []) {
    for (const name of STRONG_AUTH_PROPERTIES) {
      const prop = findProperty(target, name);
      if (prop) out.push(prop);
    }
  }
  return out;
}

/**
 * Classifies one audit record. "User reviewed security info", "started/canceled registration" and
 * "registered all required security info" are views or summaries, not changes, and stay "other"
 * (the Sentinel #7705 trap). "Update user" counts only when it touches one of the three
 * StrongAuthentication* properties (read all three: Splunk #3867, Sentinel #4786).
 */
export function classifyAudit(audit: DirectoryAudit): AuditClass {
  const name = audit.activityDisplayName.trim().toLowerCase();
  if (audit.result && audit.result !== "success" && String(audit.result) !== "0") return "other";
  switch (name) {
    case "user registered security info":
      return "methodRegisteredByUser";
    case "admin registered security info":
      return "methodRegisteredByAdmin";
    case "admin updated security info":
    case "user changed default security info":
    case "user updated security info":
      return "methodChanged";
    case "update user":
      return strongAuthProperties(audit).length > 0 ? "strongAuthUpdate" : "other";
    case "add device":
      return "deviceAdded";
    case "register device":
      return "deviceRegistered";
    case "add registered owner to device":
    case "add registered users to device":
      return "deviceOwnerAdded";
    case "suspicious activity reported":
      return "fraudReport";
    default:
      if (name.startsWith("fraud reported")) return "fraudReport";
      if (
        /^add (fido2 security key|windows hello for business credential|passwordless phone sign-in credential|platform credential)/.test(
          name,
        )
      )
        return "passwordlessCredential";
      return "other";
  }
}

/**
 * Service-initiated "User registered security info" (silent Authenticator token renewal,
 * combined-registration metadata, system-preferred MFA recalculation; Sigma PR #6146): no initiating
 * user, or a reason that names the service action. These are not user actions.
 */
export function isServiceInitiated(audit: DirectoryAudit): boolean {
  const user = audit.initiatedBy?.user;
  if (!user?.id && !user?.userPrincipalName) return true;
  return /renew|refresh|metadata|system[- ]?preferred|recalculat/i.test(audit.resultReason ?? "");
}

/** Method type named in a resultReason or activity text ("User registered Authenticator App with …"). */
export function methodTypeFromText(
  text: string | null | undefined,
): AuthenticationMethodODataType | undefined {
  const t = (text ?? "").toLowerCase();
  if (!t) return undefined;
  if (t.includes("temporary access pass")) return "#microsoft.graph.temporaryAccessPassAuthenticationMethod";
  if (t.includes("fido") || t.includes("security key") || t.includes("passkey"))
    return "#microsoft.graph.fido2AuthenticationMethod";
  if (t.includes("windows hello")) return "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod";
  if (t.includes("platform credential")) return "#microsoft.graph.platformCredentialAuthenticationMethod";
  // "Authenticator App with Code" is the app as an OATH token; "with Notification and Code" is push.
  if (t.includes("authenticator app with code")) return "#microsoft.graph.softwareOathAuthenticationMethod";
  if (t.includes("authenticator") || t.includes("passwordless phone") || t.includes("phone app"))
    return "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod";
  if (t.includes("oath") || t.includes("software token") || t.includes("third-party"))
    return "#microsoft.graph.softwareOathAuthenticationMethod";
  if (t.includes("email")) return "#microsoft.graph.emailAuthenticationMethod";
  if (t.includes("phone") || t.includes("sms") || t.includes("voice") || t.includes("mobile"))
    return "#microsoft.graph.phoneAuthenticationMethod";
  return undefined;
}
