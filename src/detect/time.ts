/** Times in detection are epoch milliseconds; these helpers keep the unit obvious at call sites. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const digit = (text: string, at: number) => text.charCodeAt(at) - 48;
const two = (text: string, at: number) => digit(text, at) * 10 + digit(text, at + 1);

/**
 * Parses an ISO date-time; returns undefined for missing or invalid values. Log times are almost
 * always "YYYY-MM-DDTHH:MM:SS[.fffffff]Z", which is read by hand: Date.parse is the single biggest
 * cost of a pass over half a million sign-ins. Anything else goes to Date.parse.
 */
export function toMs(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const n = iso.length;
  if (
    n >= 20 &&
    iso[4] === "-" &&
    iso[10] === "T" &&
    iso[13] === ":" &&
    iso[n - 1] === "Z" &&
    (n === 20 || iso[19] === ".")
  ) {
    let millis = 0;
    if (n > 21) {
      // Up to 3 fraction digits count; Graph writes 7.
      const fraction = iso.slice(20, Math.min(23, n - 1)).padEnd(3, "0");
      millis = Number(fraction);
    }
    const ms = Date.UTC(
      digit(iso, 0) * 1000 + digit(iso, 1) * 100 + two(iso, 2),
      two(iso, 5) - 1,
      two(iso, 8),
      two(iso, 11),
      two(iso, 14),
      two(iso, 17),
      millis,
    );
    if (!Number.isNaN(ms)) return ms;
  }
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Index of the first element whose time is >= `time` in an array sorted by time. */
export function lowerBound<T>(sorted: ArrayLike<T>, time: number, timeOf: (item: T) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeOf(sorted[mid] as T) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
