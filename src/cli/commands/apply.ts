import fs from "node:fs";
import type { Command } from "commander";
import { ApplyRefusedError } from "../../evict/executor.js";
import { PlanFormatError } from "../../evict/plan.js";
import { clean } from "../../evict/render.js";
import { applyCommand, readPlanFile } from "../../evict/run.js";
import { SecretsFileError } from "../../evict/secrets-file.js";
import { UsageError } from "../errors.js";

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
    .command("apply")
    .description("Apply an approved eviction plan (dry-run: prints the calls; --yes: makes them, journaled)")
    .argument("<plan>", "plan file written by `plan`")
    .requiredOption("--case <file>", "case file (journal, forensics)")
    .option("--yes", "make the writes (otherwise only print them)")
    .option(
      "--max-users <n>",
      "apply at most this many unfinished users in this run",
      positiveInt("--max-users"),
    )
    .option(
      "--concurrency <n>",
      "users in flight at once (Graph budgets pace the writes)",
      positiveInt("--concurrency"),
    )
    .option(
      "--reveal-secrets <file>",
      "write generated passwords and TAP codes to this 0600 file (never elsewhere)",
    )
    .option("--json", "print the summary as JSON")
    .action(async (planFile: string, opts) => {
      if (!fs.existsSync(opts.case)) throw new UsageError(`case file ${opts.case} does not exist`);
      try {
        const plan = readPlanFile(planFile);
        const result = await applyCommand({
          plan,
          caseFile: opts.case,
          yes: opts.yes === true,
          maxUsers: opts.maxUsers,
          concurrency: opts.concurrency,
          revealSecrets: opts.revealSecrets,
          onEvent: opts.json
            ? undefined
            : (event) => {
                if (event.type === "step")
                  process.stdout.write(
                    `${clean(event.user)}  ${event.kind}: ${event.outcome} — ${clean(event.detail)}\n`,
                  );
              },
        });
        process.stdout.write(
          opts.json && result.summary ? `${JSON.stringify(result.summary, null, 2)}\n` : result.text,
        );
        const counts = result.summary?.counts;
        if (counts && (counts.failed > 0 || counts.refused > 0)) process.exitCode = 1;
      } catch (error) {
        if (
          error instanceof PlanFormatError ||
          error instanceof ApplyRefusedError ||
          error instanceof SecretsFileError
        ) {
          throw new UsageError(error.message);
        }
        throw error;
      }
    });
}
