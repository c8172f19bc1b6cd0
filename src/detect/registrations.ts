import type {
  AuthenticationMethod,
  AuthenticationMethodODataType,
  Device,
  DirectoryAudit,
  RiskDetection,
} from "../graph/types.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import {
  additionalDetail,
  classifyAudit,
  decodeValue,
  findProperty,
  type Initiator,
  initiatorOf,
  isServiceInitiated,
  methodTypeFromText,
  scalarOf,
  targetOfType,
} from "./audit.js";
import { normalizePhone } from "./phone.js";
import {
  type AuthenticatorDevice,
  isEmptyChange,
  type StrongAuthChange,
  strongAuthChange,
} from "./strong-auth.js";
import { MINUTE, toMs } from "./time.js";

/**
 * Turns the case into registration events: one per method or device an account gained, whichever
 * records say so. The several audit records of one registration ("User registered security info"
 * plus the "Update user" StrongAuthentication* record, or "Add device" + owners + "Register device")
 * become one event; each event is tied to the inventory object it created when that still exists,
 * and inventory objects with no audit trail become events of their own (source "inventory").
 */

interface RegistrationBase {
  /** Stable anchor: the primary audit id, or "inventory:<object id>". */
  key: string;
  time: number;
  userId: string;
  userPrincipalName?: string;
  ip?: string;
  initiator: Initiator;
  /** Someone other than the account itself acted (an admin, helpdesk, or an app). */
  byOther: boolean;
  source: "audit" | "legacy" | "inventory";
  audits: DirectoryAudit[];
}

export interface MethodRegistration extends RegistrationBase {
  kind: "method";
  methodType?: AuthenticationMethodODataType;
  label: string;
  /** Phone numbers (E.164) this registration added. */
  phones: string[];
  /** Numbers removed in the same change: a replacement, not an addition. */
  replacedPhones: string[];
  authenticators: AuthenticatorDevice[];
  /** The inventory method this registration created, when it is still there. */
  method?: AuthenticationMethod;
}

export interface DeviceRegistration extends RegistrationBase {
  kind: "device";
  deviceObjectId?: string;
  deviceId?: string;
  displayName?: string;
  operatingSystem?: string;
  osVersion?: string;
  trustType?: string;
  userAgents: string[];
  device?: Device;
}

export type Registration = MethodRegistration | DeviceRegistration;

export interface FraudReport {
  id: string;
  time: number;
  userId: string;
  kind: "audit" | "riskDetection";
  audit?: DirectoryAudit;
  risk?: RiskDetection;
}

export interface ExtractedEvents {
  methods: MethodRegistration[];
  devices: DeviceRegistration[];
  fraudReports: FraudReport[];
  /** Registrations performed by the responder app (eviction, TAP): excluded from detection. */
  responderEvents: number;
  /** Service-initiated "User registered security info" records ignored (Sigma PR #6146). */
  serviceEvents: number;
}

interface Companion {
  audit: DirectoryAudit;
  time: number;
  userId: string;
  initiator: Initiator;
  change?: StrongAuthChange;
  methodType?: AuthenticationMethodODataType;
}

const AUTHENTICATOR = "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod";
const PHONE = "#microsoft.graph.phoneAuthenticationMethod";
const PASSWORD = "#microsoft.graph.passwordAuthenticationMethod";

function targetUser(audit: DirectoryAudit): { id?: string; upn?: string } {
  const user = targetOfType(audit, "User");
  return { id: user?.id ?? undefined, upn: user?.userPrincipalName?.toLowerCase() ?? undefined };
}

export interface ExtractOptions {
  responderAppIds: ReadonlySet<string>;
  companionWindowMs: number;
  userIdByUpn: ReadonlyMap<string, string>;
  /** Earliest log time in the case: inventory objects created before it cannot have an audit trail here. */
  windowStart: number;
}

