/** Times in detection are epoch milliseconds; these helpers keep the unit obvious at call sites. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Parses an ISO date-time; NaN-safe: returns undefined for missing or invalid values. */
export function toMs(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Index of the first element whose time is >= `time` in an array sorted by time. */
export function lowerBound<T>(sorted: readonly T[], time: number, timeOf: (item: T) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeOf(sorted[mid] as T) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
