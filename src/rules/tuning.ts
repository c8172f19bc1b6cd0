import ipaddr from "ipaddr.js";
import type { AllowlistEntry } from "../detect/config.js";
import { type Finding, SEVERITIES, type Triage } from "../detect/finding.js";
import type { PhoneMethod } from "../graph/types.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import { normalizePhone, sha256Hex } from "./condition.js";
import type { AuditField, Condition, RuleIntent, SignInField } from "./model.js";

/**
 * Tuning a rule set to one tenant: what the case knows is trusted (named locations, the allowlist)
 * narrows the rules, and what it knows about the attacker becomes watchlist rules.
 */

export interface Tuning {
  /** CIDRs of trusted named locations and allowlisted ranges. */
  trustedCidrs: string[];
  /** Names of the trusted locations, for the rule descriptions. */
  trustedLocationNames: string[];
  /** Known-good devices: object ids, device ids and (from the case) their display names. */
  allowedDevices: string[];
  /** Known-good admin / helpdesk accounts (lower-case UPNs or object ids), as initiators of changes. */
  allowedAccounts: string[];
  /** Known-good initiating apps (app ids). */
  allowedApps: string[];
  indicators: AttackerIndicators;
}

export interface AttackerIndicators {
  ips: string[];
  deviceNames: string[];
  /** E.164-style phone numbers (+ and digits). */
  phones: string[];
}

export const EMPTY_TUNING: Tuning = {
  trustedCidrs: [],
  trustedLocationNames: [],
  allowedDevices: [],
  allowedAccounts: [],
  allowedApps: [],
  indicators: { ips: [], deviceNames: [], phones: [] },
};

const sorted = (values: Iterable<string>) => [...new Set(values)].filter((v) => v !== "").sort();

/** Values of the allowlist entries of one kind that have not expired (as the detection engine reads them). */
function live(entries: readonly AllowlistEntry[], kind: AllowlistEntry["kind"], now: Date): string[] {
  return entries.filter((e) => e.kind === kind && Date.parse(e.expires) >= now.getTime()).map((e) => e.value);
}

/**
 * Builds the tuning from a case: trusted IP named locations, the allowlist (expired entries
 * ignored), and the indicators of the findings that are not suppressed, not triaged as false
 * positives, and either medium severity or worse or triaged as true positives: IPs from their
 * evidence (outside the trusted ranges), device names, phone numbers of flagged phone methods.
 */
