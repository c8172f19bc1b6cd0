import fs from "node:fs";
import type { Command } from "commander";
import { explainCase } from "../../detect/case-run.js";
import { renderExplain } from "../../detect/render.js";
import { openCase } from "../../store/index.js";
import { UsageError } from "../errors.js";

/** `mfa-evict explain FINDING --case FILE [--json]`: one stored finding with its evidence timeline. */
export function register(program: Command): void {
  program
    .command("explain")
    .description("Show one finding (from the last detect run) with its evidence as a timeline")
    .argument("<finding>", "finding id (F-…)")
    .requiredOption("--case <file>", "case file")
    .option("--json", "print the finding and its triage as JSON")
    .action((findingId: string, options: { case: string; json?: boolean }) => {
      if (!fs.existsSync(options.case)) throw new UsageError(`${options.case}: no such case file`);
      const store = openCase(options.case, { readonly: true });
      try {
        const explained = explainCase(store, findingId);
        if (!explained) throw new UsageError(`no finding ${findingId} in ${options.case} (run detect first)`);
        const { stored, triage } = explained;
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ ...stored, triage }, null, 2)}\n`);
          return;
        }
        const status = stored.active ? "" : " (no longer produced by the latest run)";
        process.stdout.write(
          `${renderExplain(stored.finding, triage)}\n  first detected ${stored.firstDetected}, last ${stored.lastDetected}${status}\n`,
        );
      } finally {
        store.close();
      }
    });
}
