/**
 * The audit trail Entra ID leaves when a method or a device is registered or removed: the
 * Authentication Methods record, the Core Directory "Update user" with its StrongAuthentication*
 * properties (JSON-in-string), and the Device Registration Service / Core Directory device records.
 * Onboarding, benign changes and attacks all register things through here.
 */
import type { AuthenticationMethod, DirectoryAudit } from "../../graph/types.js";
import { dsregUserAgent, REGISTRATION_REASONS, STRONG_AUTH_METHOD_TYPE } from "./catalog.js";
import type { Rng } from "./prng.js";
import {
  type Actor,
  audit,
  changed,
  DRS_INITIATOR,
  deviceTarget,
  includedUpdated,
  STRONG_AUTH_SERVICE,
  userTarget,
} from "./records.js";
import type { TenantDevice } from "./schema.js";
import { MINUTE_MS } from "./world.js";

export interface MethodChange {
  at: number;
  user: Actor;
  /** Address the change came from (the user's, or the admin's when `admin` is set). */
  ip: string;
  method: AuthenticationMethod;
  /** Set when an administrator acts on the user ("Admin registered security info"). */
  admin?: Actor;
  userAgent?: string;
  correlationId?: string;
}

function userReason(method: AuthenticationMethod, verb: "registered" | "deleted"): string {
  switch (method["@odata.type"]) {
    case "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod":
      return `User ${verb} Authenticator App with Notification and Code`;
    case "#microsoft.graph.phoneAuthenticationMethod":
      return method.phoneType === "mobile"
        ? `User ${verb} Mobile Phone SMS`
        : method.phoneType === "alternateMobile"
          ? `User ${verb} Alternate Mobile Phone Call`
          : `User ${verb} Office Phone Call`;
    case "#microsoft.graph.fido2AuthenticationMethod":
      return `User ${verb} Fido`;
    case "#microsoft.graph.emailAuthenticationMethod":
      return `User ${verb} Email`;
    case "#microsoft.graph.softwareOathAuthenticationMethod":
      return `User ${verb} Authenticator App with Code`;
    case "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod":
      return `User ${verb} Windows Hello for Business`;
    case "#microsoft.graph.temporaryAccessPassAuthenticationMethod":
      return `User ${verb} temporary access pass method`;
    default:
      return verb === "registered" ? REGISTRATION_REASONS.authenticator : "User deleted security info";
  }
}

function adminReason(method: AuthenticationMethod, verb: "registered" | "deleted"): string {
  switch (method["@odata.type"]) {
    case "#microsoft.graph.temporaryAccessPassAuthenticationMethod":
      return `Admin ${verb} temporary access pass method for user`;
    case "#microsoft.graph.phoneAuthenticationMethod":
      return `Admin ${verb} phone method for user`;
    case "#microsoft.graph.emailAuthenticationMethod":
      return `Admin ${verb} email method for user`;
    case "#microsoft.graph.fido2AuthenticationMethod":
      return `Admin ${verb} passkey (FIDO2) method for user`;
    default:
      return `Admin ${verb} security info for user`;
  }
}

/** The Authenticator record inside StrongAuthenticationPhoneAppDetail (inner layout per community parsers). */
function phoneAppDetail(method: AuthenticationMethod, at: number, rng: Rng): Record<string, unknown> {
  const m = method as {
    displayName?: string | null;
    phoneAppVersion?: string | null;
    deviceTag?: string | null;
  };
  return {
    DeviceName: m.displayName ?? null,
    DeviceToken: rng.hex(64),
    DeviceTag: m.deviceTag ?? "SoftwareTokenActivated",
    PhoneAppVersion: m.phoneAppVersion ?? null,
    OathTokenTimeDrift: 0,
    DeviceId: "00000000-0000-0000-0000-000000000000",
    Id: method.id,
    TimeInterval: null,
    AuthenticationType: 3,
    NotificationType: 4,
    LastAuthenticatedTimestamp: new Date(at).toISOString(),
    AuthenticatorFlavor: null,
    HashFunction: null,
    TenantDeviceId: null,
    SecuredPartitionId: 0,
    SecuredKeyId: 0,
  };
}

