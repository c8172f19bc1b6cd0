import type { RiskDetection, SignIn, User } from "../graph/types.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import type { DetectConfig } from "./config.js";
import { type CidrRange, inRange, ipPrefix, parseCidr } from "./network.js";
import { type PrivilegeInfo, privilegedUsers } from "./privileged.js";
import { type ExtractedEvents, extractRegistrations } from "./registrations.js";
import { errorCode, isFraudReport, isMfaFailure, isSuccess } from "./signins.js";
import { HOUR, lowerBound, MINUTE, toMs } from "./time.js";

/**
 * Everything the detections share, computed in one pass over the case: sign-ins per user (sorted),
 * per-user baselines (built lazily, only for users a detection asks about), where each IP was seen,
 * privilege, trusted ranges, password-spray IPs and the registration events.
 */

export interface TimedSignIn {
  time: number;
  signIn: SignIn;
}

export interface IpPlace {
  country?: string;
  city?: string;
  asn?: number;
}

export type BaselineAttribute = "country" | "city" | "asn" | "network" | "device" | "app";

interface UserLog {
  times: number[];
  records: SignIn[];
}

interface Baseline {
  successTimes: number[];
  firstSeen: Map<string, number>;
  hours: number[];
}

export interface SprayIp {
  ip: string;
  users: number;
  start: number;
  end: number;
}

export class DetectContext {
  readonly usersById = new Map<string, User>();
  readonly userIdByUpn = new Map<string, string>();
  /** Per user: sign-in times and records in two parallel arrays (no object per sign-in). */
  private readonly logs = new Map<string, UserLog>();
  private readonly timed = new Map<string, TimedSignIn[]>();
  /** Denied / unanswered MFA prompts per user, time-sorted. */
  readonly mfaFailuresByUser = new Map<string, TimedSignIn[]>();
  /** Sign-ins where the user reported the prompt as fraud. */
  readonly fraudSignIns: (TimedSignIn & { userId: string })[] = [];
  /** Earliest audit in the case. */
  readonly auditCoverageStart: number | undefined;
  readonly riskByUser = new Map<string, { time: number; risk: RiskDetection }[]>();
  /** Where each address was seen, filled on demand (most addresses are never asked about). */
  private readonly places = new Map<string, IpPlace>();
  private readonly userPlaces = new Map<string, IpPlace | undefined>();
  private placesIndexed = false;
  readonly privileged: Map<string, PrivilegeInfo>;
  readonly trustedRanges: { name: string; range: CidrRange }[] = [];
  readonly sprayIps = new Map<string, SprayIp>();
  readonly events: ExtractedEvents;
  /** Earliest sign-in in the case: history before it is unknown, not empty. */
  readonly signInCoverageStart: number | undefined;
  private readonly baselines = new Map<string, Baseline>();
  /** Every sign-in time, sorted: where the sign-in log has coverage at all. */
  private readonly allSignInTimes: Float64Array;

