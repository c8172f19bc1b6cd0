import { randomUUID } from "node:crypto";
import {
  type AuthenticationMethod,
  type AuthenticationMethodODataType,
  FIXED_METHOD_IDS,
  type PhoneMethod,
  type SignIn,
  type SignInLocation,
  type UserIdentity,
} from "../../graph/types.js";
import type { TenantDevice, TenantSession, TenantUser } from "../tenant/schema.js";
import { coreDirectoryChanges, USER_REGISTERED_REASON } from "./audit.js";
import type { EmulatorState } from "./state.js";
import { APP } from "./well-known.js";

/**
 * What an attacker (or a user) does through the real service, and the records the service writes
 * for it: registering a method, registering or joining a device, signing in. Watch-mode and
 * eviction tests use these to make the attacker "come back".
 */

export interface Actor {
  /** Source IP of the attacker's client. */
  ipAddress: string;
  userAgent?: string;
  location?: SignInLocation;
  /** When it happens (default now). */
  when?: Date;
}

export class ActionError extends Error {}

function requireUser(state: EmulatorState, userId: string): TenantUser {
  const user = state.findUser(userId);
  if (!user) throw new ActionError(`no user '${userId}' in the tenant`);
  return user;
}

function userIdentity(user: TenantUser, actor: Actor): UserIdentity {
  return {
    id: user.id,
    displayName: null,
    userPrincipalName: user.userPrincipalName,
    ipAddress: actor.ipAddress,
  };
}

const OUTCOMES = {
  success: {
    errorCode: 0,
    failureReason: null,
    additionalDetails: "MFA requirement satisfied by claim in the token",
  },
  badPassword: {
    errorCode: 50126,
    failureReason: "Error validating credentials due to invalid username or password.",
    additionalDetails: null,
  },
  mfaDenied: {
    errorCode: 500121,
    failureReason: "Authentication failed during strong authentication request.",
    additionalDetails: "MFA denied; user declined the authentication",
  },
  mfaTimeout: {
    errorCode: 500121,
    failureReason: "Authentication failed during strong authentication request.",
    additionalDetails: "MFA denied; user did not respond to mobile app notification",
  },
  mfaFraud: {
    errorCode: 500121,
    failureReason: "Authentication failed during strong authentication request.",
    additionalDetails: "MFA denied; Phone App Reported Fraud",
  },
  blockedByConditionalAccess: {
    errorCode: 53003,
    failureReason: "Access has been blocked by Conditional Access policies.",
    additionalDetails: null,
  },
  accountDisabled: { errorCode: 50057, failureReason: "User account is disabled.", additionalDetails: null },
  sessionRevoked: {
    errorCode: 50173,
    failureReason: "The provided grant has expired due to it being revoked, a fresh auth token is needed.",
    additionalDetails: null,
  },
} as const;

export type SignInOutcome = keyof typeof OUTCOMES;

export interface SignInAction extends Actor {
  userId: string;
  outcome: SignInOutcome;
  appId?: string;
  appDisplayName?: string;
  resourceDisplayName?: string;
  interactive?: boolean;
  /** Operating system and browser as the sign-in log reports them. */
  deviceDetail?: SignIn["deviceDetail"];
  /** A successful sign-in opens a session; mark it as the attacker's so tests can watch it end. */
  attackerSession?: boolean;
}

