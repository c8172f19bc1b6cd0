/**
 * D days of sign-in and audit history consistent with each person: interactive sign-ins at the start
 * of the working day (mostly single sign-on, sometimes a fresh MFA prompt, the odd typo or missed
 * push), non-interactive token refreshes through the day, quiet weekends, trips, and a trickle of
 * legitimate but alarming changes (new phone, new number, new laptop, helpdesk TAP after a lost
 * phone) recorded as benign noise.
 */
import type {
  AuthenticationDetail,
  DirectoryAudit,
  RiskDetection,
  SignIn,
  SignInLocation,
} from "../../graph/types.js";
import {
  FIRST_PARTY,
  PHONE_MODELS,
  RESOURCES,
  type Resource,
  SIGNIN_ERRORS,
  USER_AGENTS,
  WINDOWS_VERSIONS,
} from "./catalog.js";
import { authenticatorMethod } from "./people.js";
import type { Rng } from "./prng.js";
import {
  type AppRef,
  audit,
  changed,
  deviceDetailOf,
  frozenStatus,
  includedUpdated,
  isoTime,
  MFA_DETAIL_METHOD,
  type MfaKind,
  mfaStep,
  passwordStep,
  type SignInInput,
  STRONG_AUTH_SERVICE,
  signIn,
  userTarget,
} from "./records.js";
import { deviceRegisteredAudits, methodAddedAudits, methodDeletedAudits } from "./registration.js";
import type { TenantDevice } from "./schema.js";
import { DAY_MS, HOUR_MS, MINUTE_MS, type Person, type World } from "./world.js";

const STATUS = {
  invalidPassword: frozenStatus(SIGNIN_ERRORS.invalidPassword),
  mfaInterrupt: frozenStatus(SIGNIN_ERRORS.mfaRequiredInterrupt),
  mfaNoResponse: frozenStatus(SIGNIN_ERRORS.mfaNoResponse),
  mfaDenied: frozenStatus(SIGNIN_ERRORS.mfaDenied),
};

/** Non-interactive refreshes carry one step; shared, since it holds no per-record value. */
const REFRESH_DETAILS = Object.freeze([
  Object.freeze({
    authenticationMethod: "Previously satisfied",
    succeeded: true,
    authenticationStepResultDetail: "MFA requirement satisfied by claim in the token",
    authenticationStepRequirement: "Primary authentication",
  }),
]) as unknown as AuthenticationDetail[];

const REFRESH_TARGETS: readonly (readonly [AppRef, Resource])[] = [
  [FIRST_PARTY.teams, RESOURCES.teamsService],
  [FIRST_PARTY.office, RESOURCES.exchange],
  [FIRST_PARTY.office, RESOURCES.sharePoint],
  [FIRST_PARTY.outlookMobile, RESOURCES.exchange],
  [FIRST_PARTY.teams, RESOURCES.sharePoint],
];

interface Where {
  ip: string;
  asn: number;
  location: SignInLocation;
}

/** Where a person usually signs in from, and from where on their trip (built once per person). */
function placesOf(p: Person): { usual: Where; trip: Where | null } {
  const usual = p.officeIp
    ? { ip: p.officeIp, asn: p.officeAsn, location: p.location }
    : { ip: p.homeIp, asn: p.home.ispAsn, location: p.location };
  const trip = p.trip ? { ip: p.trip.ip, asn: p.trip.city.ispAsn, location: p.trip.location } : null;
  return { usual, trip };
}

const MFA_DETAILS: Readonly<Record<MfaKind, { authMethod: string; authDetail: string | null }>> =
  Object.freeze(
    Object.fromEntries(
      Object.entries(MFA_DETAIL_METHOD).map(([k, v]) => [
        k,
        Object.freeze({ authMethod: v, authDetail: null }),
      ]),
    ) as Record<MfaKind, { authMethod: string; authDetail: string | null }>,
  );
export function mfaDetailFor(kind: MfaKind): { authMethod: string; authDetail: string | null } {
  return MFA_DETAILS[kind];
}

/** The single-sign-on step of a PRT-backed interactive sign-in; shared, so it carries no step time. */
const SSO_DETAILS = Object.freeze([
  Object.freeze({
    authenticationMethod: "Previously satisfied",
    succeeded: true,
    authenticationStepResultDetail: "MFA requirement satisfied by claim in the token",
    authenticationStepRequirement: "Multifactor authentication",
  }),
]) as unknown as AuthenticationDetail[];

