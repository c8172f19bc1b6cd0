import { delay } from "./retry-timing.js";

export interface WindowLimit {
  /** Units allowed in any window (requests, resource units, writes…). */
  capacity: number;
  windowMs: number;
  /**
   * How a released unit's room comes back: "window" (default) — all at once, `windowMs` after the
   * answer; "bucket" — as a token bucket refills, `capacity / windowMs` units per ms from the
   * answer on (Graph's identity-and-access quotas are documented as token buckets).
   */
  refill?: "window" | "bucket";
}

/** A granted share of a budget; `release()` when the response (or the failure) is back. */
export interface Lease {
  release(): void;
}

/**
 * "At most `capacity` units in any `windowMs`", enforced on the client so requests run AT Graph's
 * limit rather than into it.
 *
 * A unit counts from the moment it is granted until `windowMs` after the answer's headers came
 * back (the caller releases the lease then). The server counted the request somewhere between those
 * two instants, so whatever window the server measures (fixed, sliding or a token bucket of the same
 * size), the requests it sees never exceed the limit, whatever the network latency — at the price
 * of one time-to-first-byte per window.
 * Grants are first come, first served.
 */
export class WindowBudget {
  private readonly completed: { time: number; cost: number }[] = [];
  private head = 0;
  private completedCost = 0;
  /** Bucket mode: when `completedCost` (the answered units not yet refilled) was last settled. */
  private settledAt = 0;
  private pendingCost = 0;
  private pausedUntil = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** Wakes the one waiter (grants are serialised) when a lease is released or the limit changes. */
  private wake: (() => void) | undefined;

  constructor(
    readonly name: string,
    private limit: WindowLimit,
    private readonly now: () => number = Date.now,
  ) {}

  get capacity(): number {
    return this.limit.capacity;
  }

  setLimit(limit: WindowLimit): void {
    this.prune();
    this.limit = limit;
    this.wake?.();
  }

  /** Nobody draws from this budget before `time` (a 429 told us the server's window is full). */
  pauseUntil(time: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, time);
  }

  /** Units granted and not yet expired (in flight or within the window after their response). */
  used(): number {
    this.prune();
    return this.pendingCost + this.completedCost;
  }

  acquire(cost: number, signal?: AbortSignal): Promise<Lease> {
    const grant = this.queue.then(() =>
      this.waitFor(Math.min(Math.max(cost, 0), this.limit.capacity), signal),
    );
    this.queue = grant.catch(() => undefined);
    return grant;
  }

  private async waitFor(cost: number, signal?: AbortSignal): Promise<Lease> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      if (this.pausedUntil > now) {
        await delay(this.pausedUntil - now, signal);
        continue;
      }
      this.prune();
      const excess = this.pendingCost + this.completedCost + cost - this.limit.capacity;
      if (excess <= 0) return this.grant(cost);
      await this.sleep(this.timeUntilFreed(excess, now), signal);
    }
  }

  /**
   * Sleeps until `ms` have passed or a lease is released, whichever is first; units still in
   * flight free nothing until released, so with no expiry in sight (`ms` undefined) only a release
   * wakes us.
   */
  private sleep(ms: number | undefined, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = ms === undefined ? undefined : setTimeout(() => done(), ms);
      const onAbort = () => {
        clearTimeout(timer);
        this.wake = undefined;
        reject(signal?.reason);
      };
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private grant(cost: number): Lease {
    this.pendingCost += cost;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.pendingCost -= cost;
        if (this.isBucket()) this.prune();
        else this.completed.push({ time: this.now(), cost });
        this.completedCost += cost;
        this.wake?.();
      },
    };
  }

  private isBucket(): boolean {
    return this.limit.refill === "bucket";
  }

  /** Milliseconds until completed units worth `needed` have left the window, if they can. */
  private timeUntilFreed(needed: number, now: number): number | undefined {
    if (this.isBucket()) {
      // Only answered units refill; what is still in flight frees nothing until released.
      return this.completedCost >= needed
        ? Math.max(1, Math.ceil((needed * this.limit.windowMs) / this.limit.capacity))
        : undefined;
    }
    let freed = 0;
    for (let index = this.head; index < this.completed.length; index++) {
      const event = this.completed[index]!;
      freed += event.cost;
      if (freed >= needed) return Math.max(1, event.time + this.limit.windowMs - now + 1);
    }
    return undefined;
  }

  private prune(): void {
    if (this.isBucket()) {
      const now = this.now();
      const refilled = ((now - this.settledAt) * this.limit.capacity) / this.limit.windowMs;
      this.completedCost = Math.max(0, this.completedCost - refilled);
      this.settledAt = now;
      return;
    }
    const horizon = this.now() - this.limit.windowMs;
    while (this.head < this.completed.length && this.completed[this.head]!.time <= horizon) {
      this.completedCost -= this.completed[this.head]!.cost;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.completed.length) {
      this.completed.splice(0, this.head);
      this.head = 0;
    }
  }
}
