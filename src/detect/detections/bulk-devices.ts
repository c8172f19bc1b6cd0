import type { Detection, DraftFinding } from "../detection.js";
import { describeRegistration, registrationEvidence, registrationObject } from "../detection.js";
import type { DeviceRegistration } from "../registrations.js";
import { MINUTE } from "../time.js";

/**
 * 8. Bulk registration: several devices by one user within minutes (Elastic "Multiple Device
 * Registrations by a Single User": 3 in 15 min), more devices than the tenant quota, or devices
 * registered by bulk-enrolment (package_*) accounts.
 */
export const bulkDevices: Detection = {
  id: "bulk-devices",
  title: "Many devices registered by one account",
  technique: "T1098.005",
  defaultSeverity: "high",
  requires: [["audits", "devices"]],
  uses: [{ stream: "policies", check: "the tenant's per-user device quota" }],
  run(context) {
    const t = context.thresholds;
    const windowMs = t.bulkWindowMinutes * MINUTE;
    const byUser = new Map<string, DeviceRegistration[]>();
    for (const registration of context.events.devices) {
      const list = byUser.get(registration.userId) ?? [];
      list.push(registration);
      byUser.set(registration.userId, list);
    }
    const quota = context.snapshot.deviceRegistrationPolicy?.userDeviceQuota ?? t.defaultUserDeviceQuota;
    const owned = new Map<string, number>();
    for (const device of context.snapshot.devices) {
      for (const owner of device.registeredOwners ?? []) owned.set(owner.id, (owned.get(owner.id) ?? 0) + 1);
    }
    const out: DraftFinding[] = [];
    for (const [userId, registrations] of byUser) {
      registrations.sort((a, b) => a.time - b.time);
      const upn = (
        context.userPrincipalName(userId) ??
        registrations[0]?.userPrincipalName ??
        ""
      ).toLowerCase();
      const packageAccount = upn.startsWith("package_");
      const inBurst = new Set<DeviceRegistration>();
      let start = 0;
      for (let end = 0; end < registrations.length; end++) {
        while (registrations[end]!.time - registrations[start]!.time > windowMs) start++;
        if (end - start + 1 >= t.bulkMinDevices)
          for (let i = start; i <= end; i++) inBurst.add(registrations[i]!);
      }
      const total = owned.get(userId) ?? 0;
      const overQuota = total > quota ? registrations.slice(-(total - quota)) : [];
      for (const registration of registrations) {
        const reasons: string[] = [];
        let score = 0;
        if (inBurst.has(registration)) {
          const near = registrations.filter(
            (other) => Math.abs(other.time - registration.time) <= windowMs,
          ).length;
          reasons.push(
            `one of ${near} devices this account registered within ${t.bulkWindowMinutes} minutes`,
          );
          score += 75;
        }
        if (overQuota.includes(registration)) {
          reasons.push(`the account owns ${total} devices, above the quota of ${quota}`);
          score += 50;
        }
        if (packageAccount) {
          reasons.push(
            "registered by a bulk-enrolment (package_*) account, whose token is a standing credential",
          );
          score += 55;
        }
        if (reasons.length === 0) continue;
        const { object, actions } = registrationObject(context, registration);
        out.push({
          userId,
          object,
          anchor: registration.key,
          severity: score >= 75 ? "high" : "medium",
          score: Math.min(score, 95),
          explanation: `${describeRegistration(registration)}: ${reasons.join("; ")}.`,
          evidence: registrationEvidence(context, registration),
          recommendedActions: actions,
          ip: registration.ip,
          initiator: registration.initiator,
          locationSuppressible: false,
        });
      }
    }
    return out;
  },
};
