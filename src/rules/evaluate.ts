import type { DirectoryAudit, SignIn } from "../graph/types.js";
import { allPhones, evaluateCondition } from "./condition.js";
import { AUDIT_FIELDS, auditSubject, SIGNIN_FIELDS } from "./fields.js";
import type { AuditField, BaselineIntent, BurstIntent, Condition, RuleIntent, SignInField } from "./model.js";

/**
 * Evaluates a rule intent directly on Graph-shaped log records, with the same semantics as the KQL
 * the rule renders to (./kql.ts): the executable specification the tests run against emulator
 * scenarios to show a rule fires on the attack and stays quiet on benign noise.
 */

export interface LogRecords {
  audits: readonly DirectoryAudit[];
  signIns: readonly SignIn[];
}

export interface IntentMatch {
  intentId: string;
  /** The user the alert is about (lower-case UPN, else object id); for shared values, the value. */
  subject: string;
  /** Graph ids of the records that make up the alert. */
  recordIds: string[];
  time: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const ms = (iso: string) => Date.parse(iso);

export function auditMatches(audit: DirectoryAudit, where: Condition<AuditField>): boolean {
  return evaluateCondition(where, (field) => AUDIT_FIELDS[field].graph(audit));
}

export function signInMatches(signIn: SignIn, where: Condition<SignInField>): boolean {
  return evaluateCondition(where, (field) => SIGNIN_FIELDS[field].graph(signIn));
}

const isSuccess = (s: SignIn) => (s.status?.errorCode ?? 0) === 0;
/** Users are keyed by lower-case UPN, as the KQL does (records without one are not grouped). */
const signInUser = (s: SignIn) => s.userPrincipalName?.toLowerCase() || undefined;
const auditUser = (a: DirectoryAudit) => auditSubject(a).upn || undefined;

function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (!k) continue;
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function burst(intent: BurstIntent, records: LogRecords): IntentMatch[] {
  type Row = { id: string; time: number; iso: string; user: string | undefined };
  let rows: Row[];
  if (intent.source === "signins") {
    let matching = records.signIns.filter((s) => signInMatches(s, intent.where));
    const unseen = intent.fromUnseenIp;
    if (unseen) {
      const successes = groupBy(records.signIns.filter(isSuccess), (s) => s.userId);
      matching = matching.filter((s) => {
        const t = ms(s.createdDateTime);
        return !(successes.get(s.userId) ?? []).some((h) => {
          const ht = ms(h.createdDateTime);
          return (
            h.ipAddress === s.ipAddress &&
            ht >= t - unseen.lookbackDays * DAY &&
            ht < t - unseen.gapHours * HOUR
          );
        });
      });
    }
    rows = matching.map((s) => ({
      id: s.id,
      time: ms(s.createdDateTime),
      iso: s.createdDateTime,
      user: signInUser(s),
    }));
  } else {
    // One row per user and target object: the earliest record about it.
    const first = new Map<string, Row>();
    for (const a of records.audits) {
      if (!auditMatches(a, intent.where)) continue;
      const user = auditUser(a);
      const key = `${user}\n${a.targetResources?.[0]?.id ?? a.id}`;
      const row = { id: a.id, time: ms(a.activityDateTime), iso: a.activityDateTime, user };
      const known = first.get(key);
      if (!known || row.time < known.time) first.set(key, row);
    }
    rows = [...first.values()];
  }
  const successes =
    intent.source === "signins" && intent.successWithinMinutes !== undefined
      ? groupBy(records.signIns.filter(isSuccess), signInUser)
      : undefined;
  const matches: IntentMatch[] = [];
  for (const [user, list] of groupBy(rows, (r) => r.user)) {
    list.sort((a, b) => a.time - b.time);
    // Exact sliding window: the record `threshold - 1` places earlier is within the window.
    for (let i = intent.threshold - 1; i < list.length; i++) {
      const end = list[i] as Row;
      const start = list[i - intent.threshold + 1] as Row;
      if (end.time - start.time > intent.windowMinutes * MINUTE) continue;
      const window = list.slice(i - intent.threshold + 1, i + 1).map((r) => r.id);
      if (successes && intent.source === "signins" && intent.successWithinMinutes !== undefined) {
        const limit = end.time + intent.successWithinMinutes * MINUTE;
        const success = (successes.get(user) ?? []).find((s) => {
          const t = ms(s.createdDateTime);
          return t > end.time && t <= limit;
        });
        if (!success) continue;
        matches.push({
          intentId: intent.id,
          subject: user,
          recordIds: [...window, success.id],
          time: end.iso,
        });
      } else {
        matches.push({ intentId: intent.id, subject: user, recordIds: window, time: end.iso });
      }
      break; // one alert per user, as the KQL summarizes by user
    }
  }
  return matches;
}

/** Users created ("Add user") per lower-case UPN and id, for the dormant test. */
function creations(audits: readonly DirectoryAudit[]): Map<string, number[]> {
  const created = new Map<string, number[]>();
  for (const a of audits) {
    if (a.activityDisplayName.toLowerCase() !== "add user") continue;
    const target = a.targetResources?.[0];
    for (const key of [target?.id, target?.userPrincipalName?.toLowerCase()]) {
      if (!key) continue;
      created.set(key, [...(created.get(key) ?? []), ms(a.activityDateTime)]);
    }
  }
  return created;
}

function baseline(intent: BaselineIntent, records: LogRecords): IntentMatch[] {
  const byUserId = groupBy(records.signIns, (s) => s.userId);
  // A baseline is only judged where the logs cover it: the case's logs may start later than the
  // lookback (a SIEM rule always has its 14-day query period).
  const earliest = Math.min(...records.signIns.map((s) => ms(s.createdDateTime)));
  const created =
    intent.test === "dormant" || intent.test === "singleFactorSession"
      ? creations(records.audits)
      : undefined;
  const matches: IntentMatch[] = [];
  for (const audit of records.audits) {
    if (!auditMatches(audit, intent.where)) continue;
    const subject = auditSubject(audit);
    if (!subject.id) continue;
    const t = ms(audit.activityDateTime);
    const history = byUserId.get(subject.id) ?? [];
    const user = subject.upn || subject.id;
    let evidence: SignIn[] | undefined;
    if (intent.test === "singleFactorSession") {
      const createdAt = [...(created?.get(subject.id) ?? []), ...(created?.get(subject.upn ?? "") ?? [])];
      if (createdAt.some((c) => c >= t - intent.newAccountDays * DAY && c <= t)) continue;
      const sessions = history.filter((s) => {
        const st = ms(s.createdDateTime);
        return (
          isSuccess(s) &&
          st >= t - intent.windowMinutes * MINUTE &&
          st <= t &&
          (s.authenticationRequirement ?? "").toLowerCase() === "singlefactorauthentication"
        );
      });
      if (sessions.length) evidence = sessions;
    } else if (intent.test === "afterRiskySignIn") {
      const levels = intent.riskLevels.map((l) => l.toLowerCase());
      const risky = history.filter((s) => {
        const st = ms(s.createdDateTime);
        return (
          st >= t - intent.gapHours * HOUR &&
          st <= t &&
          levels.includes((s.riskLevelDuringSignIn ?? "").toLowerCase())
        );
      });
      if (risky.length) evidence = risky;
    } else {
      const from = t - intent.lookbackDays * DAY;
      if (!(earliest <= from)) continue;
      const base = history.filter((s) => {
        const st = ms(s.createdDateTime);
        return isSuccess(s) && st >= from && st < t - intent.gapHours * HOUR;
      });
      if (intent.test === "dormant") {
        const createdAt = [...(created?.get(subject.id) ?? []), ...(created?.get(subject.upn ?? "") ?? [])];
        if (base.length === 0 && !createdAt.some((c) => c >= from && c <= t)) evidence = [];
      } else {
        const ip = audit.initiatedBy?.user?.ipAddress;
        if (ip && base.length >= intent.minBaseline && !base.some((s) => s.ipAddress === ip)) evidence = [];
      }
    }
    if (evidence) {
      matches.push({
        intentId: intent.id,
        subject: user,
        recordIds: [audit.id, ...evidence.map((s) => s.id)],
        time: audit.activityDateTime,
      });
    }
  }
  return matches;
}

export function evaluateIntent(intent: RuleIntent, records: LogRecords): IntentMatch[] {
  switch (intent.kind) {
    case "event":
      if (intent.source === "signins") {
        return records.signIns
          .filter((s) => signInMatches(s, intent.where))
          .map((s) => ({
            intentId: intent.id,
            subject: signInUser(s) ?? s.userId,
            recordIds: [s.id],
            time: s.createdDateTime,
          }));
      }
      return records.audits
        .filter((a) => auditMatches(a, intent.where))
        .map((a) => ({
          intentId: intent.id,
          subject: auditUser(a) ?? auditSubject(a).id ?? "",
          recordIds: [a.id],
          time: a.activityDateTime,
        }));
    case "burst":
      return burst(intent, records);
    case "baseline":
      return baseline(intent, records);
    case "sharedValue": {
      const byPhone = new Map<string, { users: Set<string>; ids: string[]; time: string }>();
      for (const audit of records.audits) {
        if (!auditMatches(audit, intent.where)) continue;
        const user = auditUser(audit);
        if (!user) continue;
        for (const phone of new Set(allPhones(AUDIT_FIELDS.details.graph(audit) ?? ""))) {
          const entry = byPhone.get(phone) ?? { users: new Set(), ids: [], time: audit.activityDateTime };
          entry.users.add(user);
          entry.ids.push(audit.id);
          if (audit.activityDateTime > entry.time) entry.time = audit.activityDateTime;
          byPhone.set(phone, entry);
        }
      }
      return [...byPhone]
        .filter(([, e]) => e.users.size >= intent.minUsers)
        .map(([phone, e]) => ({ intentId: intent.id, subject: phone, recordIds: e.ids, time: e.time }));
    }
  }
}
