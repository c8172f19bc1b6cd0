import fs from "node:fs";
import type { Command } from "commander";
import { PlanFormatError } from "../../evict/plan.js";
import { readPlanFile, verifyCommand } from "../../evict/run.js";
import { UsageError } from "../errors.js";

export function register(program: Command): void {
  program
    .command("verify")
    .description("Re-read every affected user and check the eviction's end state")
    .requiredOption("--case <file>", "case file")
    .option("--plan <plan>", "plan file (default: the last plan applied in the case)")
    .option("--json", "print the checks as JSON")
    .action(async (opts) => {
      if (!fs.existsSync(opts.case)) throw new UsageError(`case file ${opts.case} does not exist`);
      try {
        const { text, results } = await verifyCommand({
          caseFile: opts.case,
          ...(opts.plan ? { plan: readPlanFile(opts.plan) } : {}),
        });
        process.stdout.write(opts.json ? `${JSON.stringify(results, null, 2)}\n` : text);
        if (results.some((r) => !r.ok)) process.exitCode = 1;
      } catch (error) {
        if (error instanceof PlanFormatError) throw new UsageError(error.message);
        throw error;
      }
    });
}