export function tuningFromCase(
  snapshot: CaseSnapshot,
  findings: readonly Finding[],
  options: { allowlist?: readonly AllowlistEntry[]; triage?: readonly Triage[]; now?: Date } = {},
): Tuning {
  const now = options.now ?? new Date();
  const allowlist = options.allowlist ?? [];
  const trusted = snapshot.namedLocations.filter(
    (l) => l["@odata.type"] === "#microsoft.graph.ipNamedLocation" && l.isTrusted === true,
  );
  const trustedCidrs = sorted([
    ...trusted.flatMap((l) => (l.ipRanges ?? []).map((r) => r.cidrAddress)),
    ...live(allowlist, "ipRange", now),
  ]);
  const falsePositive = new Set(
    (options.triage ?? []).filter((t) => t.verdict === "falsePositive").map((t) => t.findingId),
  );
  const truePositive = new Set(
    (options.triage ?? []).filter((t) => t.verdict === "truePositive").map((t) => t.findingId),
  );
  // A low-severity finding's evidence is often the user's own activity; only what the responder
  // confirmed, or what detection rated medium or worse, names the attacker.
  const attack = findings.filter(
    (f) =>
      !f.suppressedBy &&
      !falsePositive.has(f.id) &&
      (truePositive.has(f.id) || SEVERITIES.indexOf(f.severity) >= SEVERITIES.indexOf("medium")),
  );
  const trustedRanges = trustedCidrs.flatMap((c) => {
    try {
      return [ipaddr.parseCIDR(c)];
    } catch {
      return [];
    }
  });
  const trustedIp = (ip: string) => {
    try {
      const address = ipaddr.process(ip);
      return trustedRanges.some((r) => address.kind() === r[0].kind() && address.match(r));
    } catch {
      return false;
    }
  };
  const ips = new Set<string>();
  const deviceNames = new Set<string>();
  const phones = new Set<string>();
  for (const finding of attack) {
    for (const evidence of finding.evidence) {
      if (evidence.ipAddress && !trustedIp(evidence.ipAddress)) ips.add(evidence.ipAddress);
    }
    const object = finding.object;
    if (object.kind === "device") {
      const device = snapshot.devices.find(
        (d) => d.id === object.deviceObjectId || d.deviceId === object.deviceId,
      );
      const name = device?.displayName ?? object.label;
      if (name) deviceNames.add(name);
    } else if (
      object.kind === "method" &&
      object.odataType === "#microsoft.graph.phoneAuthenticationMethod"
    ) {
      const method = snapshot.methods.get(finding.userId)?.find((m) => m.id === object.methodId) as
        | PhoneMethod
        | undefined;
      if (method?.phoneNumber) phones.add(normalizePhone(method.phoneNumber));
    }
  }
  const deviceIds = live(allowlist, "device", now).map((d) => d.toLowerCase());
  const allowedDevices = [
    ...deviceIds,
    ...snapshot.devices
      .filter(
        (d) => deviceIds.includes(d.id.toLowerCase()) || deviceIds.includes(d.deviceId?.toLowerCase() ?? ""),
      )
      .map((d) => d.displayName ?? ""),
  ];
  return {
    trustedCidrs,
    trustedLocationNames: sorted(trusted.map((l) => l.displayName ?? l.id)),
    allowedDevices: sorted(allowedDevices),
    allowedAccounts: sorted(live(allowlist, "account", now).map((a) => a.toLowerCase())),
    allowedApps: sorted(live(allowlist, "app", now)),
    indicators: {
      ips: sorted(ips),
      deviceNames: sorted([...deviceNames].filter((d) => !allowedDevices.includes(d))),
      phones: sorted(phones),
    },
  };
}

function auditExclusions(intent: RuleIntent, tuning: Tuning): Condition<AuditField>[] {
  const out: Condition<AuditField>[] = [];
  for (const kind of intent.tuning) {
    if (kind === "trustedIps" && tuning.trustedCidrs.length)
      out.push({ field: "initiatorIp", op: "inCidr", values: tuning.trustedCidrs });
    if (kind === "devices" && tuning.allowedDevices.length) {
      out.push({ field: "targetName", op: "in", values: tuning.allowedDevices });
      out.push({ field: "targetId", op: "in", values: tuning.allowedDevices });
    }
    if (kind === "accounts" && tuning.allowedAccounts.length) {
      out.push({ field: "initiatorUpn", op: "in", values: tuning.allowedAccounts });
      out.push({ field: "initiatorId", op: "in", values: tuning.allowedAccounts });
    }
    if (kind === "apps" && tuning.allowedApps.length)
      out.push({ field: "initiatorAppId", op: "in", values: tuning.allowedApps });
  }
  return out;
}

function signInExclusions(intent: RuleIntent, tuning: Tuning): Condition<SignInField>[] {
  const out: Condition<SignInField>[] = [];
  for (const kind of intent.tuning) {
    if (kind === "trustedIps" && tuning.trustedCidrs.length)
      out.push({ field: "ip", op: "inCidr", values: tuning.trustedCidrs });
    if (kind === "devices" && tuning.allowedDevices.length)
      out.push({ field: "deviceName", op: "in", values: tuning.allowedDevices });
    if (kind === "devices" && tuning.allowedDevices.length)
      out.push({ field: "deviceId", op: "in", values: tuning.allowedDevices });
    if (kind === "accounts" && tuning.allowedAccounts.length)
      out.push({ field: "upn", op: "in", values: tuning.allowedAccounts });
    if (kind === "apps" && tuning.allowedApps.length)
      out.push({ field: "appId", op: "in", values: tuning.allowedApps });
  }
  return out;
}

