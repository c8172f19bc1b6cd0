import type { Finding } from "../../src/detect/finding.js";
import type { AuthenticationMethod, Device, User } from "../../src/graph/types.js";
import { FIXED_METHOD_IDS } from "../../src/graph/types.js";
import type { CaseSnapshot } from "../../src/store/snapshot.js";
import { caseSnapshot } from "../../src/store/snapshot.js";

/** A small hand-made case for planner unit tests. */

export const PASSWORD: AuthenticationMethod = {
  "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
  id: FIXED_METHOD_IDS.password,
};

export function phone(
  phoneType: "mobile" | "alternateMobile" | "office",
  phoneNumber: string,
): AuthenticationMethod {
  return {
    "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
    id: FIXED_METHOD_IDS[phoneType],
    phoneType,
    phoneNumber,
  };
}

export function authenticator(id: string, displayName: string): AuthenticationMethod {
  return { "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod", id, displayName };
}

export function user(id: string, upn: string, extra: Partial<User> = {}): User {
  return { id, userPrincipalName: upn, displayName: upn.split("@")[0], ...extra };
}

export function device(id: string, operatingSystem: string, extra: Partial<Device> = {}): Device {
  return {
    id,
    deviceId: `dev-${id}`,
    displayName: `DESKTOP-${id}`,
    operatingSystem,
    accountEnabled: true,
    ...extra,
  };
}

export const snapshot = (parts: Partial<CaseSnapshot>): CaseSnapshot => caseSnapshot(parts);

let counter = 0;
export function methodFinding(
  userId: string,
  method: AuthenticationMethod,
  extra: Partial<Finding> = {},
): Finding {
  counter += 1;
  return {
    id: `f-method-${counter}`,
    detectionId: "test",
    title: "rogue method",
    technique: "T1098.005",
    severity: "high",
    score: 90,
    userId,
    object: { kind: "method", methodId: method.id, odataType: method["@odata.type"] },
    explanation: "test",
    evidence: [],
    recommendedActions: ["deleteMethod", "revokeSessions", "resetPassword"],
    privileged: false,
    ...extra,
  };
}

export function deviceFinding(userId: string, dev: Device, extra: Partial<Finding> = {}): Finding {
  counter += 1;
  return {
    id: `f-device-${counter}`,
    detectionId: "test",
    title: "rogue device",
    technique: "T1098.005",
    severity: "high",
    score: 90,
    userId,
    object: { kind: "device", deviceObjectId: dev.id },
    explanation: "test",
    evidence: [],
    recommendedActions: ["disableDevice", "deleteDevice"],
    privileged: false,
    ...extra,
  };
}

export const RESPONDER_APP = {
  permissions: [
    "User.ReadWrite.All",
    "UserAuthenticationMethod.ReadWrite.All",
    "Device.ReadWrite.All",
    "IdentityRiskyUser.ReadWrite.All",
    "DeviceManagementManagedDevices.PrivilegedOperations.All",
  ],
  directoryRoles: ["7be44c8a-adaf-4e2a-84d6-ab2649e08a13"],
};