export function signIn(
  state: EmulatorState,
  action: SignInAction,
): { signIn: SignIn; session?: TenantSession } {
  const user = requireUser(state, action.userId);
  const when = action.when ?? new Date();
  const outcomeName: SignInOutcome =
    user.accountEnabled === false && action.outcome === "success" ? "accountDisabled" : action.outcome;
  const outcome = OUTCOMES[outcomeName];
  const interactive = action.interactive ?? true;
  const mfaStep = outcome.errorCode === 500121 || outcome.errorCode === 0;
  const record: SignIn = {
    id: randomUUID(),
    createdDateTime: when.toISOString(),
    userId: user.id,
    userPrincipalName: user.userPrincipalName.toLowerCase(),
    userDisplayName: user.displayName ?? null,
    appId: action.appId ?? APP.officeHome,
    appDisplayName: action.appDisplayName ?? "Office 365",
    resourceDisplayName: action.resourceDisplayName ?? "Office 365 Exchange Online",
    ipAddress: action.ipAddress,
    clientAppUsed: "Browser",
    correlationId: randomUUID(),
    conditionalAccessStatus: outcome.errorCode === 53003 ? "failure" : "notApplied",
    isInteractive: interactive,
    riskDetail: "none",
    riskLevelAggregated: "none",
    riskLevelDuringSignIn: "none",
    riskState: "none",
    riskEventTypes_v2: [],
    userAgent: action.userAgent ?? null,
    status: {
      errorCode: outcome.errorCode,
      failureReason: outcome.failureReason,
      additionalDetails: outcome.additionalDetails,
    },
    deviceDetail: action.deviceDetail ?? {
      deviceId: "",
      displayName: "",
      operatingSystem: "Windows10",
      browser: "Edge 120.0.0",
      isCompliant: false,
      isManaged: false,
      trustType: "",
    },
    location: action.location ?? { city: null, state: null, countryOrRegion: null, geoCoordinates: null },
    appliedConditionalAccessPolicies: [],
    signInEventTypes: [interactive ? "interactiveUser" : "nonInteractiveUser"],
    authenticationRequirement: mfaStep ? "multiFactorAuthentication" : "singleFactorAuthentication",
    authenticationDetails: [
      {
        authenticationMethod: "Password",
        authenticationStepDateTime: when.toISOString(),
        authenticationStepRequirement: "Primary authentication",
        authenticationStepResultDetail:
          outcome.errorCode === 50126 ? "Invalid username or password" : "Correct password",
        succeeded: outcome.errorCode !== 50126,
      },
      ...(mfaStep
        ? [
            {
              authenticationMethod: "Mobile app notification",
              authenticationStepDateTime: when.toISOString(),
              authenticationStepRequirement: "Multifactor authentication",
              authenticationStepResultDetail: outcome.additionalDetails ?? "MFA successfully completed",
              succeeded: outcome.errorCode === 0,
            },
          ]
        : []),
    ],
  };
  state.addSignIn(record);
  if (outcome.errorCode !== 0) return { signIn: record };
  const session: TenantSession = {
    id: randomUUID(),
    userId: user.id,
    issuedDateTime: when.toISOString(),
    attacker: action.attackerSession === true,
  };
  state.sessions.push(session);
  if (user.signInActivity !== undefined || state.tenant.licence !== "free") {
    user.signInActivity = {
      ...user.signInActivity,
      lastSignInDateTime: when.toISOString(),
      lastSignInRequestId: record.id,
      lastSuccessfulSignInDateTime: when.toISOString(),
      lastSuccessfulSignInRequestId: record.id,
    };
  }
  return { signIn: record, session };
}

/** A new method as the user (or the attacker holding their session) registers it through My Sign-Ins. */
export type NewMethod = AuthenticationMethod extends infer M
  ? M extends AuthenticationMethod
    ? Omit<M, "id"> & { id?: string }
    : never
  : never;

export interface RegisterMethodAction extends Actor {
  userId: string;
  method: NewMethod;
  /** Also make it the default MFA method ("User changed default security info"). */
  makeDefault?: boolean;
}

const STRONG_AUTH_PROPERTY: Partial<Record<AuthenticationMethodODataType, string>> = {
  "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod": "StrongAuthenticationPhoneAppDetail",
  "#microsoft.graph.phoneAuthenticationMethod": "StrongAuthenticationUserDetails",
  "#microsoft.graph.softwareOathAuthenticationMethod": "StrongAuthenticationPhoneAppDetail",
};

export function registerMethod(state: EmulatorState, action: RegisterMethodAction): AuthenticationMethod {
  const user = requireUser(state, action.userId);
  const when = action.when ?? new Date();
  const type = action.method["@odata.type"];
  let id = action.method.id;
  if (!id && type === "#microsoft.graph.phoneAuthenticationMethod") {
    id = FIXED_METHOD_IDS[(action.method as PhoneMethod).phoneType];
  }
  const method = {
    createdDateTime: when.toISOString(),
    ...action.method,
    id: id ?? randomUUID(),
  } as AuthenticationMethod;
  const list = state.methodsOf(user.id);
  const clash = list.findIndex((r) => r.method["@odata.type"] === type && r.method.id === method.id);
  if (clash >= 0) list.splice(clash, 1);
  list.push({ method, isDefault: false });

  // Registering security info is itself an interactive, MFA-satisfied sign-in to My Sign-Ins.
  signIn(state, {
    ...action,
    when,
    outcome: "success",
    appId: APP.mySignins,
    appDisplayName: "My Signins",
    resourceDisplayName: "My Signins",
  });
  const correlationId = randomUUID();
  state.audit({
    activity: "User registered security info",
    category: "UserManagement",
    service: "Authentication Methods",
    operationType: "Add",
    initiatedBy: { user: userIdentity(user, action) },
    targets: [
      {
        id: user.id,
        displayName: user.displayName ?? null,
        type: "User",
        userPrincipalName: user.userPrincipalName,
      },
    ],
    resultReason: USER_REGISTERED_REASON[type] ?? "User registered security info",
    correlationId,
    additionalDetails: action.userAgent ? [{ key: "User-Agent", value: action.userAgent }] : [],
    when,
  });
  const property = STRONG_AUTH_PROPERTY[type];
  if (property) {
    const detail =
      type === "#microsoft.graph.phoneAuthenticationMethod"
        ? { PhoneNumber: (method as PhoneMethod).phoneNumber }
        : {
            DeviceName: (method as { displayName?: string | null }).displayName ?? null,
            DeviceTag: "SoftwareTokenActivated",
          };
    state.audit({
      activity: "Update user",
      category: "UserManagement",
      service: "Core Directory",
      operationType: "Update",
      initiatedBy: {
        app: {
          appId: null,
          displayName: "Azure MFA StrongAuthenticationService",
          servicePrincipalId: null,
          servicePrincipalName: null,
        },
      },
      targets: [
        {
          id: user.id,
          displayName: user.displayName ?? null,
          type: "User",
          userPrincipalName: user.userPrincipalName,
          modifiedProperties: [
            { displayName: property, oldValue: "[]", newValue: JSON.stringify([detail]) },
            {
              displayName: "Included Updated Properties",
              oldValue: null,
              newValue: JSON.stringify(property),
            },
          ],
        },
      ],
      correlationId,
      when,
    });
  }
  if (action.makeDefault) {
    for (const record of list) record.isDefault = record.method === method;
    state.audit({
      activity: "User changed default security info",
      category: "UserManagement",
      service: "Authentication Methods",
      operationType: "Update",
      initiatedBy: { user: userIdentity(user, action) },
      targets: [
        {
          id: user.id,
          displayName: user.displayName ?? null,
          type: "User",
          userPrincipalName: user.userPrincipalName,
        },
      ],
      resultReason: "User changed default security info",
      correlationId,
      when,
    });
  }
  return method;
}

