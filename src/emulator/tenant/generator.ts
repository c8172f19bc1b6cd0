/**
 * generateTenant: a plausible tenant of any size from (users, days, seed). Everything is drawn from a
 * seeded PRNG and timestamps are relative to `now` (a fixed default), so the same inputs give the
 * same document byte for byte.
 */
import type { RiskyUser } from "../../graph/types.js";
import { buildApps, buildPolicies, buildRoleDefinitions, type Licence } from "./baseline.js";
import { CITIES, ROLES } from "./catalog.js";
import { buildHistory, sortAudits, sortSignIns } from "./history.js";
import { buildPeople } from "./people.js";
import { Rng } from "./prng.js";
import { TENANT_SCHEMA_VERSION, type TenantDocument } from "./schema.js";
import { DAY_MS, type World } from "./world.js";

/** The default "now" of generated tenants: fixed so that output does not depend on the clock. */
export const DEFAULT_NOW = new Date("2026-11-02T09:00:00.000Z");

export const LIMITS = { minUsers: 10, maxUsers: 200_000, minDays: 1, maxDays: 90 } as const;

export interface GenerateOptions {
  users: number;
  days: number;
  seed: string | number;
  now?: Date;
  /** Entra ID licence tier (default P2). */
  licence?: Licence;
  /** Role template ids held by the responder app (default: Privileged Authentication Administrator). */
  responderRoles?: readonly string[];
  /** Scenario hook: adjusts people (names, UPNs) after they exist and before their history is written. */
  beforeHistory?: (world: World) => void;
}

const ORGS = [
  ["contoso", "CTS"],
  ["fabrikam", "FAB"],
  ["northwind", "NWT"],
  ["tailspin", "TSP"],
  ["wingtip", "WTP"],
  ["adatum", "ADT"],
  ["litware", "LIT"],
] as const;

const OFFICE_PREFIXES = ["64.25.112", "81.149.3", "85.214.77", "99.236.41"] as const;

/** Checks generator options; the message names the option and the accepted range. */
export function validateOptions(o: GenerateOptions): void {
  const intIn = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(`${name} must be an integer from ${min} to ${max} (got ${String(v)})`);
    }
  };
  intIn("users", o.users, LIMITS.minUsers, LIMITS.maxUsers);
  intIn("days", o.days, LIMITS.minDays, LIMITS.maxDays);
  if (typeof o.seed !== "string" && !(typeof o.seed === "number" && Number.isFinite(o.seed))) {
    throw new TypeError("seed must be a string or a finite number");
  }
  if (o.now && Number.isNaN(o.now.getTime())) throw new RangeError("now must be a valid date");
}

/** Builds the document and the working state; scenarios then add to it before `finalizeWorld`. */
export function generateWorld(options: GenerateOptions): World {
  validateOptions(options);
  const seed = String(options.seed);
  const rng = new Rng(seed);
  const now = options.now ?? DEFAULT_NOW;
  const nowMs = now.getTime();
  const startMs = Math.floor(nowMs / DAY_MS) * DAY_MS - options.days * DAY_MS;
  const [org, orgCode] = rng.pick(ORGS);
  const domain = `${org}.com`;
  const licence = options.licence ?? "P2";
  const base = rng.fork("tenant");
  const tenantCreated = new Date(startMs - 7 * 365 * DAY_MS).toISOString().replace(".000Z", "Z");
  const officeNetworks = CITIES.slice(0, 4).map((city, i) => ({
    city,
    prefix: OFFICE_PREFIXES[i]!,
    cidr: `${OFFICE_PREFIXES[i]!}.16/28`,
    asn: [3356, 5400, 3320, 577][i]!,
  }));
  const tenantId = base.guid();
  const apps = buildApps(base, options.responderRoles ?? [ROLES.privilegedAuthenticationAdministrator.id]);
  const doc: TenantDocument = {
    schemaVersion: TENANT_SCHEMA_VERSION,
    tenant: {
      id: tenantId,
      displayName: `${org.charAt(0).toUpperCase()}${org.slice(1)} Ltd`,
      domains: [domain, `${org}.onmicrosoft.com`],
      licence,
      createdDateTime: tenantCreated,
    },
    apps,
    users: [],
    groups: [],
    roleDefinitions: buildRoleDefinitions(),
    roleAssignments: [],
    methods: [],
    devices: [],
    directoryAudits: [],
    signIns: [],
    riskyUsers: [],
    riskDetections: [],
    conditionalAccessPolicies: [],
    namedLocations: [],
    authenticationStrengthPolicies: [],
    // Filled by buildPolicies below; placeholders keep the document's key order stable.
    authenticationMethodsPolicy: { id: "authenticationMethodsPolicy" },
    deviceRegistrationPolicy: { id: "deviceRegistrationPolicy" },
    authorizationPolicy: { id: "authorizationPolicy" },
    securityDefaults: { id: "00000000-0000-0000-0000-000000000005", isEnabled: false },
    sessions: [],
  };
  const world: World = {
    doc,
    people: [],
    byId: new Map(),
    rng,
    seed,
    nowMs,
    days: options.days,
    startMs,
    domain,
    officeNetworks,
    benignNoise: [],
    usedPhoneNumbers: new Set(),
  };
  const onboarding = buildPeople(world, { users: options.users, orgCode });
  const breakGlassGroup = doc.groups.find((g) => g.displayName === "Break Glass Accounts")!;
  Object.assign(
    doc,
    buildPolicies({
      rng: base.fork("policies"),
      licence,
      createdIso: tenantCreated,
      officeCidrs: officeNetworks.map((o) => o.cidr),
      breakGlassGroupId: breakGlassGroup.id,
      homeCountries: [...new Set(world.people.map((p) => p.home.country))],
    }),
  );
  options.beforeHistory?.(world);
  const history = buildHistory(world);
  doc.signIns = history.signIns;
  const audits = [...onboarding, ...history.audits];
  sortAudits(audits);
  doc.directoryAudits = audits;
  return world;
}

