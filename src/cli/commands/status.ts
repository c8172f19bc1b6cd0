import fs from "node:fs";
import type { Command } from "commander";
import { formatCounts, openCase } from "../../store/index.js";
import { UsageError } from "../errors.js";

/** `mfa-evict status --case FILE [--json]`: record counts per kind and per source. */
export function register(program: Command): void {
  program
    .command("status")
    .description("Show how many records of each kind the case holds, and from which sources")
    .requiredOption("--case <file>", "case file")
    .option("--json", "print the counts as JSON")
    .action((options: { case: string; json?: boolean }) => {
      if (!fs.existsSync(options.case)) throw new UsageError(`${options.case}: no such case file`);
      const store = openCase(options.case, { readonly: true });
      try {
        const counts = store.counts();
        process.stdout.write(options.json ? `${JSON.stringify(counts, null, 2)}\n` : formatCounts(counts));
      } finally {
        store.close();
      }
    });
}
