import fs from "node:fs";
import type { Command } from "commander";
import { atLeast, detectCase } from "../../detect/case-run.js";
import { DetectConfigError } from "../../detect/config.js";
import { SEVERITIES, type Severity } from "../../detect/finding.js";
import { renderCsv, renderGaps, renderTable } from "../../detect/render.js";
import { openCase } from "../../store/index.js";
import { UsageError } from "../errors.js";

interface DetectCliOptions {
  case: string;
  json?: boolean;
  csv?: boolean;
  minSeverity: string;
  config?: string;
  responderAppId?: string[];
}

/** `mfa-evict detect --case FILE [--json|--csv] [--min-severity S]`: findings, stored in the case. */
export function register(program: Command): void {
  program
    .command("detect")
    .description(
      "Find rogue MFA methods and devices in the case, with the evidence for each; findings are stored in the case",
    )
    .requiredOption("--case <file>", "case file")
    .option("--json", "print findings, triage, gaps and notes as JSON")
    .option("--csv", "print findings as CSV, every field")
    .option(
      "--min-severity <severity>",
      `show findings at or above: ${SEVERITIES.join(", ")}`,
      "informational",
    )
    .option("--config <file>", "thresholds, allowlist and responder app ids (YAML or JSON)")
    .option("--responder-app-id <appId...>", "app ids whose writes are the responder's own (eviction, TAP)")
    .action((options: DetectCliOptions) => {
      if (!fs.existsSync(options.case)) throw new UsageError(`${options.case}: no such case file`);
      if (!SEVERITIES.includes(options.minSeverity as Severity)) {
        throw new UsageError(
          `--min-severity must be one of ${SEVERITIES.join(", ")} (got "${options.minSeverity}")`,
        );
      }
      if (options.json && options.csv) throw new UsageError("choose one of --json and --csv");
      const minSeverity = options.minSeverity as Severity;
      const store = openCase(options.case);
      try {
        let output: ReturnType<typeof detectCase>;
        try {
          output = detectCase(store, {
            configFile: options.config,
            responderAppIds: options.responderAppId,
            minSeverity,
          });
        } catch (error) {
          if (error instanceof DetectConfigError) throw new UsageError(error.message);
          throw error;
        }
        const { result, shown, triage, saved } = output;
        if (options.json) {
          const json = { findings: shown, triage, gaps: result.gaps, notes: result.notes };
          process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        } else if (options.csv) {
          process.stdout.write(renderCsv(shown, triage));
        } else {
          process.stdout.write(renderTable(shown, triage));
          const hidden = result.findings.length - shown.length;
          const counts = SEVERITIES.filter((s) => atLeast(s, minSeverity))
            .map((s) => `${result.findings.filter((f) => f.severity === s && !f.suppressedBy).length} ${s}`)
            .reverse()
            .join(", ");
          process.stdout.write(
            `\n${shown.length} finding(s) shown (${counts}; suppressed ones included in the list)${hidden ? `, ${hidden} below ${minSeverity} hidden` : ""}. Stored in the case: ${saved.added} new, ${saved.kept} again, ${saved.inactive} no longer produced.\n`,
          );
          const notes = result.notes;
          if (notes.responderEvents || notes.serviceEvents) {
            process.stdout.write(
              `Ignored: ${notes.responderEvents} registration(s) by the responder app, ${notes.serviceEvents} service-initiated "User registered security info" record(s).\n`,
            );
          }
          for (const entry of notes.expiredAllowlistEntries)
            process.stdout.write(`Allowlist entry expired: ${entry}\n`);
          for (const entry of notes.invalidAllowlistEntries)
            process.stdout.write(`Allowlist entry ignored: ${entry}\n`);
          process.stdout.write(renderGaps(result.gaps));
        }
      } finally {
        store.close();
      }
    });
}