  constructor(
    readonly snapshot: CaseSnapshot,
    readonly config: DetectConfig,
  ) {
    for (const user of snapshot.users) {
      this.usersById.set(user.id, user);
      this.userIdByUpn.set(user.userPrincipalName.toLowerCase(), user.id);
    }
    // Registrations first (audits and inventory are small): their accounts are the ones whose
    // whole sign-in history detection reads. Every other account's sign-ins are only looked at for
    // failures, in the same single pass.
    let auditStart = Number.POSITIVE_INFINITY;
    for (const audit of snapshot.audits) {
      auditStart = Math.min(auditStart, toMs(audit.activityDateTime) ?? auditStart);
    }
    this.auditCoverageStart = auditStart === Number.POSITIVE_INFINITY ? undefined : auditStart;
    const extract = (windowStart: number) =>
      extractRegistrations(snapshot, {
        windowStart,
        responderAppIds: new Set(config.responderAppIds),
        companionWindowMs: config.thresholds.companionWindowMinutes * MINUTE,
        userIdByUpn: this.userIdByUpn,
      });
    // Logs usually come time-ordered, so the first and last sign-in bound the window already;
    // the pass below checks, and extracts again in the rare case it started earlier.
    const ends = [snapshot.signIns[0], snapshot.signIns.at(-1)].map((s) => toMs(s?.createdDateTime));
    const estimate = Math.min(auditStart, ...ends.filter((t): t is number => t !== undefined));
    let events = extract(Number.isFinite(estimate) ? estimate : Number.NEGATIVE_INFINITY);
    const wanted = involvedUsers(events);

    const signIns = snapshot.signIns;
    const times = new Float64Array(signIns.length).fill(Number.NaN);
    // Each record's account, kept so a second pass never has to touch the records again.
    const owners: (string | undefined)[] = new Array(signIns.length);
    let coverage = Number.POSITIVE_INFINITY;
    const failuresByIp = new Map<string, { time: number; userId: string }[]>();
    let order: "ascending" | "descending" | "mixed" | undefined;
    let previous = Number.NaN;
    for (let i = 0; i < signIns.length; i++) {
      const signIn = signIns[i]!;
      const time = toMs(signIn.createdDateTime);
      if (time === undefined) continue;
      times[i] = time;
      if (time !== previous && !Number.isNaN(previous)) {
        const step = time > previous ? "ascending" : "descending";
        order = order === undefined || order === step ? step : "mixed";
      }
      previous = time;
      if (time < coverage) coverage = time;
      const userId = signIn.userId || this.userIdByUpn.get(signIn.userPrincipalName?.toLowerCase() ?? "");
      if (!userId) continue;
      owners[i] = userId;
      if (wanted.has(userId)) this.append(userId, time, signIn);
      // Failures are rare: classify them here, once, so no detection re-reads every sign-in.
      const code = errorCode(signIn);
      if (code === 0) continue;
      const ip = signIn.ipAddress;
      if (code === 50126 && ip) {
        const failures = failuresByIp.get(ip);
        if (failures) failures.push({ time, userId });
        else failuresByIp.set(ip, [{ time, userId }]);
      }
      if (code === 50126 || !isMfaFailure(signIn)) continue;
      const failures = this.mfaFailuresByUser.get(userId);
      if (failures) failures.push({ time, signIn });
      else this.mfaFailuresByUser.set(userId, [{ time, signIn }]);
      // A fraud report is a denied prompt with the fraud reason.
      if (isFraudReport(signIn)) this.fraudSignIns.push({ time, signIn, userId });
    }
    this.signInCoverageStart = coverage === Number.POSITIVE_INFINITY ? undefined : coverage;

    // Sign-ins older than the estimated window can date inventory objects too: extract again then.
    if (coverage < estimate && createdBetween(snapshot, coverage, estimate)) events = extract(coverage);
    this.events = events;
    // Accounts found only now (prompt bombing, fraud reports, registrations dated by sign-ins):
    // a second pass over the already-parsed times collects their history.
    const later = new Set<string>();
    // Fatigue needs a burst: accounts with fewer failed prompts than the smallest burst are skipped.
    const burst = Math.min(
      config.thresholds.fatigueMinFailures,
      config.thresholds.fatigueUnfamiliarMinFailures,
    );
    for (const [userId, failures] of this.mfaFailuresByUser) {
      if (failures.length >= burst && !wanted.has(userId)) later.add(userId);
    }
    for (const userId of involvedUsers(events)) if (!wanted.has(userId)) later.add(userId);
    for (const { userId } of this.fraudSignIns) if (!wanted.has(userId)) later.add(userId);
    if (later.size > 0) {
      for (let i = 0; i < signIns.length; i++) {
        const userId = owners[i];
        if (userId !== undefined && later.has(userId)) this.append(userId, times[i]!, signIns[i]!);
      }
    }

    // Exports and collections come time-ordered (Graph: newest first); re-sort only when they are not.
    for (const log of this.logs.values()) {
      if (order === "descending") {
        log.times.reverse();
        log.records.reverse();
      } else if (order === "mixed") {
        const index = log.times.map((_, i) => i).sort((x, y) => log.times[x]! - log.times[y]!);
        log.times = index.map((i) => log.times[i]!);
        log.records = index.map((i) => log.records[i]!);
      }
    }
    for (const list of this.mfaFailuresByUser.values()) list.sort((x, y) => x.time - y.time);
    let valid = 0;
    for (let i = 0; i < times.length; i++) if (!Number.isNaN(times[i]!)) times[valid++] = times[i]!;
    const sorted = times.subarray(0, valid);
    if (order === "descending") sorted.reverse();
    else if (order === "mixed") sorted.sort();
    this.allSignInTimes = sorted;
    this.findSprayIps(failuresByIp);

    for (const risk of snapshot.riskDetections) {
      const time = toMs(risk.activityDateTime ?? risk.detectedDateTime);
      if (!risk.userId || time === undefined) continue;
      const list = this.riskByUser.get(risk.userId);
      if (list) list.push({ time, risk });
      else this.riskByUser.set(risk.userId, [{ time, risk }]);
    }
    for (const list of this.riskByUser.values()) list.sort((a, b) => a.time - b.time);

    this.privileged = privilegedUsers(snapshot);
    for (const location of snapshot.namedLocations) {
      if (!location.isTrusted) continue;
      for (const cidr of location.ipRanges ?? []) {
        const range = parseCidr(cidr.cidrAddress);
        if (range) this.trustedRanges.push({ name: location.displayName ?? location.id, range });
      }
    }
  }