export function extractRegistrations(snapshot: CaseSnapshot, options: ExtractOptions): ExtractedEvents {
  const resolveUser = (id: string | undefined, upn: string | undefined): string | undefined =>
    id ?? (upn ? options.userIdByUpn.get(upn) : undefined);

  const methods: MethodRegistration[] = [];
  const responderMethods: MethodRegistration[] = [];
  const companions: Companion[] = [];
  const deviceGroups = new DeviceGroups();
  const fraudReports: FraudReport[] = [];
  let serviceEvents = 0;

  for (const audit of snapshot.audits) {
    const kind = classifyAudit(audit);
    if (kind === "other") continue;
    const time = toMs(audit.activityDateTime);
    if (time === undefined) continue;
    const initiator = initiatorOf(audit);
    const responder = initiator.appId !== undefined && options.responderAppIds.has(initiator.appId);
    const target = targetUser(audit);

    if (kind === "methodRegisteredByUser" || kind === "methodRegisteredByAdmin" || kind === "methodChanged") {
      if (kind === "methodRegisteredByUser" && isServiceInitiated(audit)) {
        serviceEvents++;
        continue;
      }
      // "User changed default security info" adds nothing; an update ("User/Admin updated security
      // info", e.g. a changed phone number) puts a new number on the account like a registration.
      if (kind === "methodChanged" && /changed default/i.test(audit.activityDisplayName)) continue;
      const userId =
        resolveUser(target.id, target.upn) ??
        (kind === "methodRegisteredByUser" ? initiator.userId : undefined);
      if (!userId) continue;
      const registration: MethodRegistration = {
        kind: "method",
        key: audit.id,
        time,
        userId,
        userPrincipalName:
          target.upn ?? (kind === "methodRegisteredByUser" ? initiator.userPrincipalName : undefined),
        ip: initiator.ipAddress,
        initiator,
        byOther: isOther(initiator, userId),
        source: "audit",
        audits: [audit],
        methodType: methodTypeFromText(audit.resultReason) ?? methodTypeFromText(audit.activityDisplayName),
        label: audit.resultReason?.trim() || audit.activityDisplayName,
        phones: [],
        replacedPhones: [],
        authenticators: [],
      };
      (responder ? responderMethods : methods).push(registration);
    } else if (kind === "strongAuthUpdate" || kind === "passwordlessCredential") {
      const userId = resolveUser(target.id, target.upn) ?? initiator.userId;
      if (!userId || responder) continue;
      companions.push({
        audit,
        time,
        userId,
        initiator,
        change: kind === "strongAuthUpdate" ? strongAuthChange(audit) : undefined,
        methodType:
          kind === "passwordlessCredential" ? methodTypeFromText(audit.activityDisplayName) : undefined,
      });
    } else if (kind === "deviceAdded" || kind === "deviceRegistered" || kind === "deviceOwnerAdded") {
      if (!responder) deviceGroups.add(audit, kind, time);
    } else if (kind === "fraudReport") {
      const userId = resolveUser(target.id, target.upn) ?? initiator.userId;
      if (userId) fraudReports.push({ id: audit.id, time, userId, kind: "audit", audit });
    }
  }

  for (const risk of snapshot.riskDetections) {
    if (risk.riskEventType !== "userReportedSuspiciousActivity" || !risk.userId) continue;
    const time = toMs(risk.activityDateTime ?? risk.detectedDateTime);
    if (time !== undefined)
      fraudReports.push({ id: risk.id, time, userId: risk.userId, kind: "riskDetection", risk });
  }

  attachCompanions(methods, responderMethods, companions, options.companionWindowMs);
  const windowStart = options.windowStart;
  resolveMethods(snapshot, [...methods, ...responderMethods], methods, windowStart);
  const devices = deviceGroups.registrations(resolveUser);
  resolveDevices(snapshot, devices, windowStart);

  const byTime = (a: { time: number }, b: { time: number }) => a.time - b.time;
  methods.sort(byTime);
  devices.sort(byTime);
  fraudReports.sort(byTime);
  return {
    methods,
    devices,
    fraudReports,
    responderEvents: responderMethods.length + deviceGroups.responderSkipped,
    serviceEvents,
  };
}

function isOther(initiator: Initiator, userId: string): boolean {
  if (initiator.userId) return initiator.userId !== userId;
  return initiator.appId !== undefined || initiator.appName !== undefined;
}

const COMPANION_TYPES = new Set<string | undefined>([
  undefined,
  PHONE,
  AUTHENTICATOR,
  "#microsoft.graph.softwareOathAuthenticationMethod",
]);

/**
 * Folds each "Update user" / DRS credential record into the registration it belongs to (same user,
 * within the companion window, compatible type); records with no partner are legacy registrations.
 */