/** Core Directory "Update user" that accompanies a method change, or null when none is written. */
function strongAuthUpdate(
  change: MethodChange,
  verb: "registered" | "deleted",
  rng: Rng,
  correlationId: string,
): DirectoryAudit | null {
  const { method } = change;
  const added = verb === "registered";
  const props = [];
  if (method["@odata.type"] === "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod") {
    const detail = phoneAppDetail(method, change.at, rng);
    props.push(changed("StrongAuthenticationPhoneAppDetail", added ? [] : [detail], added ? [detail] : []));
    const types = [
      { MethodType: STRONG_AUTH_METHOD_TYPE.phoneAppOtp, Default: false },
      { MethodType: STRONG_AUTH_METHOD_TYPE.phoneAppNotification, Default: true },
    ];
    props.push(changed("StrongAuthenticationMethod", added ? [] : types, added ? types : []));
  } else if (method["@odata.type"] === "#microsoft.graph.phoneAuthenticationMethod") {
    const key =
      method.phoneType === "mobile"
        ? "PhoneNumber"
        : method.phoneType === "alternateMobile"
          ? "AlternativePhoneNumber"
          : "VoiceOnlyPhoneNumber";
    const empty = {
      PhoneNumber: null,
      AlternativePhoneNumber: null,
      Email: null,
      VoiceOnlyPhoneNumber: null,
    };
    const withNumber = { ...empty, [key]: method.phoneNumber };
    props.push(
      changed("StrongAuthenticationUserDetails", [added ? empty : withNumber], [added ? withNumber : empty]),
    );
    const types = [
      { MethodType: STRONG_AUTH_METHOD_TYPE.oneWaySms, Default: false },
      { MethodType: STRONG_AUTH_METHOD_TYPE.twoWayVoiceMobile, Default: false },
    ];
    props.push(changed("StrongAuthenticationMethod", added ? [] : types, added ? types : []));
  } else {
    return null;
  }
  props.push(includedUpdated(props.map((p) => p.displayName ?? "")));
  return audit(
    {
      at: change.at + 1500,
      activity: "Update user",
      category: "UserManagement",
      service: "Core Directory",
      operationType: "Update",
      initiator: { app: STRONG_AUTH_SERVICE },
      targets: [userTarget(change.user, props)],
      correlationId,
      additionalDetails: [{ key: "UserType", value: "Member" }],
    },
    rng,
  );
}

/** Audits for a method being added (by the user, or by an admin when `change.admin` is set). */
export function methodAddedAudits(change: MethodChange, rng: Rng): DirectoryAudit[] {
  const correlationId = change.correlationId ?? rng.guid();
  const out: DirectoryAudit[] = [];
  const type = change.method["@odata.type"];
  if (
    type === "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod" ||
    type === "#microsoft.graph.fido2AuthenticationMethod"
  ) {
    // Key-based credentials are also written by the Device Registration Service.
    out.push(
      audit(
        {
          at: change.at,
          activity:
            type === "#microsoft.graph.fido2AuthenticationMethod"
              ? "Add FIDO2 security key"
              : "Add Windows Hello for Business credential",
          category: "UserManagement",
          service: "Device Registration Service",
          operationType: "Add",
          initiator: { user: change.admin ?? change.user, ip: change.ip },
          targets: [userTarget(change.user)],
          correlationId,
          userAgent: change.userAgent ?? null,
        },
        rng,
      ),
    );
  }
  if (type !== "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod") {
    out.push(
      audit(
        {
          at: change.at + 700,
          activity: change.admin ? "Admin registered security info" : "User registered security info",
          category: "UserManagement",
          service: "Authentication Methods",
          operationType: "Add",
          initiator: { user: change.admin ?? change.user, ip: change.ip },
          targets: [userTarget(change.user)],
          resultReason: change.admin
            ? adminReason(change.method, "registered")
            : userReason(change.method, "registered"),
          correlationId,
          userAgent: change.userAgent ?? null,
        },
        rng,
      ),
    );
  }
  const update = strongAuthUpdate(change, "registered", rng, correlationId);
  if (update) out.push(update);
  return out;
}

/** Audits for a method being removed. */
export function methodDeletedAudits(change: MethodChange, rng: Rng): DirectoryAudit[] {
  const correlationId = change.correlationId ?? rng.guid();
  const out = [
    audit(
      {
        at: change.at,
        activity: change.admin ? "Admin deleted security info" : "User deleted security info",
        category: "UserManagement",
        service: "Authentication Methods",
        operationType: "Delete",
        initiator: { user: change.admin ?? change.user, ip: change.ip },
        targets: [userTarget(change.user)],
        resultReason: change.admin
          ? adminReason(change.method, "deleted")
          : userReason(change.method, "deleted"),
        correlationId,
        userAgent: change.userAgent ?? null,
      },
      rng,
    ),
  ];
  const update = strongAuthUpdate(change, "deleted", rng, correlationId);
  if (update) out.push(update);
  return out;
}

