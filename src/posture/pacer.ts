import { setTimeout as sleep } from "node:timers/promises";

/**
 * Spaces requests at least `intervalMs` apart. Conditional Access allows 1 request per second per
 * tenant across all apps, and its 429s carry no Retry-After (graph-entra.md §11.4), so posture
 * paces its own CA calls instead of relying on being throttled. The Graph connector has a budget
 * for the same scope; this keeps posture within the limit with any GraphClient.
 */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: PacerClock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

export const CONDITIONAL_ACCESS_INTERVAL_MS = 1_000;

export class RequestPacer {
  private next = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly intervalMs: number = CONDITIONAL_ACCESS_INTERVAL_MS,
    private readonly clock: PacerClock = realClock,
  ) {}

  /**
   * Runs `send` once its turn comes: callers go one at a time, in order, and each starts at least
   * `intervalMs` after the previous one finished — measured from the answer, not the send, so
   * network delay cannot bunch two requests into the same second at the server.
   */
  run<T>(send: () => Promise<T>): Promise<T> {
    const turn = this.queue.then(async () => {
      const wait = this.next - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait);
      try {
        return await send();
      } finally {
        this.next = this.clock.now() + this.intervalMs;
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}