function attachCompanions(
  methods: MethodRegistration[],
  responderMethods: MethodRegistration[],
  companions: Companion[],
  windowMs: number,
): void {
  const byUser = new Map<string, MethodRegistration[]>();
  for (const registration of [...methods, ...responderMethods]) {
    const list = byUser.get(registration.userId);
    if (list) list.push(registration);
    else byUser.set(registration.userId, [registration]);
  }
  for (const companion of companions) {
    const candidates = byUser.get(companion.userId) ?? [];
    let best: MethodRegistration | undefined;
    const correlationId = companion.audit.correlationId;
    for (const candidate of candidates) {
      if (candidate.source !== "audit") continue;
      // One operation shares a correlation id: the surest partner.
      if (correlationId && candidate.audits[0]?.correlationId === correlationId) {
        best = candidate;
        break;
      }
      if (Math.abs(candidate.time - companion.time) > windowMs) continue;
      const compatible = companion.methodType
        ? candidate.methodType === companion.methodType
        : COMPANION_TYPES.has(candidate.methodType);
      if (!compatible) continue;
      if (!best || Math.abs(candidate.time - companion.time) < Math.abs(best.time - companion.time))
        best = candidate;
    }
    if (best) {
      best.audits.push(companion.audit);
      if (companion.change) mergeChange(best, companion.change);
      continue;
    }
    if (companion.change && isEmptyChange(companion.change)) continue;
    // Only additions put something new on the account; removals and default switches alone do not.
    const additions = companion.change
      ? companion.change.addedPhones.length +
        companion.change.addedAuthenticators.length +
        companion.change.addedMethodTypes.length
      : 1;
    if (additions === 0) continue;
    const change = companion.change;
    const legacy: MethodRegistration = {
      kind: "method",
      key: companion.audit.id,
      time: companion.time,
      userId: companion.userId,
      userPrincipalName: targetUser(companion.audit).upn,
      ip: companion.initiator.ipAddress,
      initiator: companion.initiator,
      byOther: isOther(companion.initiator, companion.userId),
      source: change ? "legacy" : "audit",
      audits: [companion.audit],
      methodType: companion.methodType ?? (change ? legacyMethodType(change) : undefined),
      label: change ? legacyLabel(change) : companion.audit.activityDisplayName,
      phones: [],
      replacedPhones: [],
      authenticators: [],
    };
    if (change) mergeChange(legacy, change);
    methods.push(legacy);
    const list = byUser.get(legacy.userId);
    if (list) list.push(legacy);
    else byUser.set(legacy.userId, [legacy]);
  }
}

function legacyMethodType(change: StrongAuthChange): AuthenticationMethodODataType | undefined {
  if (change.addedAuthenticators.length > 0) return AUTHENTICATOR;
  if (change.addedPhones.length > 0) return PHONE;
  const codes = new Set(change.addedMethodTypes);
  if (codes.has("5") || codes.has("6")) return AUTHENTICATOR;
  if (codes.has("0") || codes.has("1") || codes.has("2") || codes.has("3")) return PHONE;
  return undefined;
}

function legacyLabel(change: StrongAuthChange): string {
  const parts: string[] = [];
  if (change.addedPhones.length) parts.push(`phone ${change.addedPhones.join(", ")} set`);
  if (change.addedAuthenticators.length)
    parts.push(
      `Authenticator on ${change.addedAuthenticators.map((a) => a.deviceName ?? "unnamed device").join(", ")} added`,
    );
  if (change.addedMethodTypes.length)
    parts.push(`StrongAuthenticationMethod gained ${change.addedMethodTypes.map(methodTypeName).join(", ")}`);
  return `Update user (StrongAuthentication*): ${parts.join("; ")}`;
}

/** Legacy MethodType codes (MSOnline StrongAuthenticationMethods) as names where known. */
const LEGACY_METHOD_TYPES: Readonly<Record<string, string>> = {
  "0": "OneWaySMS",
  "1": "TwoWayVoiceMobile",
  "2": "TwoWayVoiceOffice",
  "3": "TwoWayVoiceAlternateMobile",
  "5": "PhoneAppOTP",
  "6": "PhoneAppNotification",
};

