/**
 * The two rate-limit shapes Graph documents: a token bucket over summed costs (identity and access
 * resource units) and a fixed-size sliding window of requests (reports, Identity Protection / CA,
 * device writes per user).
 */

export type Take = { ok: true; usedFraction: number } | { ok: false; retryAfterMs: number };

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    private readonly windowMs: number,
  ) {
    this.tokens = capacity;
    this.last = 0;
  }

  take(cost: number, now: number): Take {
    if (this.last === 0) this.last = now;
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.capacity) / this.windowMs);
    this.last = now;
    if (this.tokens < cost) {
      return { ok: false, retryAfterMs: ((cost - this.tokens) * this.windowMs) / this.capacity };
    }
    this.tokens -= cost;
    return { ok: true, usedFraction: 1 - this.tokens / this.capacity };
  }
}

export class SlidingWindow {
  private readonly times: number[] = [];

  constructor(
    readonly limit: number,
    private readonly windowMs: number,
  ) {}

  take(now: number): Take {
    while (this.times.length > 0 && this.times[0]! <= now - this.windowMs) this.times.shift();
    if (this.times.length >= this.limit) {
      return { ok: false, retryAfterMs: this.times[0]! + this.windowMs - now };
    }
    this.times.push(now);
    return { ok: true, usedFraction: this.times.length / this.limit };
  }
}
