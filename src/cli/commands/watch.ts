import fs from "node:fs";
import type { Command } from "commander";
import { DetectConfigError } from "../../detect/config.js";
import { SEVERITIES, type Severity } from "../../detect/finding.js";
import { createGraphClient } from "../../graph/index.js";
import { openCase } from "../../store/index.js";
import { caseDetector, collectPoll, watchSince } from "../../watch/case-watch.js";
import { WatchLedger } from "../../watch/ledger.js";
import { type AlertSink, jsonlSink, stdoutSink, webhookSink } from "../../watch/sinks.js";
import { parseInterval, runWatch } from "../../watch/watch.js";
import { UsageError } from "../errors.js";

interface WatchCliOptions {
  case: string;
  interval: string;
  webhook?: string;
  jsonl?: string;
  config?: string;
  responderAppId?: string[];
  minSeverity: string;
}

/**
 * Audits and sign-ins share the reports budget of 5 requests per 10 s; one cycle makes at least
 * four requests (audits and three kinds of sign-ins), so cycles closer than this would only queue.
 */
const MIN_INTERVAL_MS = 10_000;

/** `mfa-evict watch --case FILE [--interval 5m] [--webhook URL] [--jsonl FILE]`. */
export function register(program: Command): void {
  program
    .command("watch")
    .description("Poll new audits and sign-ins, run the detections, and alert once per new finding")
    .requiredOption("--case <file>", "case file: its findings are the baseline, its checkpoints the position")
    .option("--interval <duration>", "time between polls, e.g. 30s, 5m, 1h", "5m")
    .option("--webhook <url>", "also POST each alert as JSON (Teams/Slack incoming-webhook compatible)")
    .option("--jsonl <file>", "also append each alert as a JSON line to this file")
    .option("--config <file>", "detection thresholds, allowlist and responder app ids (YAML or JSON)")
    .option("--responder-app-id <appId...>", "app ids whose writes are the responder's own")
    .option("--min-severity <severity>", `alert at or above: ${SEVERITIES.join(", ")}`, "low")
    .action(async (options: WatchCliOptions) => {
      if (!fs.existsSync(options.case)) throw new UsageError(`${options.case}: no such case file`);
      let intervalMs: number;
      try {
        intervalMs = parseInterval(options.interval);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      if (intervalMs < MIN_INTERVAL_MS) {
        throw new UsageError(
          `--interval must be at least 10s: the audit and sign-in reports allow 5 requests per 10 s`,
        );
      }
      if (!SEVERITIES.includes(options.minSeverity as Severity)) {
        throw new UsageError(`--min-severity must be one of ${SEVERITIES.join(", ")}`);
      }
      const sinks: AlertSink[] = [stdoutSink()];
      if (options.jsonl) sinks.push(jsonlSink(options.jsonl));
      if (options.webhook) {
        try {
          sinks.push(webhookSink(options.webhook));
        } catch (error) {
          throw new UsageError(`--webhook: ${(error as Error).message}`);
        }
      }
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
      const store = openCase(options.case);
      const client = createGraphClient();
      try {
        const since = watchSince(new WatchLedger(store), new Date());
        process.stderr.write(
          `mfa-evict watch: watching ${options.case} every ${options.interval}, alerting to ${sinks.map((s) => s.name).join(", ")} (SIGTERM or Ctrl-C stops)\n`,
        );
        const summary = await runWatch({
          store,
          poll: collectPoll(client, store, since),
          detect: caseDetector(store, {
            ...(options.config ? { configFile: options.config } : {}),
            ...(options.responderAppId ? { responderAppIds: options.responderAppId } : {}),
            minSeverity: options.minSeverity as Severity,
          }),
          sinks,
          intervalMs,
          signal: controller.signal,
          onCycle: (report) => {
            if (report.pollError) process.stderr.write(`mfa-evict watch: poll failed: ${report.pollError}\n`);
            for (const error of report.deliveryErrors)
              process.stderr.write(`mfa-evict watch: delivery failed: ${error}\n`);
          },
        });
        process.stderr.write(
          `mfa-evict watch: stopped after ${summary.cycles} cycle(s); ${summary.alerts} alert(s) in the case, ${summary.baselineFindings} baseline finding(s), ${summary.failedDeliveries} failed deliveries.\n`,
        );
        if (summary.failedDeliveries > 0) process.exitCode = 1;
      } catch (error) {
        if (error instanceof DetectConfigError) throw new UsageError(error.message);
        throw error;
      } finally {
        process.off("SIGTERM", stop);
        process.off("SIGINT", stop);
        store.close();
        await client.close();
      }
    });
}