function methodTypeName(code: string): string {
  return LEGACY_METHOD_TYPES[code] ?? `MethodType ${code}`;
}

function mergeChange(registration: MethodRegistration, change: StrongAuthChange): void {
  for (const phone of change.addedPhones)
    if (!registration.phones.includes(phone)) registration.phones.push(phone);
  for (const phone of change.removedPhones)
    if (!registration.replacedPhones.includes(phone)) registration.replacedPhones.push(phone);
  registration.authenticators.push(...change.addedAuthenticators);
  if (!registration.methodType && change.addedAuthenticators.length) registration.methodType = AUTHENTICATOR;
  if (!registration.methodType && change.addedPhones.length) registration.methodType = PHONE;
}

const RESOLVE_WINDOW_MS = 15 * MINUTE;

/**
 * Ties registrations to inventory methods (each method claimed once), then turns unclaimed methods
 * created inside the case window into inventory-sourced registrations. Responder registrations
 * claim their methods too (so an eviction TAP is not rediscovered as unexplained) but are not kept.
 */
function resolveMethods(
  snapshot: CaseSnapshot,
  all: MethodRegistration[],
  kept: MethodRegistration[],
  windowStart: number,
): void {
  // Method objects are unique per user in the snapshot, so identity marks them without key strings.
  const claimed = new Set<AuthenticationMethod>();
  const byUser = new Map<string, MethodRegistration[]>();
  for (const registration of all) {
    const list = byUser.get(registration.userId);
    if (list) list.push(registration);
    else byUser.set(registration.userId, [registration]);
  }
  for (const [userId, registrations] of byUser) {
    const inventory = snapshot.methods.get(userId) ?? [];
    for (const registration of registrations) {
      const method = matchMethod(registration, inventory, claimed);
      if (method) {
        claimed.add(method);
        registration.method = method;
        if (!registration.methodType) registration.methodType = method["@odata.type"];
      }
    }
  }
  if (snapshot.missing.has("methods")) return;
  for (const [userId, inventory] of snapshot.methods) {
    for (const method of inventory) {
      if (method["@odata.type"] === PASSWORD || claimed.has(method)) continue;
      const created = toMs(method.createdDateTime);
      if (created === undefined || created < windowStart) continue;
      const phone = method["@odata.type"] === PHONE ? normalizePhone(method.phoneNumber) : undefined;
      kept.push({
        kind: "method",
        key: `inventory:${method.id}`,
        time: created,
        userId,
        initiator: {},
        byOther: false,
        source: "inventory",
        audits: [],
        methodType: method["@odata.type"],
        label: `${methodLabel(method)} created (no audit record in the case)`,
        phones: phone ? [phone] : [],
        replacedPhones: [],
        authenticators: [],
        method,
      });
    }
  }
}

export function methodLabel(method: AuthenticationMethod): string {
  switch (method["@odata.type"]) {
    case PHONE:
      return `${method.phoneType} phone ${method.phoneNumber}`;
    case AUTHENTICATOR:
      return `Authenticator on ${method.displayName ?? "unnamed device"}`;
    case "#microsoft.graph.fido2AuthenticationMethod":
      return `FIDO2 key ${method.displayName ?? method.model ?? ""}`.trim();
    case "#microsoft.graph.emailAuthenticationMethod":
      return `email ${method.emailAddress}`;
    case "#microsoft.graph.temporaryAccessPassAuthenticationMethod":
      return "Temporary Access Pass";
    case "#microsoft.graph.softwareOathAuthenticationMethod":
      return "software OATH token";
    case "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod":
      return `Windows Hello on ${method.displayName ?? "unnamed device"}`;
    case "#microsoft.graph.platformCredentialAuthenticationMethod":
      return `platform credential on ${method.displayName ?? "unnamed device"}`;
    case "#microsoft.graph.externalAuthenticationMethod":
      return `external method ${method.displayName ?? ""}`.trim();
    default:
      return "password";
  }
}