/** Collects one day's sign-ins and hands them over in time order. */
class DayBuffer {
  readonly records: SignIn[] = [];
  readonly times: number[] = [];
  push(record: SignIn, at: number): void {
    this.records.push(record);
    this.times.push(at);
  }
  drainSortedInto(out: SignIn[]): void {
    const { records, times } = this;
    // Sort numeric keys natively (a comparator call per comparison is several times slower):
    // key = milliseconds since the earliest record, scaled, plus the record's index as tiebreak.
    let min = Number.POSITIVE_INFINITY;
    for (const t of times) if (t < min) min = t;
    const keys = new Float64Array(records.length);
    for (let i = 0; i < keys.length; i++) keys[i] = (times[i]! - min) * INDEX_SPAN + i;
    keys.sort();
    for (let i = 0; i < keys.length; i++) out.push(records[keys[i]! % INDEX_SPAN]!);
    records.length = 0;
    times.length = 0;
  }
}
/** Room for the index in a sort key: 2^21 records a day; with ~3 days of ms spread the key stays below 2^53. */
const INDEX_SPAN = 2 ** 21;

/** Morning sign-in, possibly preceded by a failure; returns the time of the successful one. */
function morningSignIn(p: Person, at: number, where: Where, out: DayBuffer, rng: Rng): number {
  const admin = p.persona === "admin" || p.persona === "helpdesk";
  const browser = rng.chance(admin ? 0.5 : 0.4);
  const app: AppRef =
    admin && rng.chance(0.3)
      ? FIRST_PARTY.azurePortal
      : browser
        ? FIRST_PARTY.officeHome
        : rng.chance(0.5)
          ? FIRST_PARTY.teams
          : FIRST_PARTY.office;
  const resource =
    app === FIRST_PARTY.azurePortal
      ? RESOURCES.azureManagement
      : app === FIRST_PARTY.teams
        ? RESOURCES.teamsService
        : RESOURCES.graph;
  const joined = p.laptop?.trustType === "AzureAd";
  // One input object per call, adjusted between records: signIn copies what it needs.
  const input: SignInInput = {
    at,
    user: p.user,
    app,
    resource,
    ip: where.ip,
    asn: where.asn,
    location: where.location,
    interactive: true,
    clientAppUsed: browser || app === FIRST_PARTY.azurePortal ? "Browser" : "Mobile Apps and Desktop clients",
    userAgent: browser
      ? p.laptopDetail.operatingSystem === "MacOs"
        ? USER_AGENTS.chromeMac
        : USER_AGENTS.edgeWindows
      : USER_AGENTS.teamsDesktop,
    deviceDetail: p.laptopDetail,
  };
  const roll = rng.next();
  const kind = p.mfa;
  if (roll < 0.06 && (roll < 0.03 || kind)) {
    input.iso = isoTime(input.at, rng);
    if (roll < 0.03) {
      input.status = STATUS.invalidPassword;
      input.authenticationDetails = [passwordStep(input.iso, false)];
    } else if (kind === "push" && roll < 0.045) {
      input.status = STATUS.mfaNoResponse;
      input.mfa = true;
      input.authenticationDetails = [
        passwordStep(input.iso, true),
        mfaStep(input.iso, "push", false, "MFA denied; user did not respond to mobile app notification"),
      ];
      input.mfaDetail = mfaDetailFor("push");
    } else {
      input.status = STATUS.mfaInterrupt;
      input.authenticationDetails = [passwordStep(input.iso, true)];
    }
    out.push(signIn(input, rng), input.at);
    input.at += rng.range(20, 120) * 1000;
    input.status = undefined;
    input.mfa = undefined;
    input.mfaDetail = undefined;
  }
  input.iso = isoTime(input.at, rng);
  if (!kind) {
    input.conditionalAccessStatus = "notApplied";
    input.authenticationDetails = [passwordStep(input.iso, true)];
  } else if (!joined || rng.chance(0.12)) {
    input.mfa = true;
    input.authenticationDetails =
      kind === "fido2" || kind === "whfb"
        ? [mfaStep(input.iso, kind, true, "MFA successfully completed")]
        : [passwordStep(input.iso, true), mfaStep(input.iso, kind, true)];
    input.mfaDetail = mfaDetailFor(kind);
  } else {
    input.mfa = true;
    input.incomingTokenType = "primaryRefreshToken";
    input.authenticationDetails = SSO_DETAILS;
  }
  out.push(signIn(input, rng), input.at);
  return input.at;
}

