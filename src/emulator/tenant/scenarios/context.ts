/**
 * What a scenario works with: the generated world, its own random stream, and helpers that add
 * attacker activity to the tenant while recording it in the ground truth.
 */
import type {
  AuthenticationDetail,
  AuthenticationMethod,
  DeviceDetail,
  DirectoryAudit,
  RiskDetection,
  SignIn,
  SignInStatus,
} from "../../../graph/types.js";
import { type City, HOSTILE_NETWORKS, type HostileNetwork, type Resource } from "../catalog.js";
import type { BenignNoiseItem, GroundTruthKind, MaliciousItem, ScenarioTruth } from "../ground-truth.js";
import { randomIp } from "../people.js";
import type { Rng } from "../prng.js";
import { type AppRef, isoTime, locationOf, type SignInInput, signIn } from "../records.js";
import type { MethodEntry, TenantDevice } from "../schema.js";
import { DAY_MS, type Person, type World } from "../world.js";

/** Days before the end of the window over which every attack is laid out. */
const ATTACK_SPAN_DAYS = 4;

export interface ScenarioInfo {
  name: string;
  description: string;
  techniques: string[];
}

export interface ScenarioDefinition extends ScenarioInfo {
  /** Default size, and the smallest tenant the scenario can always find its victims in. */
  defaults: { users: number; days: number; minUsers: number };
  /** Optional: adjusts people before their history is generated (names, UPNs). */
  prepare?: (world: World) => void;
  apply: (ctx: ScenarioContext) => void;
}

/** An attacker's network position: address, ASN and geolocation. */
export interface Origin {
  ip: string;
  asn: number;
  city: City;
  location: SignIn["location"] & object;
}

export class ScenarioContext {
  readonly rng: Rng;
  readonly truth: ScenarioTruth;
  private readonly claimed: Set<string>;

  constructor(
    readonly world: World,
    readonly info: ScenarioInfo,
    readonly malicious: MaliciousItem[],
    claimed: Set<string>,
  ) {
    this.rng = world.rng.fork(`scenario/${info.name}`);
    this.claimed = claimed;
    this.truth = {
      name: info.name,
      description: info.description,
      techniques: [...info.techniques],
      compromisedUsers: [],
      indicators: { ips: [], phoneNumbers: [], deviceNames: [], asns: [] },
    };
  }

  /** Midnight (UTC) after the last day of history: attacks are placed relative to it. */
  get endMs(): number {
    return this.world.startMs + this.world.days * DAY_MS;
  }

  /**
   * About `hourUtc` on the day `daysBefore` days before the end of the window (1 = the last day). Attacks
   * span the last four days; a shorter window compresses that span proportionally, so the steps keep
   * their order and stay inside the window.
   */
  dayAt(daysBefore: number, hourUtc: number): number {
    const offset = daysBefore * DAY_MS - hourUtc * 3_600_000;
    const scale = Math.min(1, this.world.days / ATTACK_SPAN_DAYS);
    // Up to ten minutes of jitter: real attacks do not start on the hour (steps are hours apart).
    return this.endMs - Math.round(offset * scale) + this.rng.int(10 * 60_000);
  }

  hasCandidate(filter: (p: Person) => boolean): boolean {
    return this.world.people.some((p) => !this.claimed.has(p.user.id) && filter(p));
  }

  /** A person no other scenario has used, matching `filter`. */
  victim(what: string, filter: (p: Person) => boolean): Person {
    const candidates = this.world.people.filter((p) => !this.claimed.has(p.user.id) && filter(p));
    if (candidates.length === 0) {
      throw new Error(
        `scenario ${this.info.name} needs ${what}, and the generated tenant has none left (try more --users)`,
      );
    }
    const p = this.rng.pick(candidates);
    this.claimed.add(p.user.id);
    return p;
  }

  /** Adds a person the attack created (e.g. an account) to the world, so it is finalised like the rest. */
  adopt(p: Person): void {
    this.world.people.push(p);
    this.world.byId.set(p.user.id, p);
    this.claimed.add(p.user.id);
  }

  compromised(p: Person): void {
    if (!this.truth.compromisedUsers.includes(p.user.id)) this.truth.compromisedUsers.push(p.user.id);
  }

  /** An address on a hosting/VPN network (outside `notCountry`, the victim's), recorded as an indicator. */
  hostileOrigin(notCountry?: string): Origin {
    const net = this.rng.pick(HOSTILE_NETWORKS.filter((n: HostileNetwork) => n.city.country !== notCountry));
    const ip = randomIp(net.prefix, this.rng);
    this.indicator("ips", ip);
    if (!this.truth.indicators.asns.includes(net.asn)) this.truth.indicators.asns.push(net.asn);
    return { ip, asn: net.asn, city: net.city, location: locationOf(net.city) };
  }

  indicator(kind: "ips" | "phoneNumbers" | "deviceNames", value: string): void {
    const list = this.truth.indicators[kind];
    if (!list.includes(value)) list.push(value);
  }