  private append(userId: string, time: number, signIn: SignIn): void {
    const log = this.logs.get(userId);
    if (log) {
      log.times.push(time);
      log.records.push(signIn);
    } else this.logs.set(userId, { times: [time], records: [signIn] });
  }

  get thresholds() {
    return this.config.thresholds;
  }

  /** The account's UPN: from the inventory, else from its own sign-ins or registrations (logs-only cases). */
  userPrincipalName(userId: string): string | undefined {
    const known = this.usersById.get(userId)?.userPrincipalName;
    if (known) return known;
    const fromSignIn = this.logs
      .get(userId)
      ?.records.find((signIn) => signIn.userPrincipalName)?.userPrincipalName;
    if (fromSignIn) return fromSignIn;
    const registrations = [...this.events.methods, ...this.events.devices];
    return (
      registrations.find((r) => r.userId === userId && r.userPrincipalName)?.userPrincipalName ?? undefined
    );
  }

  /** A user's sign-ins, time-sorted (built on first use: most users are never asked about). */
  signIns(userId: string): TimedSignIn[] {
    let list = this.timed.get(userId);
    if (!list) {
      const log = this.logs.get(userId);
      list = log ? log.records.map((signIn, i) => ({ time: log.times[i]!, signIn })) : [];
      this.timed.set(userId, list);
    }
    return list;
  }

  /** Sign-ins of a user with from <= time < to. */
  signInsBetween(userId: string, from: number, to: number): TimedSignIn[] {
    const log = this.logs.get(userId);
    if (!log) return [];
    const start = lowerBound(log.times, from, (time) => time);
    const end = lowerBound(log.times, to, (time) => time);
    const out: TimedSignIn[] = [];
    for (let i = start; i < end; i++) out.push({ time: log.times[i]!, signIn: log.records[i]! });
    return out;
  }

  /**
   * Does the sign-in log cover [from, to]? Only if it holds sign-ins (of anyone) near both ends:
   * silence in a period the log does not reach proves nothing about an account.
   */
  signInLogCovers(from: number, to: number, slack = 2 * 86_400_000): boolean {
    const times = this.allSignInTimes;
    const near = (at: number) => {
      const index = lowerBound(times, at - slack, (time) => time);
      return index < times.length && times[index]! <= at + slack;
    };
    return near(from) && near(to);
  }

  /** The earliest time from which the sign-in log runs without a gap up to `to`, within [from, to]. */
  signInLogStart(from: number, to: number): number | undefined {
    const start = this.signInCoverageStart;
    if (start === undefined) return undefined;
    const begin = Math.max(from, start);
    return this.signInLogCovers(begin, to) ? begin : undefined;
  }

