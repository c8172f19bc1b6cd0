/**
 * When to try again. All parsing of `Retry-After` and all backoff arithmetic live here, so the
 * client's retry loop and its `$batch` item retries wait by the same rules.
 */

/**
 * Milliseconds to wait from a `Retry-After` value: delta-seconds (Graph sends fractions such as
 * `2.128`) or an HTTP-date. Undefined when absent or unparseable (the caller backs off instead).
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export interface BackoffPolicy {
  /** First delay before jitter (ms). */
  baseMs: number;
  /** Upper bound of any single delay (ms). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 30_000 };

/**
 * Exponential backoff with "full jitter" (a uniform draw in [d/2, d] where d = base·2^attempt,
 * capped): spreads retries of concurrent callers so they do not hit Graph again in lockstep.
 * `attempt` counts from 0 for the first retry.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Resolves after `ms`, or rejects early with the signal's reason. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