  mark(
    kind: GroundTruthKind,
    id: string,
    userId: string | undefined,
    technique: string,
    step: number,
    description: string,
  ): void {
    this.malicious.push({
      id,
      kind,
      ...(userId ? { userId } : {}),
      technique,
      scenario: this.info.name,
      step,
      description,
    });
  }

  benign(item: BenignNoiseItem): void {
    this.world.benignNoise.push(item);
  }

  addSignIn(s: SignIn): SignIn {
    this.world.doc.signIns.push(s);
    return s;
  }

  addAudits(audits: DirectoryAudit[]): DirectoryAudit[] {
    this.world.doc.directoryAudits.push(...audits);
    return audits;
  }

  addMethod(userId: string, method: AuthenticationMethod, isDefault = false): MethodEntry {
    const entry: MethodEntry = isDefault ? { userId, method, isDefault } : { userId, method };
    if (isDefault) {
      for (const e of this.world.doc.methods) if (e.userId === userId && e.isDefault) delete e.isDefault;
    }
    this.world.doc.methods.push(entry);
    return entry;
  }

  addDevice(device: TenantDevice): TenantDevice {
    this.world.doc.devices.push(device);
    return device;
  }

  addRiskDetection(d: RiskDetection): RiskDetection {
    this.world.doc.riskDetections.push(d);
    return d;
  }

  /** A sign-in from an attacker origin (the common fields of every attacker record). */
  attackerSignIn(a: {
    at: number;
    victim: Person;
    origin: Origin;
    app: AppRef;
    resource: Resource;
    userAgent: string;
    interactive?: boolean;
    status?: SignInStatus;
    mfa?: boolean;
    details?: (iso: string) => AuthenticationDetail[];
    mfaDetail?: SignInInput["mfaDetail"];
    deviceDetail?: DeviceDetail;
    clientAppUsed?: SignInInput["clientAppUsed"];
    incomingTokenType?: SignInInput["incomingTokenType"];
    authenticationProtocol?: SignInInput["authenticationProtocol"];
    risk?: SignInInput["risk"];
    conditionalAccessStatus?: SignInInput["conditionalAccessStatus"];
  }): SignIn {
    const iso = isoTime(a.at, this.rng);
    return this.addSignIn(
      signIn(
        {
          at: a.at,
          iso,
          user: a.victim.user,
          app: a.app,
          resource: a.resource,
          ip: a.origin.ip,
          asn: a.origin.asn,
          location: a.origin.location,
          interactive: a.interactive ?? true,
          clientAppUsed: a.clientAppUsed ?? "Browser",
          userAgent: a.userAgent,
          deviceDetail: a.deviceDetail ?? {
            deviceId: "",
            operatingSystem: "Windows10",
            browser: "Chrome 130.0.0",
          },
          ...(a.status ? { status: a.status } : {}),
          ...(a.mfa ? { mfa: true } : {}),
          ...(a.details ? { authenticationDetails: a.details(iso) } : {}),
          ...(a.mfaDetail ? { mfaDetail: a.mfaDetail } : {}),
          ...(a.incomingTokenType ? { incomingTokenType: a.incomingTokenType } : {}),
          ...(a.authenticationProtocol ? { authenticationProtocol: a.authenticationProtocol } : {}),
          ...(a.risk ? { risk: a.risk } : {}),
          ...(a.conditionalAccessStatus ? { conditionalAccessStatus: a.conditionalAccessStatus } : {}),
        },
        this.rng,
      ),
    );
  }

  /** An Identity Protection detection tied to a sign-in. */
  riskFor(s: SignIn, p: Person, riskEventType: string, level: "low" | "medium" | "high"): RiskDetection {
    return this.addRiskDetection({
      id: this.rng.hex(64),
      requestId: s.id,
      correlationId: s.correlationId ?? null,
      riskEventType,
      riskState: "atRisk",
      riskLevel: level,
      riskDetail: "none",
      source: "IdentityProtection",
      detectionTimingType: riskEventType === "unfamiliarFeatures" ? "realtime" : "offline",
      activity: "signin",
      tokenIssuerType: "AzureAD",
      ipAddress: s.ipAddress ?? null,
      location: s.location ?? null,
      activityDateTime: s.createdDateTime,
      detectedDateTime: s.createdDateTime,
      lastUpdatedDateTime: s.createdDateTime,
      userId: p.user.id,
      userDisplayName: p.user.displayName ?? null,
      userPrincipalName: p.user.userPrincipalName,
      additionalInfo: JSON.stringify([{ Key: "userAgent", Value: s.userAgent ?? "" }]),
    });
  }

  /** Adds the session an attacker holds for `p` (revocation must end it). */
  attackerSession(p: Person, at: number, step: number, technique: string): void {
    const id = this.rng.guid();
    this.world.doc.sessions.push({
      userId: p.user.id,
      id,
      issuedDateTime: new Date(at).toISOString(),
      attacker: true,
    });
    this.mark("session", id, p.user.id, technique, step, "refresh-token session held by the attacker");
  }
}