function matchMethod(
  registration: MethodRegistration,
  inventory: AuthenticationMethod[],
  claimed: ReadonlySet<AuthenticationMethod>,
): AuthenticationMethod | undefined {
  const free = inventory.filter(
    (method) =>
      method["@odata.type"] !== PASSWORD &&
      !claimed.has(method) &&
      (!registration.methodType || method["@odata.type"] === registration.methodType),
  );
  if (free.length === 0) return undefined;
  // Strong identifiers first: the phone number, the Authenticator id or device name.
  for (const method of free) {
    if (
      method["@odata.type"] === PHONE &&
      registration.phones.includes(normalizePhone(method.phoneNumber) ?? "")
    ) {
      return method;
    }
    if (method["@odata.type"] === AUTHENTICATOR) {
      for (const device of registration.authenticators) {
        if (device.id && device.id === method.id.toLowerCase()) return method;
        if (device.deviceName && device.deviceName === method.displayName) return method;
      }
    }
  }
  // Graph gives phone and email methods no creation time: the only one of that type is the one.
  const undated = free.filter((method) => !method.createdDateTime);
  if (registration.methodType && undated.length === 1 && free.length === 1) return undated[0];
  // Otherwise the method of that type created closest to the event.
  let best: AuthenticationMethod | undefined;
  let bestGap = RESOLVE_WINDOW_MS;
  for (const method of free) {
    const created = toMs(method.createdDateTime);
    if (created === undefined) continue;
    const gap = Math.abs(created - registration.time);
    if (gap <= bestGap) {
      best = method;
      bestGap = gap;
    }
  }
  return best;
}

type DeviceAuditKind = "deviceAdded" | "deviceRegistered" | "deviceOwnerAdded";

interface DeviceGroup {
  audits: { audit: DirectoryAudit; kind: DeviceAuditKind; time: number }[];
}

/** Groups the audit records of one device registration by device object id, deviceId or correlation id. */
class DeviceGroups {
  private readonly byKey = new Map<string, DeviceGroup>();
  private readonly groups: DeviceGroup[] = [];
  responderSkipped = 0;

  add(audit: DirectoryAudit, kind: DeviceAuditKind, time: number): void {
    const device = targetOfType(audit, "Device");
    const keys = [
      device?.id ? `obj:${device.id}` : undefined,
      deviceIdOf(audit) ? `dev:${deviceIdOf(audit)}` : undefined,
      audit.correlationId ? `corr:${audit.correlationId}` : undefined,
    ].filter((key): key is string => key !== undefined);
    let group = keys.map((key) => this.byKey.get(key)).find((found) => found !== undefined);
    if (!group) {
      group = { audits: [] };
      this.groups.push(group);
    }
    group.audits.push({ audit, kind, time });
    for (const key of keys) this.byKey.set(key, group);
  }

  registrations(resolveUser: (id?: string, upn?: string) => string | undefined): DeviceRegistration[] {
    const out: DeviceRegistration[] = [];
    for (const group of this.groups) {
      const creators = group.audits.filter((entry) => entry.kind !== "deviceOwnerAdded");
      if (creators.length === 0) continue;
      creators.sort((a, b) => a.time - b.time);
      const first = creators[0]!;
      let userId: string | undefined;
      let upn: string | undefined;
      for (const entry of group.audits) {
        if (entry.kind !== "deviceOwnerAdded") continue;
        const user = targetUser(entry.audit);
        userId = resolveUser(user.id, user.upn);
        upn = user.upn;
        if (userId) break;
      }
      let initiator = initiatorOf(first.audit);
      for (const entry of group.audits) {
        const candidate = initiatorOf(entry.audit);
        if (candidate.userId || candidate.ipAddress) {
          initiator = { ...candidate, ipAddress: candidate.ipAddress ?? initiator.ipAddress };
          if (candidate.ipAddress) break;
        }
      }
      userId = userId ?? resolveUser(initiator.userId, initiator.userPrincipalName);
      if (!userId) continue;
      const registration: DeviceRegistration = {
        kind: "device",
        key: first.audit.id,
        time: first.time,
        userId,
        userPrincipalName: upn ?? initiator.userPrincipalName,
        ip: initiator.ipAddress,
        initiator,
        byOther: isOther(initiator, userId),
        source: "audit",
        audits: group.audits.map((entry) => entry.audit),
        userAgents: [],
      };
      for (const entry of group.audits) fillDeviceFields(registration, entry.audit);
      out.push(registration);
    }
    return out;
  }
}

