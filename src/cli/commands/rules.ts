import fs from "node:fs";
import type { Command } from "commander";
import { DetectConfigError } from "../../detect/config.js";
import { tuningForCaseFile } from "../../rules/case-tuning.js";
import { sha256Hex } from "../../rules/condition.js";
import { exportRules, RULE_FORMATS, type RuleFormat } from "../../rules/export.js";
import { UsageError } from "../errors.js";

interface RulesCliOptions {
  format: string;
  out: string;
  case?: string;
  config?: string;
  phones: string;
  json?: boolean;
}

/** `mfa-evict rules --format kql|sigma --out DIR [--case FILE]`: SIEM rules for the detections. */
export function register(program: Command): void {
  program
    .command("rules")
    .description(
      "Write Microsoft Sentinel (KQL) or Sigma rules that keep watching for the attacker's techniques",
    )
    .requiredOption("--format <format>", `rule format: ${RULE_FORMATS.join(" or ")}`)
    .requiredOption("--out <dir>", "directory to write the rule files to")
    .option("--case <file>", "tune the rules to this case: trusted locations, allowlist, attacker indicators")
    .option("--config <file>", "detection config whose allowlist narrows the rules (with --case)")
    .option("--phones <mode>", "attacker phone numbers in the watchlist rule: hashed or full", "hashed")
    .option("--json", "print what was written as JSON")
    .action(async (options: RulesCliOptions) => {
      if (!RULE_FORMATS.includes(options.format as RuleFormat)) {
        throw new UsageError(`--format must be ${RULE_FORMATS.join(" or ")} (got "${options.format}")`);
      }
      if (options.phones !== "hashed" && options.phones !== "full") {
        throw new UsageError(`--phones must be hashed or full (got "${options.phones}")`);
      }
      if (options.config && !options.case)
        throw new UsageError("--config tunes rules to a case: give --case too");
      if (options.case && !fs.existsSync(options.case))
        throw new UsageError(`${options.case}: no such case file`);
      let tuned: ReturnType<typeof tuningForCaseFile> | undefined;
      try {
        tuned = options.case ? tuningForCaseFile(options.case, { configFile: options.config }) : undefined;
      } catch (error) {
        if (error instanceof DetectConfigError) throw new UsageError(error.message);
        throw error;
      }
      const result = await exportRules({
        format: options.format as RuleFormat,
        outDir: options.out,
        tuning: tuned?.tuning,
        tunedFor: tuned ? `tenant ${tuned.tenant ?? "of the case"} (${options.case})` : undefined,
        phoneMode: options.phones,
      });
      if (options.json) {
        // In hashed mode the phone numbers stay out of every output, this one included.
        const tuning = tuned?.tuning && {
          ...tuned.tuning,
          indicators: {
            ...tuned.tuning.indicators,
            phones:
              options.phones === "hashed"
                ? tuned.tuning.indicators.phones.map(sha256Hex)
                : tuned.tuning.indicators.phones,
          },
        };
        process.stdout.write(`${JSON.stringify({ ...result, tuning }, null, 2)}\n`);
        return;
      }
      for (const { file } of result.written) process.stdout.write(`wrote ${file}\n`);
      for (const { ruleId, reason } of result.skipped) {
        process.stdout.write(`not expressible as ${options.format}: ${ruleId} (${reason})\n`);
      }
      if (tuned) {
        const { tuning } = tuned;
        process.stdout.write(
          `Tuned: ${tuning.trustedCidrs.length} trusted range(s), ${tuning.allowedDevices.length} allowlisted device(s), ${tuning.allowedAccounts.length} account(s), ${tuning.allowedApps.length} app(s); watchlist from ${tuned.findings} finding(s): ${tuning.indicators.ips.length} IP(s), ${tuning.indicators.deviceNames.length} device name(s), ${tuning.indicators.phones.length} phone number(s) (${options.phones}).\n`,
        );
      }
      process.stdout.write(`${result.written.length} rule(s) written to ${options.out}.\n`);
    });
}
