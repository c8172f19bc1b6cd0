/**
 * Builders for log records (directory audits and sign-ins) shaped like the ones Entra ID writes:
 * the generator's history and every scenario's attack go through them, so both look alike.
 *
 * Sign-in records are built in bulk (millions for a large tenant): nested objects that do not vary per
 * record (status, location, device detail, empty arrays) are shared and frozen, not copied.
 */
import type {
  AuthenticationDetail,
  DeviceDetail,
  DirectoryAudit,
  ModifiedProperty,
  SignIn,
  SignInLocation,
  SignInStatus,
  TargetResource,
} from "../../graph/types.js";
import type { City } from "./catalog.js";
import type { Rng } from "./prng.js";

/** The user side of a record: who signed in, who acted or who was acted on. */
export interface Actor {
  id: string;
  userPrincipalName: string;
  displayName?: string | null;
}

export interface AppRef {
  appId: string;
  displayName: string;
}

/** Shared by many records; frozen so a consumer that mutates one cannot change them all. */
const EMPTY = Object.freeze([]) as unknown as never[];
export const SUCCESS_STATUS: SignInStatus = Object.freeze({
  errorCode: 0,
  failureReason: null,
  additionalDetails: null,
});

/**
 * Graph timestamps carry seven fractional digits; the last four are drawn so records do not collide.
 * Formatted by hand into a buffer (the date part cached per day): this runs for every record of a
 * large tenant, and Date#toISOString plus concatenation dominated the generator's profile.
 */
export function isoTime(ms: number, rng: Rng): string {
  const dayIndex = Math.floor(ms / 86_400_000);
  if (dayIndex !== isoCachedDay) {
    isoCachedDay = dayIndex;
    ISO_SCRATCH.write(new Date(dayIndex * 86_400_000).toISOString().slice(0, 11), 0, 11, "latin1");
  }
  let rest = ms - dayIndex * 86_400_000;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  const b = ISO_SCRATCH;
  b[11] = 48 + Math.floor(hour / 10);
  b[12] = 48 + (hour % 10);
  b[13] = 58; // ":"
  b[14] = 48 + Math.floor(min / 10);
  b[15] = 48 + (min % 10);
  b[16] = 58;
  b[17] = 48 + Math.floor(sec / 10);
  b[18] = 48 + (sec % 10);
  b[19] = 46; // "."
  b[20] = 48 + Math.floor(millis / 100);
  b[21] = 48 + (Math.floor(millis / 10) % 10);
  b[22] = 48 + (millis % 10);
  const extra = rng.int(10_000);
  b[23] = 48 + Math.floor(extra / 1000);
  b[24] = 48 + (Math.floor(extra / 100) % 10);
  b[25] = 48 + (Math.floor(extra / 10) % 10);
  b[26] = 48 + (extra % 10);
  b[27] = 90; // "Z"
  return b.toString("latin1", 0, 28);
}
const ISO_SCRATCH = Buffer.alloc(28);
let isoCachedDay = Number.NaN;

export function frozenStatus(s: {
  errorCode: number;
  failureReason: string;
  additionalDetails?: string;
}): SignInStatus {
  return Object.freeze({
    errorCode: s.errorCode,
    failureReason: s.failureReason,
    additionalDetails: s.additionalDetails ?? null,
  });
}

export function locationOf(city: City): SignInLocation {
  return Object.freeze({
    city: city.city,
    state: city.state,
    countryOrRegion: city.country,
    geoCoordinates: Object.freeze({ latitude: city.latitude, longitude: city.longitude, altitude: null }),
  });
}

export function deviceDetailOf(d: DeviceDetail): DeviceDetail {
  return Object.freeze({
    deviceId: d.deviceId ?? "",
    displayName: d.displayName ?? null,
    operatingSystem: d.operatingSystem ?? null,
    browser: d.browser ?? null,
    isCompliant: d.isCompliant ?? null,
    isManaged: d.isManaged ?? null,
    trustType: d.trustType ?? null,
  });
}

// ── Sign-ins ─────────────────────────────────────────────────────────────────────────────────────