/** The "completed combined registration" marker written after onboarding registrations. */
export function registrationCompletedAudit(at: number, user: Actor, ip: string, rng: Rng): DirectoryAudit {
  return audit(
    {
      at,
      activity: "User registered all required security info",
      category: "UserManagement",
      service: "Authentication Methods",
      operationType: "Add",
      initiator: { user, ip },
      targets: [userTarget(user)],
      resultReason: "User registered all required security info",
    },
    rng,
  );
}

export interface DeviceRegistration {
  at: number;
  user: Actor;
  ip: string;
  device: TenantDevice;
  /** User-Agent of the registering client (Dsreg for Windows join, tool defaults for attacks). */
  userAgent?: string;
  /** The OData client string Core Directory records when DRS is driven by a script (ROADtools, AADInternals). */
  odataClient?: string;
  correlationId?: string;
}

function osTypeLabel(os: string | null | undefined): string {
  if (os === "iOS") return "IPhone";
  if (os === "Android") return "AndroidForWork";
  if (os === "MacMDM" || os === "macOS") return "MacMDM";
  return "Windows";
}

/** "Add device", owner/user links and DRS "Register device", under one correlation id. */
export function deviceRegisteredAudits(reg: DeviceRegistration, rng: Rng): DirectoryAudit[] {
  const { device } = reg;
  const correlationId = reg.correlationId ?? rng.guid();
  const ua = reg.userAgent ?? dsregUserAgent(device.operatingSystemVersion ?? "10.0.22631.0");
  const props = [
    changed("CloudAccountEnabled", [], [true]),
    changed("CloudDeviceOSType", [], [osTypeLabel(device.operatingSystem)]),
    changed("CloudDeviceOSVersion", [], [device.operatingSystemVersion ?? ""]),
    changed("CloudDeviceTrustType", [], [device.trustType ?? "Workplace"]),
    changed("CloudDisplayName", [], [device.displayName ?? ""]),
    changed("DeviceId", [], [device.deviceId ?? ""]),
  ];
  props.push(includedUpdated(props.map((p) => p.displayName ?? "")));
  const details = [{ key: "User-Agent", value: reg.odataClient ?? "Microsoft.OData.Client/7.12.5" }];
  return [
    audit(
      {
        at: reg.at,
        activity: "Add device",
        category: "Device",
        service: "Core Directory",
        operationType: "Add",
        initiator: { app: DRS_INITIATOR },
        targets: [deviceTarget(device, props)],
        correlationId,
        additionalDetails: details,
      },
      rng,
    ),
    audit(
      {
        at: reg.at + 300,
        activity: "Add registered owner to device",
        category: "Device",
        service: "Core Directory",
        operationType: "Assign",
        initiator: { app: DRS_INITIATOR },
        targets: [deviceTarget(device), userTarget(reg.user)],
        correlationId,
        additionalDetails: details,
      },
      rng,
    ),
    audit(
      {
        at: reg.at + 600,
        activity: "Add registered users to device",
        category: "Device",
        service: "Core Directory",
        operationType: "Assign",
        initiator: { app: DRS_INITIATOR },
        targets: [deviceTarget(device), userTarget(reg.user)],
        correlationId,
        additionalDetails: details,
      },
      rng,
    ),
    audit(
      {
        at: reg.at + MINUTE_MS / 20,
        activity: "Register device",
        category: "Device",
        service: "Device Registration Service",
        operationType: "Add",
        initiator: { user: reg.user, ip: reg.ip },
        targets: [deviceTarget(device)],
        correlationId,
        userAgent: ua,
        additionalDetails: [
          { key: "Device Id", value: device.deviceId ?? "" },
          { key: "Device OS", value: device.operatingSystem ?? "" },
          { key: "Device OS Version", value: device.operatingSystemVersion ?? "" },
          { key: "Device Trust Type", value: device.trustType ?? "" },
          { key: "User-Agent", value: ua },
        ],
      },
      rng,
    ),
  ];
}
