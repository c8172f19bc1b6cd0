import type { ThrottleClass } from "../http/router.js";
import { SlidingWindow, type Take, TokenBucket } from "./limiter.js";

/**
 * Graph's documented limits (graph-entra.md §11) applied per app per tenant, evaluated for every
 * request and for every `$batch` item on its own.
 */

export interface ThrottleOptions {
  /** Resource units per 10 s per app (default by tenant size: <50 users 3,500; ≤500 5,000; else 8,000). */
  resourceUnitsPer10s?: number;
  /** Directory writes per 2 min 30 s per app (3,000). */
  writesPer150s?: number;
  /** Device writes per 10 s per target user (25). */
  deviceWritesPerUserPer10s?: number;
  /** Reports and audit-log requests per 10 s per app (5). */
  reportsPer10s?: number;
  /** Identity Protection and Conditional Access requests per second per tenant, all apps (1). */
  protectionPerSecond?: number;
}

export interface ThrottleDecision {
  /** Headers for the answer whether or not it was throttled (`x-ms-resource-unit`, limit percentage). */
  headers: Record<string, string>;
  throttled?: {
    /** Absent where the service omits it (Identity Protection / Conditional Access). */
    retryAfterSeconds?: number;
    scope?: string;
    information?: string;
  };
}

export interface ThrottleRequest {
  appId: string;
  tenantId: string;
  throttle: ThrottleClass;
  isWrite: boolean;
  /** Resource-unit cost after query modifiers. */
  cost: number;
  /** The user whose device a write touches (device writes are also limited per user). */
  deviceWriteUserId?: string;
  /** Counts against the reports limit too (per-user method reads, when that switch is on). */
  alsoReports?: boolean;
}

export class Throttler {
  private readonly resourceUnits = new Map<string, TokenBucket>();
  private readonly writes = new Map<string, TokenBucket>();
  private readonly deviceWrites = new Map<string, SlidingWindow>();
  private readonly reports = new Map<string, SlidingWindow>();
  private protection: SlidingWindow;
  private readonly settings: Required<ThrottleOptions>;

  constructor(
    readonly enabled: boolean,
    userCount: number,
    options: ThrottleOptions = {},
  ) {
    const bySize = userCount < 50 ? 3_500 : userCount <= 500 ? 5_000 : 8_000;
    this.settings = {
      resourceUnitsPer10s: options.resourceUnitsPer10s ?? bySize,
      writesPer150s: options.writesPer150s ?? 3_000,
      deviceWritesPerUserPer10s: options.deviceWritesPerUserPer10s ?? 25,
      reportsPer10s: options.reportsPer10s ?? 5,
      protectionPerSecond: options.protectionPerSecond ?? 1,
    };
    this.protection = new SlidingWindow(this.settings.protectionPerSecond, 1_000);
  }

  check(request: ThrottleRequest, now = Date.now()): ThrottleDecision {
    const headers: Record<string, string> = {};
    const isDirectory = request.throttle === "directory" || request.throttle === "methods";
    if (isDirectory) headers["x-ms-resource-unit"] = String(request.cost);
    if (!this.enabled) return { headers };
    const key = `${request.appId}/${request.tenantId}`;

    if (request.throttle === "protection") {
      const take = this.protection.take(now);
      // Identity Protection and Conditional Access 429s carry no Retry-After (graph-entra.md §11.4).
      if (!take.ok) return { headers, throttled: {} };
      return { headers };
    }
    if (request.throttle === "reports" || request.alsoReports) {
      const window = getOrCreate(
        this.reports,
        key,
        () => new SlidingWindow(this.settings.reportsPer10s, 10_000),
      );
      const take = window.take(now);
      if (!take.ok) return { headers, throttled: { retryAfterSeconds: seconds(take) } };
    }
    if (!isDirectory) return { headers };

    if (request.deviceWriteUserId) {
      const window = getOrCreate(
        this.deviceWrites,
        `${key}/${request.deviceWriteUserId}`,
        () => new SlidingWindow(this.settings.deviceWritesPerUserPer10s, 10_000),
      );
      const take = window.take(now);
      if (!take.ok) {
        return {
          headers,
          throttled: {
            retryAfterSeconds: seconds(take),
            scope: `Tenant_Application/Write/${request.appId}/${request.tenantId}`,
            information: "WriteLimitExceeded",
          },
        };
      }
    }
    if (request.isWrite) {
      const bucket = getOrCreate(
        this.writes,
        key,
        () => new TokenBucket(this.settings.writesPer150s, 150_000),
      );
      const take = bucket.take(1, now);
      if (!take.ok) {
        return {
          headers,
          throttled: {
            retryAfterSeconds: seconds(take),
            scope: `Tenant_Application/Write/${request.appId}/${request.tenantId}`,
            information: "WriteLimitExceeded",
          },
        };
      }
    }
    const bucket = getOrCreate(
      this.resourceUnits,
      key,
      () => new TokenBucket(this.settings.resourceUnitsPer10s, 10_000),
    );
    const take = bucket.take(request.cost, now);
    if (!take.ok) {
      return {
        headers,
        throttled: {
          retryAfterSeconds: seconds(take),
          scope: `Tenant_Application/ReadWrite/${request.appId}/${request.tenantId}`,
          information: "ResourceUnitLimitExceeded",
        },
      };
    }
    if (take.usedFraction > 0.8)
      headers["x-ms-throttle-limit-percentage"] = (take.usedFraction * 1.0).toFixed(1);
    return { headers };
  }
}

function seconds(take: Take): number {
  return take.ok ? 0 : Math.max(1, Math.ceil(take.retryAfterMs / 1000));
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** Resource-unit cost of a directory request: base, then `$select` −1, `$expand` +1, `$top` < 20 −1, minimum 1. */
export function resourceUnitCost(base: number, isWrite: boolean, query: URLSearchParams): number {
  if (isWrite) return 1;
  let cost = base;
  if (query.has("$select")) cost -= 1;
  if (query.has("$expand")) cost += 1;
  const top = Number(query.get("$top"));
  if (query.has("$top") && top < 20) cost -= 1;
  return Math.max(1, cost);
}