  /**
   * Country, city and ASN of an address, from the sign-ins that came from it: the given user's (what
   * baselines compare, and cheap), or — without a user — anyone's, indexed on first such request.
   */
  place(ip: string | null | undefined, userId?: string): IpPlace | undefined {
    if (!ip) return undefined;
    if (userId !== undefined) {
      const key = `${userId}|${ip}`;
      if (this.userPlaces.has(key)) return this.userPlaces.get(key);
      const own = this.logs
        .get(userId)
        ?.records.find((signIn) => signIn.ipAddress === ip && signIn.location?.countryOrRegion);
      const place = own ? placeFromSignIn(own) : undefined;
      this.userPlaces.set(key, place);
      return place;
    }
    if (!this.placesIndexed) {
      this.placesIndexed = true;
      for (const signIn of this.snapshot.signIns) {
        const from = signIn.ipAddress;
        if (from && !this.places.get(from)?.country && signIn.location?.countryOrRegion) {
          this.places.set(from, placeFromSignIn(signIn));
        }
      }
    }
    return this.places.get(ip);
  }

  trustedLocation(ip: string | undefined): string | undefined {
    if (!ip) return undefined;
    return this.trustedRanges.find((entry) => inRange(ip, entry.range))?.name;
  }

  private baseline(userId: string): Baseline {
    let baseline = this.baselines.get(userId);
    if (baseline) return baseline;
    baseline = { successTimes: [], firstSeen: new Map(), hours: [] };
    const log = this.logs.get(userId) ?? { times: [], records: [] };
    for (let i = 0; i < log.records.length; i++) {
      const signIn = log.records[i]!;
      const time = log.times[i]!;
      if (!isSuccess(signIn)) continue;
      baseline.successTimes.push(time);
      baseline.hours.push(new Date(time).getUTCHours());
      for (const key of baselineKeys(signIn))
        if (!baseline.firstSeen.has(key)) baseline.firstSeen.set(key, time);
    }
    this.baselines.set(userId, baseline);
    return baseline;
  }

  /** History cut-off for an event: sign-ins within the gap before it are the event's own session. */
  private cutoff(at: number): number {
    return at - this.thresholds.baselineGapHours * HOUR;
  }

  /** Successful sign-ins in the user's history before an event (outside the gap). */
  historySize(userId: string, at: number): number {
    const baseline = this.baseline(userId);
    return lowerBound(baseline.successTimes, this.cutoff(at), (time) => time);
  }

  /** Whether the value was part of the user's history before the event. */
  familiar(
    userId: string,
    attribute: BaselineAttribute,
    value: string | number | undefined,
    at: number,
  ): boolean {
    if (value === undefined || value === "") return false;
    const first = this.baseline(userId).firstSeen.get(`${attribute}:${String(value).toLowerCase()}`);
    return first !== undefined && first < this.cutoff(at);
  }

  /** Values of one attribute in the user's history before the event (e.g. every country). */
  familiarValues(userId: string, attribute: BaselineAttribute, at: number): string[] {
    const cutoff = this.cutoff(at);
    const prefix = `${attribute}:`;
    const out: string[] = [];
    for (const [key, first] of this.baseline(userId).firstSeen) {
      if (first < cutoff && key.startsWith(prefix)) out.push(key.slice(prefix.length));
    }
    return out;
  }

  /**
   * Share of the user's historical sign-ins within an hour of this UTC hour (the hour and its two
   * neighbours, so a user active 9–17 is not "unusual" at 8:30).
   */
  hourShare(userId: string, hour: number, at: number): number {
    const baseline = this.baseline(userId);
    const count = this.historySize(userId, at);
    if (count === 0) return 0;
    let near = 0;
    for (let i = 0; i < count; i++) {
      const distance = Math.abs(baseline.hours[i]! - hour);
      if (Math.min(distance, 24 - distance) <= 1) near++;
    }
    return near / count;
  }

  /** Is the IP's network, country and ASN all unknown to the user's history? Undefined without history. */
  unfamiliarIp(userId: string, ip: string | undefined, at: number): boolean | undefined {
    if (!ip || this.historySize(userId, at) < this.thresholds.baselineMinSignIns) return undefined;
    if (this.familiar(userId, "network", ipPrefix(ip), at)) return false;
    const place = this.place(ip, userId);
    if (place?.country && !this.familiar(userId, "country", place.country, at)) return true;
    if (place?.asn !== undefined && !this.familiar(userId, "asn", place.asn, at)) return true;
    return place?.country === undefined && place?.asn === undefined;
  }

