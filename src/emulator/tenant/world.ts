/**
 * The generator's working state: the tenant document being built plus what it knows about each
 * person (home network, devices, usual MFA) that the document does not spell out. Scenarios read it
 * to make attacks that contrast with each victim's normal behaviour.
 */
import type { DeviceDetail, SignInLocation } from "../../graph/types.js";
import type { City } from "./catalog.js";
import type { BenignNoiseItem } from "./ground-truth.js";
import type { Rng } from "./prng.js";
import type { MfaKind } from "./records.js";
import type { TenantDevice, TenantDocument, TenantUser } from "./schema.js";

export type Persona = "staff" | "helpdesk" | "admin" | "breakGlass";

export interface Person {
  user: TenantUser;
  persona: Persona;
  home: City;
  homeIp: string;
  /** Office egress address when the person works from an office, else null. */
  officeIp: string | null;
  officeAsn: number;
  location: SignInLocation;
  /** Work start and end as minutes after 00:00 UTC. */
  workStartUtc: number;
  workEndUtc: number;
  dormant: boolean;
  /** The default second factor, or null when the person has none. */
  mfa: MfaKind | null;
  laptop: TenantDevice | null;
  laptopDetail: DeviceDetail;
  phone: TenantDevice | null;
  phoneDetail: DeviceDetail;
  browserDetail: DeviceDetail;
  /** Epoch ms when the account came into existence (history starts after it). */
  createdMs: number;
  /** A legitimate trip during the window: [first day index, last day index, city]. */
  trip: { from: number; to: number; city: City; ip: string; location: SignInLocation } | null;
}

export interface World {
  doc: TenantDocument;
  people: Person[];
  byId: Map<string, Person>;
  rng: Rng;
  seed: string;
  nowMs: number;
  days: number;
  /** First millisecond of the history window. */
  startMs: number;
  domain: string;
  officeNetworks: { city: City; cidr: string; prefix: string; asn: number }[];
  benignNoise: BenignNoiseItem[];
  /** Phone numbers in use, so generated numbers never collide by accident. */
  usedPhoneNumbers: Set<string>;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