export interface RegisterDeviceAction extends Actor {
  userId: string;
  displayName: string;
  operatingSystem: string;
  operatingSystemVersion: string;
  /** Workplace (registered), AzureAd (joined). */
  trustType?: "Workplace" | "AzureAd";
}

export function registerDevice(state: EmulatorState, action: RegisterDeviceAction): TenantDevice {
  const user = requireUser(state, action.userId);
  const when = action.when ?? new Date();
  const trustType = action.trustType ?? "Workplace";
  const device: TenantDevice = {
    id: randomUUID(),
    deviceId: randomUUID(),
    displayName: action.displayName,
    accountEnabled: true,
    operatingSystem: action.operatingSystem,
    operatingSystemVersion: action.operatingSystemVersion,
    trustType,
    profileType: "RegisteredDevice",
    registrationDateTime: when.toISOString(),
    approximateLastSignInDateTime: when.toISOString(),
    isCompliant: null,
    isManaged: null,
    physicalIds: [],
    systemLabels: [],
    ownerIds: [user.id],
    userIds: [user.id],
  };
  state.devices.set(device.id, device);
  signIn(state, {
    ...action,
    when,
    outcome: "success",
    appId: APP.authenticationBroker,
    appDisplayName: "Microsoft Authentication Broker",
    resourceDisplayName: "Device Registration Service",
  });
  const correlationId = randomUUID();
  const initiatedBy = { user: userIdentity(user, action) };
  const userAgent = action.userAgent ? [{ key: "User-Agent", value: action.userAgent }] : [];
  const deviceTarget = (props = coreDirectoryChanges([])) => ({
    id: device.id,
    displayName: device.displayName ?? null,
    type: "Device",
    modifiedProperties: props,
  });
  const userTarget = {
    id: user.id,
    displayName: user.displayName ?? null,
    type: "User",
    userPrincipalName: user.userPrincipalName,
  };
  const base = { category: "Device", service: "Core Directory", initiatedBy, correlationId, when } as const;
  state.audit({
    ...base,
    activity: "Add device",
    operationType: "Add",
    additionalDetails: userAgent,
    targets: [
      deviceTarget(
        coreDirectoryChanges([
          { name: "CloudDeviceOSType", oldValue: null, newValue: action.operatingSystem },
          { name: "CloudDeviceOSVersion", oldValue: null, newValue: action.operatingSystemVersion },
          { name: "CloudDisplayName", oldValue: null, newValue: action.displayName },
          { name: "DeviceTrustType", oldValue: null, newValue: trustType },
        ]),
      ),
    ],
  });
  state.audit({
    ...base,
    activity: "Add registered owner to device",
    operationType: "Assign",
    targets: [deviceTarget([]), userTarget],
  });
  state.audit({
    ...base,
    activity: "Add registered users to device",
    operationType: "Assign",
    targets: [deviceTarget([]), userTarget],
  });
  state.audit({
    ...base,
    activity: "Register device",
    service: "Device Registration Service",
    operationType: "Add",
    targets: [deviceTarget([])],
    additionalDetails: [
      { key: "Device OS", value: action.operatingSystem },
      { key: "Device Trust Type", value: trustType },
      { key: "Device Id", value: device.deviceId ?? "" },
      ...userAgent,
    ],
  });
  return device;
}
