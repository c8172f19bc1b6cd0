import { createHash } from "node:crypto";
import type { DirectoryAudit } from "../graph/types.js";
import { decodeValue, findProperty } from "./audit.js";
import { normalizePhone } from "./phone.js";

/**
 * The legacy "Update user" StrongAuthentication* properties, diffed old → new. Only identifiers are
 * kept: the phone-app detail also carries OATH secret material, which must never leave this module,
 * and the Authenticator push token is reduced to a fingerprint.
 */

export interface AuthenticatorDevice {
  /** PhoneAppDetail "Id" (the Authenticator method id in Graph) when present. */
  id?: string;
  deviceName?: string;
  /** sha256 fingerprint of the DeviceToken: identifies the same app instance across users. */
  tokenFingerprint?: string;
}

export interface StrongAuthChange {
  /** Numbers (E.164) present after the change but not before. */
  addedPhones: string[];
  /** Numbers present before but not after (a replaced number shows as one removed + one added). */
  removedPhones: string[];
  addedAuthenticators: AuthenticatorDevice[];
  /** Method-type entries (StrongAuthenticationMethod) that appeared. */
  addedMethodTypes: string[];
  /** The default method changed. */
  defaultChanged: boolean;
}

function asArray(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value))
    return value.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null);
  if (typeof value === "object" && value !== null) return [value as Record<string, unknown>];
  return [];
}

function field(record: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() === lower && (typeof value === "string" || typeof value === "number")) {
      const text = String(value).trim();
      return text || undefined;
    }
  }
  return undefined;
}

const PHONE_FIELDS = ["PhoneNumber", "AlternativePhoneNumber", "VoiceOnlyPhoneNumber"];

function phonesOf(value: unknown): Set<string> {
  const out = new Set<string>();
  for (const record of asArray(value)) {
    for (const name of PHONE_FIELDS) {
      const phone = normalizePhone(field(record, name));
      if (phone) out.add(phone);
    }
  }
  return out;
}

export function fingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 16);
}

function authenticatorsOf(value: unknown): AuthenticatorDevice[] {
  return asArray(value).map((record) => {
    const token = field(record, "DeviceToken");
    return {
      id: field(record, "Id")?.toLowerCase(),
      deviceName: field(record, "DeviceName"),
      tokenFingerprint: token ? fingerprint(token) : undefined,
    };
  });
}

function authenticatorKey(device: AuthenticatorDevice): string {
  return device.id ?? device.tokenFingerprint ?? device.deviceName ?? "";
}

function methodTypesOf(value: unknown): { types: Set<string>; defaultType?: string } {
  const types = new Set<string>();
  let defaultType: string | undefined;
  for (const record of asArray(value)) {
    const type = field(record, "MethodType");
    if (type === undefined) continue;
    types.add(type);
    if (/^true$/i.test(field(record, "Default") ?? "")) defaultType = type;
  }
  return { types, defaultType };
}

/** Diffs every StrongAuthentication* property of one "Update user" record. */
export function strongAuthChange(audit: DirectoryAudit): StrongAuthChange {
  const change: StrongAuthChange = {
    addedPhones: [],
    removedPhones: [],
    addedAuthenticators: [],
    addedMethodTypes: [],
    defaultChanged: false,
  };
  for (const target of audit.targetResources ?? []) {
    const details = findProperty(target, "StrongAuthenticationUserDetails");
    if (details) {
      const before = phonesOf(decodeValue(details.oldValue));
      const after = phonesOf(decodeValue(details.newValue));
      for (const phone of after) if (!before.has(phone)) change.addedPhones.push(phone);
      for (const phone of before) if (!after.has(phone)) change.removedPhones.push(phone);
    }
    const app = findProperty(target, "StrongAuthenticationPhoneAppDetail");
    if (app) {
      const before = new Set(authenticatorsOf(decodeValue(app.oldValue)).map(authenticatorKey));
      for (const device of authenticatorsOf(decodeValue(app.newValue))) {
        if (!before.has(authenticatorKey(device))) change.addedAuthenticators.push(device);
      }
    }
    const methods = findProperty(target, "StrongAuthenticationMethod");
    if (methods) {
      const before = methodTypesOf(decodeValue(methods.oldValue));
      const after = methodTypesOf(decodeValue(methods.newValue));
      for (const type of after.types) if (!before.types.has(type)) change.addedMethodTypes.push(type);
      change.defaultChanged = before.defaultType !== after.defaultType && after.defaultType !== undefined;
    }
  }
  return change;
}

export function isEmptyChange(change: StrongAuthChange): boolean {
  return (
    change.addedPhones.length === 0 &&
    change.removedPhones.length === 0 &&
    change.addedAuthenticators.length === 0 &&
    change.addedMethodTypes.length === 0 &&
    !change.defaultChanged
  );
}
