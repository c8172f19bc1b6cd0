import type { DirectoryAudit, ModifiedProperty, SignIn } from "../../src/graph/types.js";
import type { Tuning } from "../../src/rules/tuning.js";

/** Small builders of Graph-shaped log records for rule tests. */

export interface TestUser {
  id: string;
  upn: string;
}

export const alice: TestUser = { id: "11111111-1111-1111-1111-111111111111", upn: "alice@contoso.com" };
export const bob: TestUser = { id: "22222222-2222-2222-2222-222222222222", upn: "bob@contoso.com" };
export const helpdesk: TestUser = { id: "33333333-3333-3333-3333-333333333333", upn: "helpdesk@contoso.com" };

let sequence = 0;
const nextId = (prefix: string) => `${prefix}-${++sequence}`;

export const at = (base: string, minutes: number) =>
  new Date(Date.parse(base) + minutes * 60_000).toISOString();

export function audit(
  activity: string,
  time: string,
  options: {
    by?: TestUser;
    ip?: string;
    app?: { displayName: string; appId?: string };
    target?: {
      type: string;
      id: string;
      displayName?: string;
      upn?: string;
      modifiedProperties?: ModifiedProperty[];
    };
    reason?: string;
    category?: string;
    service?: string;
    additionalDetails?: { key: string; value: string }[];
  } = {},
): DirectoryAudit {
  const by = options.by;
  return {
    id: nextId("audit"),
    activityDateTime: time,
    activityDisplayName: activity,
    category: options.category ?? "UserManagement",
    loggedByService: options.service ?? "Authentication Methods",
    result: "success",
    resultReason: options.reason ?? "",
    initiatedBy: {
      user: by ? { id: by.id, userPrincipalName: by.upn, ipAddress: options.ip ?? null } : null,
      app: options.app ? { displayName: options.app.displayName, appId: options.app.appId ?? null } : null,
    },
    targetResources: options.target
      ? [
          {
            id: options.target.id,
            type: options.target.type,
            displayName: options.target.displayName ?? null,
            userPrincipalName: options.target.upn ?? null,
            modifiedProperties: options.target.modifiedProperties ?? [],
          },
        ]
      : [],
    additionalDetails: options.additionalDetails ?? [],
  };
}

/** "User registered security info" by the user themself. */
export function registersMethod(user: TestUser, time: string, ip: string): DirectoryAudit {
  return audit("User registered security info", time, {
    by: user,
    ip,
    reason: "User registered Authenticator App with Notification and Code",
    target: { type: "User", id: user.id, upn: user.upn, displayName: user.upn },
  });
}

/** "Add device" by the user, with the OS build in the modified properties. */
export function addsDevice(
  user: TestUser,
  time: string,
  ip: string,
  name: string,
  osVersion = "10.0.22631.4460",
): DirectoryAudit {
  return audit("Add device", time, {
    by: user,
    ip,
    category: "Device",
    service: "Core Directory",
    target: {
      type: "Device",
      id: nextId("device"),
      displayName: name,
      modifiedProperties: [
        { displayName: "CloudDisplayName", oldValue: "[]", newValue: JSON.stringify([name]) },
        { displayName: "CloudDeviceOSVersion", oldValue: "[]", newValue: JSON.stringify([osVersion]) },
      ],
    },
  });
}

/** "Update user" writing StrongAuthenticationUserDetails with a phone number. */
export function setsPhone(
  user: TestUser,
  time: string,
  phone: string,
  app = "Azure MFA StrongAuthenticationService",
): DirectoryAudit {
  return audit("Update user", time, {
    app: { displayName: app },
    service: "Core Directory",
    target: {
      type: "User",
      id: user.id,
      upn: user.upn,
      modifiedProperties: [
        {
          displayName: "StrongAuthenticationUserDetails",
          oldValue: "[]",
          newValue: JSON.stringify([{ PhoneNumber: phone, AlternativePhoneNumber: null, Email: null }]),
        },
        {
          displayName: "Included Updated Properties",
          oldValue: null,
          newValue: '"StrongAuthenticationUserDetails"',
        },
      ],
    },
  });
}

export function signIn(
  user: TestUser,
  time: string,
  options: {
    ip?: string;
    errorCode?: number;
    detail?: string;
    risk?: string;
    resource?: string;
    appId?: string;
    protocol?: string;
    requirement?: string;
    deviceName?: string;
  } = {},
): SignIn {
  return {
    id: nextId("signin"),
    createdDateTime: time,
    userId: user.id,
    userPrincipalName: user.upn,
    ipAddress: options.ip ?? "198.51.100.10",
    appId: options.appId ?? "00000002-0000-0ff1-ce00-000000000000",
    resourceDisplayName: options.resource ?? "Office 365 Exchange Online",
    status: { errorCode: options.errorCode ?? 0, additionalDetails: options.detail ?? null },
    riskLevelDuringSignIn: options.risk ?? "none",
    authenticationProtocol: options.protocol ?? "none",
    authenticationRequirement: options.requirement ?? "multiFactorAuthentication",
    deviceDetail: options.deviceName ? { displayName: options.deviceName } : {},
  };
}

/** Daily successful sign-ins of a user from one IP over `days` days before `end`. */
export function history(user: TestUser, end: string, days: number, ip: string): SignIn[] {
  return Array.from({ length: days }, (_, day) => signIn(user, at(end, -(days - day) * 24 * 60), { ip }));
}

/** A tuning that exercises every exclusion and every watchlist rule. */
export const SAMPLE_TUNING: Tuning = {
  trustedCidrs: ["198.51.100.0/24", "2001:db8::/32"],
  trustedLocationNames: ["HQ"],
  allowedDevices: ["LAPTOP-HQ-01", "0b9c4a8e-1d2f-4c3b-9a8e-7f6d5c4b3a21"],
  allowedAccounts: ["helpdesk@contoso.com"],
  allowedApps: ["7a1c2d3e-0000-4000-8000-000000000001"],
  indicators: { ips: ["203.0.113.66"], deviceNames: ["DESKTOP-AB12CD34"], phones: ["+14255550100"] },
};
