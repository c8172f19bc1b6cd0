import { setTimeout as sleep } from "node:timers/promises";
import type { Finding } from "../detect/finding.js";
import type { CaseStore } from "../store/index.js";
import { alertOf } from "./alert.js";
import { WatchLedger } from "./ledger.js";
import type { AlertSink } from "./sinks.js";

/**
 * Watch mode: fetch what is new, run the detections over the case, alert once per new finding.
 *
 * The findings the case already has when watching first begins are the baseline (the incident
 * being handled) and are never alerted. Alerts and their deliveries are recorded in the case
 * (./ledger.ts) before being sent, so a restart neither loses nor repeats one.
 */

export interface WatchOptions {
  store: CaseStore;
  /** Brings what is new into the case (e.g. an incremental collection of audits and sign-ins). */
  poll: () => Promise<void>;
  /** Runs the detections over the case; findings that should alert (not suppressed, not false positives). */
  detect: () => Finding[];
  sinks: readonly AlertSink[];
  intervalMs: number;
  /** Aborting stops the loop after the step in progress (SIGTERM). */
  signal: AbortSignal;
  /** Delivery attempts across cycles before a delivery is given up as failed; default 5. */
  maxDeliveryAttempts?: number;
  /** Stop after this many cycles (tests); default unbounded. */
  maxCycles?: number;
  now?: () => Date;
  onCycle?: (report: CycleReport) => void;
}

export interface CycleReport {
  cycle: number;
  at: string;
  newAlerts: string[];
  delivered: number;
  deliveryErrors: string[];
  /** The poll failed (Graph unreachable, throttled past retries...): detection still ran on the case. */
  pollError?: string;
}

export interface WatchSummary {
  cycles: number;
  baselineFindings: number;
  alerts: number;
  failedDeliveries: number;
}

async function deliverPending(
  ledger: WatchLedger,
  sinks: readonly AlertSink[],
  maxAttempts: number,
  now: () => Date,
): Promise<{ delivered: number; errors: string[] }> {
  const byName = new Map(sinks.map((s) => [s.name, s]));
  let delivered = 0;
  const errors: string[] = [];
  for (const item of ledger.pending()) {
    const sink = byName.get(item.sink);
    if (!sink) {
      // The alert was recorded for a sink this run was not given (e.g. restarted without --webhook).
      continue;
    }
    try {
      await sink.deliver(alertOf(item.finding));
      ledger.delivered(item.finding.id, item.sink, now());
      delivered++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ledger.failed(item.finding.id, item.sink, message, item.attempts + 1 >= maxAttempts);
      errors.push(`${item.sink}: ${message}`);
    }
  }
  return { delivered, errors };
}

export async function runWatch(options: WatchOptions): Promise<WatchSummary> {
  const now = options.now ?? (() => new Date());
  const ledger = new WatchLedger(options.store);
  const maxAttempts = options.maxDeliveryAttempts ?? 5;
  const sinkNames = options.sinks.map((s) => s.name);
  if (!ledger.hasBaseline()) ledger.recordBaseline(options.detect(), now());
  // Deliveries a previous run recorded but did not finish.
  await deliverPending(ledger, options.sinks, maxAttempts, now);

  let cycles = 0;
  while (!options.signal.aborted && (options.maxCycles === undefined || cycles < options.maxCycles)) {
    cycles++;
    let pollError: string | undefined;
    try {
      await options.poll();
    } catch (error) {
      pollError = error instanceof Error ? error.message : String(error);
    }
    const fresh = ledger.recordNew(options.detect(), sinkNames, now());
    const { delivered, errors } = await deliverPending(ledger, options.sinks, maxAttempts, now);
    options.onCycle?.({
      cycle: cycles,
      at: now().toISOString(),
      newAlerts: fresh.map((f) => f.id),
      delivered,
      deliveryErrors: errors,
      ...(pollError ? { pollError } : {}),
    });
    if (options.maxCycles !== undefined && cycles >= options.maxCycles) break;
    await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
  const counts = ledger.counts();
  return {
    cycles,
    baselineFindings: counts.baseline,
    alerts: counts.alerts,
    failedDeliveries: counts.failed,
  };
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** "30s", "5m", "1h" → milliseconds. */
export function parseInterval(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smh])$/.exec(text.trim());
  if (!match) throw new Error(`interval "${text}" is not a duration like 30s, 5m or 1h`);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}
