import type { GraphRequest } from "./client.js";
import { type Lease, WindowBudget, type WindowLimit } from "./window-budget.js";

/**
 * Graph's documented throttling limits (graph-entra.md §11), one budget per throttling scope, and
 * the classification of each request into the scopes it draws from and what it costs there.
 */

export type TenantSize = "S" | "M" | "L";

/** Identity-and-access resource units per 10 s per app per tenant, by tenant size (users). */
export const DIRECTORY_RESOURCE_UNITS: Readonly<Record<TenantSize, number>> = {
  S: 3_500,
  M: 5_000,
  L: 8_000,
};

export function tenantSizeFor(userCount: number): TenantSize {
  if (userCount < 50) return "S";
  return userCount <= 500 ? "M" : "L";
}

export interface BudgetLimits {
  /** Identity and access (users, devices, groups, roles, policies, methods): resource units. */
  directory: WindowLimit;
  /** Writes per app per tenant (any POST/PATCH/PUT/DELETE on identity resources). */
  writes: WindowLimit;
  /** Writes on `device` objects per app per tenant. */
  deviceWrites: WindowLimit;
  /** Identity and access reports: audit logs, sign-ins, registration reports — requests. */
  reports: WindowLimit;
  /** Identity Protection and Conditional Access — requests per tenant (all apps). */
  protection: WindowLimit;
}

export function defaultLimits(size: TenantSize = "S"): BudgetLimits {
  return {
    directory: { capacity: DIRECTORY_RESOURCE_UNITS[size], windowMs: 10_000 },
    // Write quotas are token buckets (graph-entra.md §11.2): a burst of 3,000, then 20 a second.
    writes: { capacity: 3_000, windowMs: 150_000, refill: "bucket" },
    deviceWrites: { capacity: 3_000, windowMs: 150_000, refill: "bucket" },
    reports: { capacity: 5, windowMs: 10_000 },
    protection: { capacity: 1, windowMs: 1_000 },
  };
}

export type BudgetName = keyof BudgetLimits;

/** What one request (or one `$batch` item) draws: units per budget. */
export type RequestCharge = Partial<Record<BudgetName, number>>;

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/** The throttling scope of a path below the version root (query string excluded). */
export function scopeOf(path: string): "directory" | "reports" | "protection" {
  const lower = path.toLowerCase();
  if (lower.startsWith("/auditlogs/") || lower.startsWith("/reports/")) return "reports";
  if (
    lower.startsWith("/identityprotection/") ||
    lower.startsWith("/identity/conditionalaccess/policies") ||
    lower.startsWith("/identity/conditionalaccess/namedlocations") ||
    lower.startsWith("/policies/conditionalaccesspolicies")
  ) {
    return "protection";
  }
  return "directory";
}

/** Resource-unit cost of a directory request (graph-entra.md §11.2). */
export function resourceUnits(request: Pick<GraphRequest, "method" | "path" | "query">): number {
  if (request.method !== "GET") return 1;
  const path = request.path.toLowerCase().replace(/\/+$/, "");
  let cost = 1;
  if (path === "/users" || path === "/applications") cost = 2;
  else if (/^\/groups\/[^/]+\/members$/.test(path)) cost = 3;
  else if (/^\/groups\/[^/]+\/transitivemembers$/.test(path)) cost = 5;
  const query = request.query ?? {};
  if (query.$select !== undefined) cost -= 1;
  if (query.$expand !== undefined) cost += 1;
  if (query.$top !== undefined && Number(query.$top) < 20) cost -= 1;
  return Math.max(1, cost);
}

export function chargeFor(request: Pick<GraphRequest, "method" | "path" | "query">): RequestCharge {
  const scope = scopeOf(request.path);
  if (scope !== "directory") return { [scope]: 1 };
  const charge: RequestCharge = { directory: resourceUnits(request) };
  if (WRITE_METHODS.has(request.method)) {
    charge.writes = 1;
    if (request.path.toLowerCase().startsWith("/devices/")) charge.deviceWrites = 1;
  }
  return charge;
}

/** Adds charges (a `$batch` draws the sum of its items). */
export function addCharges(charges: readonly RequestCharge[]): RequestCharge {
  const total: RequestCharge = {};
  for (const charge of charges) {
    for (const [name, units] of Object.entries(charge) as [BudgetName, number][]) {
      total[name] = (total[name] ?? 0) + units;
    }
  }
  return total;
}

const DURATION_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000 };

/**
 * Limit overrides from text, e.g. `reports=100/10s,protection=20/1s` (MFA_EVICT_GRAPH_LIMITS): for
 * an emulator or a tenant whose limits differ from the documented ones. Throws naming the entry.
 */
export function parseLimits(text: string): Partial<BudgetLimits> {
  const limits: Partial<BudgetLimits> = {};
  const names = Object.keys(defaultLimits()) as BudgetName[];
  for (const entry of text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^(\w+)\s*=\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(entry);
    const name = match?.[1] as BudgetName | undefined;
    if (!match || !name || !names.includes(name)) {
      throw new RangeError(
        `invalid Graph limit '${entry}': expected NAME=COUNT/DURATION with NAME one of ${names.join(", ")}, e.g. reports=5/10s`,
      );
    }
    limits[name] = { capacity: Number(match[2]), windowMs: Number(match[3]) * DURATION_MS[match[4]!]! };
  }
  return limits;
}

/** All budgets of one client (one app in one tenant). */
export class GraphBudgets {
  private readonly budgets: Record<BudgetName, WindowBudget>;
  private limits: BudgetLimits;
  /** Limits the caller set explicitly; the tenant size never overrides them. */
  private readonly overrides: Partial<BudgetLimits>;

  constructor(overrides: Partial<BudgetLimits> = {}, now: () => number = Date.now) {
    this.limits = { ...defaultLimits(), ...overrides };
    this.overrides = overrides;
    this.budgets = Object.fromEntries(
      (Object.keys(this.limits) as BudgetName[]).map((name) => [
        name,
        new WindowBudget(name, this.limits[name], now),
      ]),
    ) as Record<BudgetName, WindowBudget>;
  }

  /** Once the user count is known, the directory budget grows to the tenant's size class. */
  setTenantSize(size: TenantSize): void {
    if (this.overrides.directory) return;
    this.limits = { ...this.limits, directory: defaultLimits(size).directory };
    this.budgets.directory.setLimit(this.limits.directory);
  }

  limit(name: BudgetName): WindowLimit {
    return this.limits[name];
  }

  budget(name: BudgetName): WindowBudget {
    return this.budgets[name];
  }

  /**
   * Waits until every budget the charge draws from has room, then holds the units until the
   * returned lease is released. Budgets are taken in a fixed order, so concurrent callers cannot
   * deadlock.
   */
  async acquire(charge: RequestCharge, signal?: AbortSignal): Promise<Lease> {
    const leases: Lease[] = [];
    try {
      for (const name of Object.keys(this.limits) as BudgetName[]) {
        const units = charge[name];
        if (units) leases.push(await this.budgets[name].acquire(units, signal));
      }
    } catch (error) {
      for (const lease of leases) lease.release();
      throw error;
    }
    return {
      release: () => {
        for (const lease of leases) lease.release();
      },
    };
  }

  /** After a 429 in `scope`: hold every request of that scope until `time`. */
  pause(name: BudgetName, time: number): void {
    this.budgets[name].pauseUntil(time);
  }
}