export interface SignInInput {
  at: number;
  /** createdDateTime, when the caller already drew it for the authentication steps. */
  iso?: string;
  user: Actor;
  app: AppRef;
  resource: { id: string; displayName: string };
  ip: string;
  asn: number;
  location: SignInLocation;
  interactive: boolean;
  clientAppUsed: "Browser" | "Mobile Apps and Desktop clients" | "Exchange ActiveSync" | "Other clients";
  userAgent: string;
  deviceDetail: DeviceDetail;
  status?: SignInStatus;
  mfa?: boolean;
  authenticationDetails?: AuthenticationDetail[];
  mfaDetail?: { authMethod: string | null; authDetail: string | null } | null;
  incomingTokenType?: "none" | "primaryRefreshToken" | "refreshToken";
  authenticationProtocol?: "none" | "deviceCode" | "ropc" | "oAuth2";
  correlationId?: string;
  sessionId?: string;
  conditionalAccessStatus?: "success" | "failure" | "notApplied";
  risk?: { level: "low" | "medium" | "high"; eventTypes: string[]; state?: string };
}

const INTERACTIVE_TYPES = Object.freeze(["interactiveUser"]) as string[];
const NON_INTERACTIVE_TYPES = Object.freeze(["nonInteractiveUser"]) as string[];

export function signIn(input: SignInInput, rng: Rng): SignIn {
  const id = rng.guid();
  const risk = input.risk;
  return {
    id,
    createdDateTime: input.iso ?? isoTime(input.at, rng),
    userDisplayName: input.user.displayName ?? null,
    userPrincipalName: input.user.userPrincipalName.toLowerCase(),
    userId: input.user.id,
    appId: input.app.appId,
    appDisplayName: input.app.displayName,
    ipAddress: input.ip,
    clientAppUsed: input.clientAppUsed,
    correlationId: input.correlationId ?? rng.guid(),
    conditionalAccessStatus: input.conditionalAccessStatus ?? "success",
    isInteractive: input.interactive,
    resourceDisplayName: input.resource.displayName,
    resourceId: input.resource.id,
    riskDetail: "none",
    riskLevelAggregated: risk ? risk.level : "none",
    riskLevelDuringSignIn: risk ? risk.level : "none",
    riskState: risk ? (risk.state ?? "atRisk") : "none",
    riskEventTypes_v2: risk ? risk.eventTypes : EMPTY,
    userAgent: input.userAgent,
    status: input.status ?? SUCCESS_STATUS,
    deviceDetail: input.deviceDetail,
    location: input.location,
    appliedConditionalAccessPolicies: EMPTY,
    authenticationDetails: input.authenticationDetails ?? EMPTY,
    authenticationRequirement: input.mfa ? "multiFactorAuthentication" : "singleFactorAuthentication",
    mfaDetail: input.mfaDetail ?? null,
    signInEventTypes: input.interactive ? INTERACTIVE_TYPES : NON_INTERACTIVE_TYPES,
    incomingTokenType: input.incomingTokenType ?? "none",
    autonomousSystemNumber: input.asn,
    authenticationProtocol: input.authenticationProtocol ?? "none",
    sessionId: input.sessionId ?? null,
  };
}

/** Authentication steps as `authenticationDetails` shows them. */
export const AUTH_METHOD_LABEL = {
  push: "Mobile app notification",
  sms: "Text message",
  oath: "OATH verification code",
  fido2: "FIDO2 security key",
  whfb: "Windows Hello for Business",
  tap: "Temporary Access Pass",
} as const;
export type MfaKind = keyof typeof AUTH_METHOD_LABEL;

export const MFA_DETAIL_METHOD: Readonly<Record<MfaKind, string>> = {
  push: "PhoneAppNotification",
  sms: "OneWaySMS",
  oath: "PhoneAppOTP",
  fido2: "FIDO2",
  whfb: "Windows Hello for Business",
  tap: "Temporary Access Pass",
};

export function passwordStep(at: string, ok: boolean): AuthenticationDetail {
  return {
    authenticationStepDateTime: at,
    authenticationMethod: "Password",
    authenticationMethodDetail: "Password in the cloud",
    succeeded: ok,
    authenticationStepResultDetail: ok
      ? "Correct password"
      : "Invalid username or password or Invalid on-premise username or password.",
    authenticationStepRequirement: "Primary authentication",
  };
}

export function mfaStep(at: string, kind: MfaKind, ok: boolean, detail?: string): AuthenticationDetail {
  return {
    authenticationStepDateTime: at,
    authenticationMethod: AUTH_METHOD_LABEL[kind],
    authenticationMethodDetail: null,
    succeeded: ok,
    authenticationStepResultDetail:
      detail ?? (ok ? "MFA successfully completed" : "MFA denied; user declined the authentication"),
    authenticationStepRequirement:
      kind === "fido2" || kind === "whfb" || kind === "tap"
        ? "Primary authentication"
        : "Multifactor authentication",
  };
}

