import fs from "node:fs";
import { type Command, Option } from "commander";
import { SEVERITIES, type Severity } from "../../detect/finding.js";
import { FindingsFileError } from "../../evict/findings-source.js";
import { planCommand } from "../../evict/run.js";
import { UsageError } from "../errors.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

function positiveInt(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(`${name} must be a positive whole number, got "${value}"`);
    return n;
  };
}

export function register(program: Command): void {
  program
    .command("plan")
    .description("Build an ordered, reviewable eviction plan from the case's findings (no writes)")
    .requiredOption("--case <file>", "case file")
    .requiredOption("--out <plan>", "where to write the plan (JSON)")
    .option("--finding <id>", "only this finding (repeatable)", collect)
    .option("--user <upn>", "only this user, by UPN or object id (repeatable)", collect)
    .addOption(new Option("--min-severity <s>", "ignore findings below this severity").choices(SEVERITIES))
    .option("--break-glass <upn>", "a break-glass account to refuse (repeatable)", collect)
    .option("--include-break-glass", "plan break-glass accounts too")
    .option("--confirm-compromised", "also confirm each user compromised in Identity Protection")
    .option("--keep-devices", "disable rogue devices without deleting them")
    .option(
      "--tap-lifetime <minutes>",
      "TAP lifetime (clamped to the TAP policy)",
      positiveInt("--tap-lifetime"),
    )
    .option("--tap-multi-use", "issue multi-use TAPs (one-time by default)")
    .option(
      "--max-age <minutes>",
      "apply refuses the plan after this long (default 1440)",
      positiveInt("--max-age"),
    )
    .option("--findings <file>", "read findings from this JSON file instead of running detection")
    .option("--offline", "do not contact Graph (app permissions and roles checked only by apply)")
    .option("--json", "print the plan JSON instead of the table")
    .action(async (opts) => {
      if (!fs.existsSync(opts.case)) throw new UsageError(`case file ${opts.case} does not exist`);
      try {
        const { plan, text, warnings } = await planCommand({
          caseFile: opts.case,
          findingIds: opts.finding,
          users: opts.user,
          minSeverity: opts.minSeverity as Severity | undefined,
          breakGlass: opts.breakGlass,
          includeBreakGlass: opts.includeBreakGlass === true,
          confirmCompromised: opts.confirmCompromised === true,
          keepDevices: opts.keepDevices === true,
          tapLifetimeMinutes: opts.tapLifetime,
          tapMultiUse: opts.tapMultiUse === true,
          maxAgeMinutes: opts.maxAge,
          offline: opts.offline === true,
          findingsFile: opts.findings,
        });
        fs.writeFileSync(opts.out, `${JSON.stringify(plan, null, 2)}\n`);
        for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
        process.stdout.write(
          opts.json ? `${JSON.stringify(plan, null, 2)}\n` : `${text}\nPlan written to ${opts.out}\n`,
        );
      } catch (error) {
        if (error instanceof FindingsFileError) throw new UsageError(error.message);
        throw error;
      }
    });
}