function refresh(p: Person, at: number, where: Where, fromPhone: boolean, out: DayBuffer, rng: Rng): void {
  const [app, resource] = fromPhone
    ? ([FIRST_PARTY.outlookMobile, RESOURCES.exchange] as const)
    : rng.pick(REFRESH_TARGETS);
  const record = signIn(
    {
      at,
      user: p.user,
      app,
      resource,
      ip: where.ip,
      asn: where.asn,
      location: where.location,
      interactive: false,
      clientAppUsed: "Mobile Apps and Desktop clients",
      userAgent: fromPhone
        ? p.phoneDetail.operatingSystem === "Ios"
          ? USER_AGENTS.outlookIos
          : USER_AGENTS.outlookAndroid
        : USER_AGENTS.windowsAadProvider,
      deviceDetail: fromPhone ? p.phoneDetail : p.laptopDetail,
      mfa: true,
      incomingTokenType:
        !fromPhone && p.laptop?.trustType === "AzureAd" ? "primaryRefreshToken" : "refreshToken",
      authenticationDetails: REFRESH_DETAILS,
    },
    rng,
  );
  out.push(record, at);
}

/** Sorts records chronologically by their ISO timestamp (fixed width, so string order is time order). */
export function sortSignIns(records: SignIn[]): void {
  records.sort((a, b) =>
    a.createdDateTime < b.createdDateTime ? -1 : a.createdDateTime > b.createdDateTime ? 1 : 0,
  );
}
export function sortAudits(records: DirectoryAudit[]): void {
  records.sort((a, b) =>
    a.activityDateTime < b.activityDateTime ? -1 : a.activityDateTime > b.activityDateTime ? 1 : 0,
  );
}

export function buildHistory(world: World): { signIns: SignIn[]; audits: DirectoryAudit[] } {
  const rng = world.rng.fork("history");
  const signIns: SignIn[] = [];
  const day = new DayBuffer();
  const audits: DirectoryAudit[] = [];
  const changes = planChanges(world, rng);
  const places = world.people.map(placesOf);
  const methodIndex = indexMethods(world);
  const tripNoted = new Set<Person>();
  for (let d = 0; d < world.days; d++) {
    const dayStart = world.startMs + d * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    for (let i = 0; i < world.people.length; i++) {
      const p = world.people[i]!;
      if (p.dormant || p.persona === "breakGlass" || p.createdMs > dayStart + DAY_MS) continue;
      const place = places[i]!;
      const onTrip = p.trip !== null && d >= p.trip.from && d <= p.trip.to;
      const where = onTrip ? place.trip! : place.usual;
      if (weekend) {
        if (p.phone && rng.chance(0.1)) {
          refresh(p, dayStart + rng.range(8 * 60, 20 * 60) * MINUTE_MS, where, true, day, rng);
          if (onTrip && !tripNoted.has(p)) {
            tripNoted.add(p);
            noteTrip(world, p, day.records[day.records.length - 1]!);
          }
        }
        continue;
      }
      if (rng.chance(0.03)) continue; // leave, sick day
      const startMin = ((p.workStartUtc % 1440) + 1440) % 1440;
      let t = dayStart + (startMin + rng.range(-20, 40)) * MINUTE_MS;
      if (t < p.createdMs) t = p.createdMs + HOUR_MS;
      t = morningSignIn(p, t, where, day, rng);
      if (onTrip && !tripNoted.has(p)) {
        // The first record from the trip, whichever day it falls on, is the alarming one.
        tripNoted.add(p);
        noteTrip(world, p, day.records[day.records.length - 1]!);
      }
      const span = Math.max(60, p.workEndUtc - p.workStartUtc);
      const refreshes = rng.range(1, 3);
      for (let r = 0; r < refreshes; r++) {
        refresh(p, t + rng.range(10, span) * MINUTE_MS, where, p.phone !== null && rng.chance(0.3), day, rng);
      }
      const change = changes.get(p.user.id);
      if (change && change.day === d) {
        const at = t + rng.range(30, 180) * MINUTE_MS;
        applyChange(world, p, methodIndex.get(p.user.id) ?? [], change.kind, at, where, day, audits, rng);
      }
    }
    day.drainSortedInto(signIns);
  }
  return { signIns, audits };
}

/** Positions of each user's entries in doc.methods (changes replace entries in place or append). */
function indexMethods(world: World): Map<string, number[]> {
  const index = new Map<string, number[]>();
  world.doc.methods.forEach((e, i) => {
    const list = index.get(e.userId);
    if (list) list.push(i);
    else index.set(e.userId, [i]);
  });
  return index;
}

type ChangeKind = "newPhone" | "newNumber" | "newLaptop" | "lostPhoneTap";

