import { collectCase, LATE_ARRIVAL_MS } from "../collect/index.js";
import { atLeast, detectCase } from "../detect/case-run.js";
import type { Finding, Severity } from "../detect/finding.js";
import type { GraphConnector } from "../graph/index.js";
import type { CaseStore } from "../store/index.js";
import type { WatchLedger } from "./ledger.js";

/**
 * The two steps of a watch cycle on a real case: collect what is new from Graph with the
 * connector's incremental log collection, and run the detection engine over the case.
 */

/**
 * Incremental collection of directory audits and sign-ins. The log checkpoints in the case make
 * each call fetch only the time after what the case covers (with the connector's late-arrival
 * overlap), and the connector's reports budget (5 requests per 10 s) paces the requests.
 */
export function collectPoll(client: GraphConnector, store: CaseStore, since: Date): () => Promise<void> {
  return async () => {
    const summary = await collectCase({ client, store, only: ["audits", "signins"], since });
    const failed = summary.outcomes.filter((o) => o.status === "failed");
    if (failed.length) {
      throw new Error(failed.map((o) => `${o.stream}/${o.part}: ${o.reason ?? "failed"}`).join("; "));
    }
  };
}

export interface CaseDetectorOptions {
  configFile?: string;
  responderAppIds?: readonly string[];
  minSeverity?: Severity;
}

/**
 * Detection over the whole case (the baseline the detections compare against), stored as `detect`
 * stores it; returns the findings that warrant an alert: at or above the minimum severity, not
 * suppressed by the allowlist, not triaged as false positives.
 */
export function caseDetector(store: CaseStore, options: CaseDetectorOptions = {}): () => Finding[] {
  return () => {
    const { result, triage } = detectCase(store, {
      ...(options.configFile ? { configFile: options.configFile } : {}),
      ...(options.responderAppIds ? { responderAppIds: options.responderAppIds } : {}),
    });
    const falsePositive = new Set(
      triage.filter((t) => t.verdict === "falsePositive").map((t) => t.findingId),
    );
    const minimum = options.minSeverity ?? "low";
    return result.findings.filter(
      (f) => !f.suppressedBy && !falsePositive.has(f.id) && atLeast(f.severity, minimum),
    );
  };
}

/**
 * Start of the collection window, fixed when watching first begins (kept in the case): a little
 * before that moment, so records that land late are still read. Where the case already covers the
 * logs, collection continues from its coverage instead.
 */
export function watchSince(ledger: WatchLedger, now: Date, lateArrivalMs = LATE_ARRIVAL_MS): Date {
  const stored = ledger.get("since");
  if (stored) return new Date(stored);
  const since = new Date(now.getTime() - lateArrivalMs);
  ledger.set("since", since.toISOString());
  return since;
}