function deviceIdOf(audit: DirectoryAudit): string | undefined {
  const device = targetOfType(audit, "Device");
  return (
    scalarOf(decodeValue(findProperty(device, "DeviceId", "CloudDeviceId")?.newValue)) ??
    additionalDetail(audit, "Device Id", "DeviceId")
  )?.toLowerCase();
}

function fillDeviceFields(registration: DeviceRegistration, audit: DirectoryAudit): void {
  const device = targetOfType(audit, "Device");
  const prop = (...names: string[]) => scalarOf(decodeValue(findProperty(device, ...names)?.newValue));
  registration.deviceObjectId ??= device?.id ?? undefined;
  registration.deviceId ??= deviceIdOf(audit);
  registration.displayName ??=
    prop("CloudDisplayName", "DisplayName") ??
    additionalDetail(audit, "Device Name") ??
    device?.displayName ??
    undefined;
  registration.operatingSystem ??=
    prop("CloudDeviceOSType", "DeviceOSType") ?? additionalDetail(audit, "Device OS");
  registration.osVersion ??=
    prop("CloudDeviceOSVersion", "DeviceOSVersion") ??
    additionalDetail(audit, "Device OS Version", "OS Version");
  registration.trustType ??=
    prop("DeviceTrustType", "TrustType") ?? additionalDetail(audit, "Device Trust Type");
  const agent = additionalDetail(audit, "User-Agent", "UserAgent") ?? audit.userAgent ?? undefined;
  if (agent && !registration.userAgents.includes(agent)) registration.userAgents.push(agent);
}

function ownerOf(device: Device): string | undefined {
  const refs = [...(device.registeredOwners ?? []), ...(device.registeredUsers ?? [])];
  return refs.find((ref) => ref["@odata.type"].toLowerCase().endsWith("user"))?.id;
}

/** Ties device registrations to inventory devices, fills what the logs lacked, adds unlogged devices. */
function resolveDevices(
  snapshot: CaseSnapshot,
  registrations: DeviceRegistration[],
  windowStart: number,
): void {
  // Only the devices the logs name need looking up: index those ids, not the whole inventory.
  const wanted = new Set<string>();
  for (const registration of registrations) {
    if (registration.deviceObjectId) wanted.add(registration.deviceObjectId);
    if (registration.deviceId) wanted.add(registration.deviceId);
  }
  const byObjectId = new Map<string, Device>();
  const byDeviceId = new Map<string, Device>();
  if (wanted.size > 0) {
    for (const device of snapshot.devices) {
      if (wanted.has(device.id)) byObjectId.set(device.id, device);
      const deviceId = device.deviceId?.toLowerCase();
      if (deviceId && wanted.has(deviceId)) byDeviceId.set(deviceId, device);
    }
  }
  const claimed = new Set<string>();
  for (const registration of registrations) {
    const device =
      (registration.deviceObjectId ? byObjectId.get(registration.deviceObjectId) : undefined) ??
      (registration.deviceId ? byDeviceId.get(registration.deviceId) : undefined);
    if (!device) continue;
    claimed.add(device.id);
    registration.device = device;
    registration.deviceObjectId ??= device.id;
    registration.deviceId ??= device.deviceId?.toLowerCase() ?? undefined;
    registration.displayName ??= device.displayName ?? undefined;
    registration.operatingSystem ??= device.operatingSystem ?? undefined;
    registration.osVersion ??= device.operatingSystemVersion ?? undefined;
    registration.trustType ??= device.trustType ?? undefined;
  }
  for (const device of snapshot.devices) {
    if (claimed.has(device.id)) continue;
    const created = toMs(device.registrationDateTime);
    if (created === undefined || created < windowStart) continue;
    const owner = ownerOf(device);
    if (!owner) continue;
    registrations.push({
      kind: "device",
      key: `inventory:${device.id}`,
      time: created,
      userId: owner,
      initiator: {},
      byOther: false,
      source: "inventory",
      audits: [],
      deviceObjectId: device.id,
      deviceId: device.deviceId?.toLowerCase() ?? undefined,
      displayName: device.displayName ?? undefined,
      operatingSystem: device.operatingSystem ?? undefined,
      osVersion: device.operatingSystemVersion ?? undefined,
      trustType: device.trustType ?? undefined,
      userAgents: [],
      device,
    });
  }
}