export function previouslySatisfied(at: string, mfa: boolean): AuthenticationDetail {
  return {
    authenticationStepDateTime: at,
    authenticationMethod: "Previously satisfied",
    authenticationMethodDetail: null,
    succeeded: true,
    authenticationStepResultDetail: mfa
      ? "MFA requirement satisfied by claim in the token"
      : "First factor requirement satisfied by claim in the token",
    authenticationStepRequirement: mfa ? "Multifactor authentication" : "Primary authentication",
  };
}

// ── Directory audits ─────────────────────────────────────────────────────────────────────────────

export type AuditInitiator =
  | { user: Actor; ip: string }
  | { app: { appId: string | null; displayName: string; servicePrincipalId?: string | null } };

export interface AuditInput {
  at: number;
  activity: string;
  category:
    | "UserManagement"
    | "Device"
    | "Policy"
    | "RoleManagement"
    | "ApplicationManagement"
    | "GroupManagement"
    | "Other";
  service:
    | "Core Directory"
    | "Authentication Methods"
    | "Device Registration Service"
    | "Conditional Access"
    | "Self-service Password Management"
    | "MFA";
  operationType: "Add" | "Update" | "Delete" | "Assign" | "Unassign" | "Other";
  initiator: AuditInitiator;
  targets: TargetResource[];
  result?: "success" | "failure";
  resultReason?: string;
  additionalDetails?: { key: string; value: string }[];
  correlationId?: string;
  userAgent?: string | null;
}

const SERVICE_ID_PREFIX: Readonly<Record<AuditInput["service"], string>> = {
  "Core Directory": "Directory",
  "Authentication Methods": "UserManagement",
  "Device Registration Service": "DRS",
  "Conditional Access": "IPCGraph",
  "Self-service Password Management": "SSPR",
  MFA: "MFA",
};

export function audit(input: AuditInput, rng: Rng): DirectoryAudit {
  const correlationId = input.correlationId ?? rng.guid();
  const init = input.initiator;
  return {
    id: `${SERVICE_ID_PREFIX[input.service]}_${correlationId}_${rng.chars("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 5)}_${rng.digits(8)}`,
    category: input.category,
    correlationId,
    result: input.result ?? "success",
    resultReason: input.resultReason ?? "",
    activityDisplayName: input.activity,
    activityDateTime: isoTime(input.at, rng),
    loggedByService: input.service,
    operationType: input.operationType,
    userAgent: input.userAgent ?? null,
    initiatedBy:
      "user" in init
        ? {
            app: null,
            user: {
              id: init.user.id,
              displayName: null,
              userPrincipalName: init.user.userPrincipalName,
              ipAddress: init.ip,
            },
          }
        : {
            user: null,
            app: {
              appId: init.app.appId,
              displayName: init.app.displayName,
              servicePrincipalId: init.app.servicePrincipalId ?? null,
              servicePrincipalName: null,
            },
          },
    targetResources: input.targets,
    additionalDetails: input.additionalDetails ?? [],
  };
}

export function userTarget(user: Actor, modifiedProperties: ModifiedProperty[] = []): TargetResource {
  return {
    id: user.id,
    displayName: user.displayName ?? null,
    type: "User",
    userPrincipalName: user.userPrincipalName,
    groupType: null,
    modifiedProperties,
  };
}

export function deviceTarget(
  device: { id: string; displayName?: string | null },
  modifiedProperties: ModifiedProperty[] = [],
): TargetResource {
  return {
    id: device.id,
    displayName: device.displayName ?? null,
    type: "Device",
    userPrincipalName: null,
    groupType: null,
    modifiedProperties,
  };
}

/** A modified property: Graph encodes old/new values as strings that contain JSON. */
export function changed(displayName: string, oldValue: unknown, newValue: unknown): ModifiedProperty {
  return { displayName, oldValue: JSON.stringify(oldValue), newValue: JSON.stringify(newValue) };
}

/** The synthetic entry Core Directory appends to every update. */
export function includedUpdated(names: string[]): ModifiedProperty {
  return {
    displayName: "Included Updated Properties",
    oldValue: null,
    newValue: JSON.stringify(names.join(", ")),
  };
}

/** The initiator Core Directory names when MFA registration updates the user object. */
export const STRONG_AUTH_SERVICE = {
  appId: null,
  displayName: "Azure MFA StrongAuthenticationService",
} as const;
export const DRS_INITIATOR = {
  appId: "01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9",
  displayName: "Device Registration Service",
} as const;