function planChanges(world: World, rng: Rng): Map<string, { day: number; kind: ChangeKind }> {
  const plan = new Map<string, { day: number; kind: ChangeKind }>();
  for (const p of world.people) {
    if (p.persona !== "staff" || p.dormant || p.createdMs > world.startMs) continue;
    const r = rng.next();
    const kind: ChangeKind | null =
      r < 0.008
        ? "newPhone"
        : r < 0.012
          ? "newNumber"
          : r < 0.02
            ? "newLaptop"
            : r < 0.023
              ? "lostPhoneTap"
              : null;
    if (!kind) continue;
    plan.set(p.user.id, { day: rng.int(world.days), kind });
  }
  return plan;
}

function noteTrip(world: World, p: Person, first: SignIn): void {
  const trip = p.trip!;
  world.benignNoise.push({
    id: first.id,
    kind: "signIn",
    userId: p.user.id,
    why: `first sign-in of a legitimate trip to ${trip.city.city}, ${trip.city.country} (a country in the user's profile.travelCountries)`,
  });
  const detection: RiskDetection = {
    id: world.rng.fork(`risk/${first.id}`).hex(64),
    requestId: first.id,
    correlationId: first.correlationId ?? null,
    riskEventType: "unfamiliarFeatures",
    riskState: "atRisk",
    riskLevel: "low",
    riskDetail: "none",
    source: "IdentityProtection",
    detectionTimingType: "realtime",
    activity: "signin",
    tokenIssuerType: "AzureAD",
    ipAddress: first.ipAddress ?? null,
    location: first.location ?? null,
    activityDateTime: first.createdDateTime,
    detectedDateTime: first.createdDateTime,
    lastUpdatedDateTime: first.createdDateTime,
    userId: p.user.id,
    userDisplayName: p.user.displayName ?? null,
    userPrincipalName: p.user.userPrincipalName,
    additionalInfo: JSON.stringify([{ Key: "userAgent", Value: first.userAgent ?? "" }]),
  };
  world.doc.riskDetections.push(detection);
  world.benignNoise.push({
    id: detection.id,
    kind: "riskDetection",
    userId: p.user.id,
    why: "unfamiliar-features detection raised by the legitimate trip",
  });
}