  private findSprayIps(failuresByIp: Map<string, { time: number; userId: string }[]>): void {
    const minUsers = this.thresholds.sprayMinUsers;
    const windowMs = this.thresholds.sprayWindowMinutes * MINUTE;
    for (const [ip, failures] of failuresByIp) {
      if (failures.length < minUsers) continue;
      failures.sort((a, b) => a.time - b.time);
      const counts = new Map<string, number>();
      let start = 0;
      for (let end = 0; end < failures.length; end++) {
        const current = failures[end]!;
        counts.set(current.userId, (counts.get(current.userId) ?? 0) + 1);
        while (current.time - failures[start]!.time > windowMs) {
          const old = failures[start++]!;
          const left = (counts.get(old.userId) ?? 1) - 1;
          if (left === 0) counts.delete(old.userId);
          else counts.set(old.userId, left);
        }
        if (counts.size >= minUsers) {
          const known = this.sprayIps.get(ip);
          if (known) {
            known.end = current.time;
            known.users = Math.max(known.users, counts.size);
          } else {
            this.sprayIps.set(ip, {
              ip,
              users: counts.size,
              start: failures[start]!.time,
              end: current.time,
            });
          }
        }
      }
    }
    this.dropBusyNetworks(failuresByIp);
  }

  /**
   * An office or VPN egress also collects wrong passwords from many users, but far more of its
   * users get in. A spray address fails for most of the accounts it tries: keep only those where
   * the users who failed outnumber the users who succeeded at least two to one.
   */
  private dropBusyNetworks(failuresByIp: Map<string, { time: number; userId: string }[]>): void {
    if (this.sprayIps.size === 0) return;
    const succeeded = new Map<string, Set<string>>();
    for (const ip of this.sprayIps.keys()) succeeded.set(ip, new Set());
    // Only when candidates exist: one look at each sign-in's address.
    for (const signIn of this.snapshot.signIns) {
      const users = signIn.ipAddress ? succeeded.get(signIn.ipAddress) : undefined;
      if (users && isSuccess(signIn)) users.add(signIn.userId);
    }
    for (const [ip, users] of succeeded) {
      const failed = new Set(failuresByIp.get(ip)?.map((failure) => failure.userId));
      if (failed.size < 2 * users.size) this.sprayIps.delete(ip);
    }
  }
}

/** Whether any inventory method or device was created in [from, to). */
function createdBetween(snapshot: CaseSnapshot, from: number, to: number): boolean {
  const inside = (iso: string | null | undefined) => {
    const time = toMs(iso);
    return time !== undefined && time >= from && time < to;
  };
  for (const methods of snapshot.methods.values()) {
    for (const method of methods) if (inside(method.createdDateTime)) return true;
  }
  return snapshot.devices.some((device) => inside(device.registrationDateTime));
}

/** Accounts whose history detection reads: each registration's account and whoever performed it. */
function involvedUsers(events: ExtractedEvents): Set<string> {
  const users = new Set<string>();
  for (const registration of [...events.methods, ...events.devices]) {
    users.add(registration.userId);
    if (registration.initiator.userId) users.add(registration.initiator.userId);
  }
  for (const report of events.fraudReports) users.add(report.userId);
  return users;
}

function placeFromSignIn(signIn: SignIn): IpPlace {
  return {
    country: signIn.location?.countryOrRegion ?? undefined,
    city: signIn.location?.city ?? undefined,
    asn: signIn.autonomousSystemNumber ?? undefined,
  };
}

function baselineKeys(signIn: SignIn): string[] {
  const keys: string[] = [];
  const loc = signIn.location;
  if (loc?.countryOrRegion) keys.push(`country:${loc.countryOrRegion.toLowerCase()}`);
  if (loc?.city) keys.push(`city:${loc.city.toLowerCase()}`);
  if (signIn.autonomousSystemNumber != null) keys.push(`asn:${signIn.autonomousSystemNumber}`);
  const prefix = ipPrefix(signIn.ipAddress);
  if (prefix) keys.push(`network:${prefix}`);
  if (signIn.deviceDetail?.deviceId) keys.push(`device:${signIn.deviceDetail.deviceId.toLowerCase()}`);
  if (signIn.appId) keys.push(`app:${signIn.appId.toLowerCase()}`);
  return keys;
}