function narrow<F extends string>(where: Condition<F>, exclusions: Condition<F>[]): Condition<F> {
  return exclusions.length
    ? {
        all: [
          where,
          { not: exclusions.length === 1 ? (exclusions[0] as Condition<F>) : { any: exclusions } },
        ],
      }
    : where;
}

/** The intent with the tenant's allowlists applied to its record filter. */
export function tuneIntent(intent: RuleIntent, tuning: Tuning): RuleIntent {
  if (intent.source === "signins") {
    return { ...intent, where: narrow(intent.where, signInExclusions(intent, tuning)) } as RuleIntent;
  }
  return { ...intent, where: narrow(intent.where, auditExclusions(intent, tuning)) } as RuleIntent;
}

/**
 * Watchlist rules for the attacker's indicators. Phone numbers go in full or as SHA-256 of their
 * normalized form ("hashed": the rule file does not disclose them). Sigma can neither normalize nor
 * hash a value, so the phone-number watchlist exists only as a KQL rule.
 */
export function watchlistIntents(tuning: Tuning, phoneMode: "hashed" | "full"): RuleIntent[] {
  const { ips, deviceNames, phones } = tuning.indicators;
  const base = {
    detectionId: "attacker-indicators",
    technique: "T1098.005" as const,
    tactics: ["Persistence", "InitialAccess"] as const,
    severity: "high" as const,
    falsePositives: ["An indicator that was reassigned (a dynamic IP, a recycled phone number)"],
    tuning: [],
  };
  const out: RuleIntent[] = [];
  const signIn: Condition<SignInField>[] = [
    ...(ips.length ? [{ field: "ip", op: "in", values: ips } as const] : []),
    ...(deviceNames.length ? [{ field: "deviceName", op: "in", values: deviceNames } as const] : []),
  ];
  if (signIn.length) {
    out.push({
      ...base,
      id: "attacker-indicators-signin",
      kind: "event",
      source: "signins",
      where: signIn.length === 1 ? (signIn[0] as Condition<SignInField>) : { any: signIn },
      title: "Sign-in matching attacker indicators",
      description: `A sign-in from an IP address or device that the mfa-evict case attributed to the attacker (${ips.length} IPs, ${deviceNames.length} device names).`,
    });
  }
  const audit: Condition<AuditField>[] = [
    ...(ips.length ? [{ field: "initiatorIp", op: "in", values: ips } as const] : []),
    ...(deviceNames.length ? [{ field: "targetName", op: "in", values: deviceNames } as const] : []),
  ];
  if (audit.length) {
    out.push({
      ...base,
      id: "attacker-indicators-audit",
      kind: "event",
      source: "audits",
      where: audit.length === 1 ? (audit[0] as Condition<AuditField>) : { any: audit },
      title: "Directory change matching attacker indicators",
      description: `A directory change made from an IP address, or about a device, that the mfa-evict case attributed to the attacker (${ips.length} IPs, ${deviceNames.length} device names).`,
    });
  }
  if (phones.length) {
    out.push({
      ...base,
      id: "attacker-phone-number",
      technique: "T1556.006",
      kind: "event",
      source: "audits",
      where:
        phoneMode === "hashed"
          ? { field: "details", op: "phoneSha256In", values: phones.map(sha256Hex) }
          : { field: "details", op: "phoneIn", values: phones },
      title: "Attacker phone number registered again",
      description:
        phoneMode === "hashed"
          ? `Authentication details carry one of ${phones.length} phone numbers that the mfa-evict case attributed to the attacker (listed as SHA-256 of "+" and the digits).`
          : `Authentication details carry one of ${phones.length} phone numbers that the mfa-evict case attributed to the attacker.`,
    });
  }
  return out;
}