/**
 * Derives what depends on the whole history (after scenarios added theirs): users' signInActivity,
 * devices' last sign-in, open sessions and risky users. Sorts the logs chronologically.
 */
export function finalizeWorld(world: World): TenantDocument {
  const { doc } = world;
  sortSignIns(doc.signIns);
  sortAudits(doc.directoryAudits);
  const lastInteractive = new Map<string, { at: string; id: string; ok: boolean }>();
  const lastNonInteractive = new Map<string, { at: string; id: string }>();
  const lastSuccess = new Map<string, { at: string; id: string }>();
  for (const s of doc.signIns) {
    const ok = (s.status?.errorCode ?? 0) === 0;
    if (s.isInteractive) lastInteractive.set(s.userId, { at: s.createdDateTime, id: s.id, ok });
    else lastNonInteractive.set(s.userId, { at: s.createdDateTime, id: s.id });
    if (ok) lastSuccess.set(s.userId, { at: s.createdDateTime, id: s.id });
  }
  const rng = world.rng.fork("finalize");
  const withSession = new Set(doc.sessions.map((s) => s.userId));
  for (const p of world.people) {
    const u = p.user;
    const li = lastInteractive.get(u.id);
    const ln = lastNonInteractive.get(u.id);
    const ls = lastSuccess.get(u.id);
    if (li || ln) {
      u.signInActivity = {
        lastSignInDateTime: li?.at ?? null,
        lastSignInRequestId: li?.id ?? null,
        lastNonInteractiveSignInDateTime: ln?.at ?? null,
        lastNonInteractiveSignInRequestId: ln?.id ?? null,
        lastSuccessfulSignInDateTime: ls?.at ?? null,
        lastSuccessfulSignInRequestId: ls?.id ?? null,
      };
    } else {
      // Dormant or never used: the last sign-in predates the retained logs.
      const created = Date.parse(u.createdDateTime ?? "");
      const last =
        p.persona === "breakGlass"
          ? world.startMs - rng.range(20, 80) * DAY_MS
          : world.startMs - rng.range(90, 400) * DAY_MS;
      const at = new Date(Math.max(created + DAY_MS, last)).toISOString();
      u.signInActivity = {
        lastSignInDateTime: at,
        lastSignInRequestId: rng.guid(),
        lastNonInteractiveSignInDateTime: null,
        lastNonInteractiveSignInRequestId: null,
        lastSuccessfulSignInDateTime: at,
        lastSuccessfulSignInRequestId: rng.guid(),
      };
    }
    if (li?.ok && !withSession.has(u.id)) {
      doc.sessions.push({ userId: u.id, id: rng.guid(), issuedDateTime: li.at });
    }
    if (p.laptop && li) p.laptop.approximateLastSignInDateTime = li.at;
  }
  const risky = new Map<string, RiskyUser>();
  for (const r of doc.riskDetections) {
    if (!r.userId || r.riskState !== "atRisk") continue;
    const rank = { low: 1, medium: 2, high: 3 } as Record<string, number>;
    const prev = risky.get(r.userId);
    if (prev && (rank[String(prev.riskLevel)] ?? 0) >= (rank[String(r.riskLevel)] ?? 0)) continue;
    risky.set(r.userId, {
      id: r.userId,
      userPrincipalName: r.userPrincipalName ?? null,
      userDisplayName: r.userDisplayName ?? null,
      isDeleted: false,
      isProcessing: false,
      riskLevel: r.riskLevel ?? "low",
      riskState: "atRisk",
      riskDetail: "none",
      riskLastUpdatedDateTime: r.detectedDateTime ?? null,
    });
  }
  const existing = new Set(doc.riskyUsers.map((r) => r.id));
  for (const r of risky.values()) if (!existing.has(r.id)) doc.riskyUsers.push(r);
  return doc;
}

/** A generated tenant with no attack in it. */
export function generateTenant(options: GenerateOptions): TenantDocument {
  return finalizeWorld(generateWorld(options));
}
