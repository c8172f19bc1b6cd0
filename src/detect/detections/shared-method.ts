import type { AuthenticationMethod } from "../../graph/types.js";
import type { DetectContext } from "../context.js";
import type { Detection, DraftFinding } from "../detection.js";
import { registrationEvidence, registrationObject } from "../detection.js";
import type { Evidence, FindingObject, RecommendedAction, Severity } from "../finding.js";
import { normalizePhone } from "../phone.js";
import { type MethodRegistration, methodLabel } from "../registrations.js";

/**
 * 4. The same phone number (E.164) or the same Authenticator instance on two or more users: an
 * attacker reusing their own phone across the accounts they took over (reprise99
 * "MultipleUsersSameMFANumber"; the Authenticator DeviceToken from StrongAuthenticationPhoneAppDetail
 * where the audit has it, else the device name with lower confidence). Office phones are shared
 * desks, so they only count at low severity.
 */

interface Holder {
  userId: string;
  time?: number;
  method?: AuthenticationMethod;
  registration?: MethodRegistration;
  office: boolean;
}

/**
 * key (number / token / name) → its holders, one per account. Nearly every key has one holder, so
 * lists (not maps) keep this cheap; a key past `limit` holders stops growing (only "more than
 * limit" matters for it, e.g. a device name shared by thousands is just a common model).
 */
type Holders = Map<string, Holder[]>;

function addHolder(map: Holders, key: string, holder: Holder, limit = Number.POSITIVE_INFINITY): void {
  const list = map.get(key);
  if (!list) {
    map.set(key, [holder]);
    return;
  }
  const same = list.find((known) => known.userId === holder.userId);
  if (same) {
    same.method ??= holder.method;
    same.registration ??= holder.registration;
    same.time ??= holder.time;
    return;
  }
  if (list.length <= limit) list.push(holder);
}

export const sharedMethod: Detection = {
  id: "shared-method",
  title: "Same phone number or Authenticator device on several users",
  technique: "T1098.005",
  defaultSeverity: "high",
  requires: [["methods", "audits"]],
  uses: [
    { stream: "methods", check: "phone numbers and Authenticator devices in the inventory" },
    { stream: "audits", check: "Authenticator device tokens in Update user records" },
  ],
  run(context) {
    const phones: Holders = new Map();
    const tokens: Holders = new Map();
    const names: Holders = new Map();
    const registrationOf = new Map<string, MethodRegistration>();
    for (const registration of context.events.methods) {
      if (registration.method)
        registrationOf.set(`${registration.userId}/${registration.method.id}`, registration);
      for (const phone of registration.phones) {
        addHolder(phones, phone, {
          userId: registration.userId,
          time: registration.time,
          registration,
          method: registration.method,
          office: false,
        });
      }
      for (const device of registration.authenticators) {
        if (!device.tokenFingerprint) continue;
        addHolder(tokens, device.tokenFingerprint, {
          userId: registration.userId,
          time: registration.time,
          registration,
          method: registration.method,
          office: false,
        });
      }
    }
    for (const [userId, methods] of context.snapshot.methods) {
      for (const method of methods) {
        const registration = registrationOf.get(`${userId}/${method.id}`);
        const time =
          registration?.time ?? (method.createdDateTime ? Date.parse(method.createdDateTime) : undefined);
        if (method["@odata.type"] === "#microsoft.graph.phoneAuthenticationMethod") {
          const phone = normalizePhone(method.phoneNumber);
          if (phone)
            addHolder(phones, phone, {
              userId,
              time,
              method,
              registration,
              office: method.phoneType === "office",
            });
        } else if (method["@odata.type"] === "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod") {
          const name = method.displayName?.trim();
          if (name)
            addHolder(names, name.toLowerCase(), { userId, time, method, registration, office: false }, 3);
        }
      }
    }
    const out: DraftFinding[] = [];
    for (const [phone, holders] of phones) {
      if (holders.length < 2) continue;
      const allOffice = holders.every((holder) => holder.office);
      out.push(
        ...findingsFor(context, holders, `phone:${phone}`, {
          what: `phone number ${phone}`,
          severity: allOffice ? "low" : "high",
          score: allOffice ? 30 : 80,
        }),
      );
    }
    for (const [token, holders] of tokens) {
      if (holders.length < 2) continue;
      out.push(
        ...findingsFor(context, holders, `token:${token}`, {
          what: `the same Authenticator app instance (device token fingerprint ${token})`,
          severity: "high",
          score: 85,
        }),
      );
    }
    // Device names are weak: "iPhone" is on thousands of accounts. Only rare names count, and low.
    for (const [name, holders] of names) {
      if (holders.length < 2 || holders.length > 3) continue;
      if (/^(i?phone|ipad|android|samsung|pixel|sm-|galaxy|moto|oneplus|xiaomi|redmi|huawei)/i.test(name))
        continue;
      out.push(
        ...findingsFor(context, holders, `name:${name}`, {
          what: `an Authenticator device with the same name "${name}"`,
          severity: "low",
          score: 35,
        }),
      );
    }
    return out;
  },
};

function findingsFor(
  context: DetectContext,
  holders: Holder[],
  anchor: string,
  spec: { what: string; severity: Severity; score: number },
): DraftFinding[] {
  const upns = holders.map((holder) => context.userPrincipalName(holder.userId) ?? holder.userId);
  const evidence: Evidence[] = [];
  for (const holder of holders) {
    if (holder.registration) evidence.push(...registrationEvidence(context, holder.registration));
    else if (holder.method) {
      evidence.push({
        kind: "method",
        id: holder.method.id,
        time: holder.method.createdDateTime ?? undefined,
        summary: `${context.userPrincipalName(holder.userId) ?? holder.userId}: ${methodLabel(holder.method)}`,
      });
    }
  }
  return holders.map((holder) => {
    let object: FindingObject;
    let actions: RecommendedAction[];
    if (holder.registration) ({ object, actions } = registrationObject(context, holder.registration));
    else if (holder.method) {
      object = {
        kind: "method",
        methodId: holder.method.id,
        odataType: holder.method["@odata.type"],
        label: methodLabel(holder.method),
      };
      actions = ["deleteMethod"];
    } else {
      object = { kind: "user" };
      actions = ["review"];
    }
    const others = upns.filter((_, index) => holders[index] !== holder);
    return {
      userId: holder.userId,
      object,
      anchor,
      severity: spec.severity,
      score: spec.score,
      explanation: `${spec.what} is registered on ${holders.length} accounts: this one and ${others.join(", ")}.`,
      evidence,
      recommendedActions: actions,
      initiator: holder.registration?.initiator,
      locationSuppressible: false,
    };
  });
}