function applyChange(
  world: World,
  p: Person,
  positions: number[],
  kind: ChangeKind,
  at: number,
  where: Where,
  day: DayBuffer,
  audits: DirectoryAudit[],
  rng: Rng,
): void {
  const entries = world.doc.methods;
  const find = (type: string) => positions.find((i) => entries[i]!.method["@odata.type"] === type) ?? -1;
  const authIdx = find("#microsoft.graph.microsoftAuthenticatorAuthenticationMethod");
  const phoneIdx = find("#microsoft.graph.phoneAuthenticationMethod");
  const note = (id: string, k: "method" | "device" | "audit", why: string) =>
    world.benignNoise.push({ id, kind: k, userId: p.user.id, why });
  const ip = where.ip;
  if ((kind === "newPhone" || kind === "lostPhoneTap") && authIdx >= 0) {
    const old = entries[authIdx]!;
    const model = rng.pick(PHONE_MODELS);
    const fresh = authenticatorMethod(rng, model);
    let t = at;
    if (kind === "lostPhoneTap") {
      const helpdesk = world.people.find((x) => x.persona === "helpdesk");
      if (helpdesk) {
        const tap = {
          "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod" as const,
          id: rng.guid(),
          temporaryAccessPass: null,
          createdDateTime: new Date(t).toISOString(),
          startDateTime: new Date(t).toISOString(),
          lifetimeInMinutes: 60,
          isUsableOnce: true,
          isUsable: false,
          methodUsabilityReason: "OneTimeUsed",
        };
        entries.push({ userId: p.user.id, method: tap });
        note(
          tap.id,
          "method",
          "temporary access pass issued by the helpdesk after the user reported a lost phone (already used)",
        );
        for (const a of methodAddedAudits(
          {
            at: t,
            user: p.user,
            ip: helpdesk.officeIp ?? helpdesk.homeIp,
            method: tap,
            admin: helpdesk.user,
          },
          rng,
        )) {
          audits.push(a);
          note(a.id ?? "", "audit", "helpdesk TAP for a user who lost their phone (ticketed, legitimate)");
        }
        t += 20 * MINUTE_MS;
        const iso = isoTime(t, rng);
        const tapSignIn = signIn(
          {
            at: t,
            user: p.user,
            app: FIRST_PARTY.mySignins,
            resource: RESOURCES.graph,
            ip,
            asn: where.asn,
            location: where.location,
            interactive: true,
            clientAppUsed: "Browser",
            userAgent: USER_AGENTS.edgeWindows,
            deviceDetail: p.laptopDetail,
            mfa: true,
            authenticationDetails: [mfaStep(iso, "tap", true, "MFA successfully completed")],
            mfaDetail: mfaDetailFor("tap"),
          },
          rng,
        );
        day.push(tapSignIn, t);
        world.benignNoise.push({
          id: tapSignIn.id,
          kind: "signIn",
          userId: p.user.id,
          why: "sign-in with the helpdesk-issued TAP to re-register a lost phone",
        });
        t += 3 * MINUTE_MS;
      }
    }
    for (const a of methodDeletedAudits({ at: t, user: p.user, ip, method: old.method }, rng)) audits.push(a);
    entries[authIdx] = { ...old, method: fresh };
    for (const a of methodAddedAudits({ at: t + MINUTE_MS, user: p.user, ip, method: fresh }, rng)) {
      audits.push(a);
      note(
        a.id ?? "",
        "audit",
        kind === "newPhone"
          ? "user moved Authenticator to a new phone"
          : "user re-registered Authenticator after losing their phone",
      );
    }
    note(
      fresh.id,
      "method",
      kind === "newPhone"
        ? "Authenticator on the user's new phone (old one removed the same minute)"
        : "Authenticator re-registered after a lost phone",
    );
  } else if (kind === "newNumber" && phoneIdx >= 0) {
    const old = entries[phoneIdx]!;
    if (old.method["@odata.type"] !== "#microsoft.graph.phoneAuthenticationMethod") return;
    const oldNumber = old.method.phoneNumber;
    const number = phoneNumberLike(oldNumber, world, rng);
    entries[phoneIdx] = { ...old, method: { ...old.method, phoneNumber: number } };
    const correlationId = rng.guid();
    const u = audit(
      {
        at,
        activity: "User updated security info",
        category: "UserManagement",
        service: "Authentication Methods",
        operationType: "Update",
        initiator: { user: p.user, ip },
        targets: [userTarget(p.user)],
        resultReason: "User updated Mobile Phone SMS",
        correlationId,
      },
      rng,
    );
    const details = (n: string) => [
      { PhoneNumber: n, AlternativePhoneNumber: null, Email: null, VoiceOnlyPhoneNumber: null },
    ];
    const c = audit(
      {
        at: at + 1500,
        activity: "Update user",
        category: "UserManagement",
        service: "Core Directory",
        operationType: "Update",
        initiator: { app: STRONG_AUTH_SERVICE },
        targets: [
          userTarget(p.user, [
            changed("StrongAuthenticationUserDetails", details(oldNumber), details(number)),
            includedUpdated(["StrongAuthenticationUserDetails"]),
          ]),
        ],
        correlationId,
      },
      rng,
    );
    audits.push(u, c);
    note(u.id, "audit", "user changed their own mobile number from a usual location (new contract)");
    note(c.id, "audit", "directory side of the same legitimate number change");
    note(old.method.id, "method", `phone number changed by the user to ${number}; not an attacker number`);
  } else if (kind === "newLaptop" && p.laptop && p.laptop.trustType === "AzureAd") {
    const version = rng.pick(WINDOWS_VERSIONS);
    const laptop: TenantDevice = {
      ...p.laptop,
      id: rng.guid(),
      deviceId: rng.guid(),
      displayName: `${p.laptop.displayName?.split("-")[0] ?? "PC"}-${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 7)}`,
      operatingSystemVersion: version,
      registrationDateTime: new Date(at).toISOString(),
      approximateLastSignInDateTime: new Date(at).toISOString(),
      ownerIds: [p.user.id],
      userIds: [p.user.id],
    };
    world.doc.devices.push(laptop);
    for (const a of deviceRegisteredAudits({ at, user: p.user, ip, device: laptop }, rng)) {
      audits.push(a);
      note(a.id, "audit", "Autopilot join of the user's replacement laptop");
    }
    note(laptop.id, "device", "replacement company laptop (Entra joined, compliant, Dsreg client)");
    p.laptop = laptop;
    p.laptopDetail = deviceDetailOf({
      ...p.laptopDetail,
      deviceId: laptop.deviceId,
      displayName: laptop.displayName,
    });
  }
}

/** A new number in the same country as the old one, never colliding with any other user's. */
function phoneNumberLike(old: string, world: World, rng: Rng): string {
  const [cc, national] = old.split(" ");
  for (;;) {
    const n = `${cc} ${national!.slice(0, Math.max(1, national!.length - 6))}${rng.digits(6)}`;
    if (!world.usedPhoneNumbers.has(n)) {
      world.usedPhoneNumbers.add(n);
      return n;
    }
  }
}
