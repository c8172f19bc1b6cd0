import fs from "node:fs";
import type { Command } from "commander";
import { clean } from "../../evict/render.js";
import { Journal } from "../../journal/journal.js";
import { openCase } from "../../store/index.js";
import { UsageError } from "../errors.js";

export function register(program: Command): void {
  program
    .command("journal")
    .description("Show the hash-chained action journal, or verify its chain")
    .requiredOption("--case <file>", "case file")
    .option("--verify", "check the hash chain end to end")
    .option("--run <id>", "only entries of this run (plan id)")
    .option("--json", "print JSON")
    .action((opts) => {
      if (!fs.existsSync(opts.case)) throw new UsageError(`case file ${opts.case} does not exist`);
      const store = openCase(opts.case);
      try {
        const journal = new Journal(store);
        if (opts.verify) {
          const result = journal.verify();
          if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          else if (result.ok)
            process.stdout.write(`journal OK: ${result.entries} entries, head ${result.head}\n`);
          else
            process.stdout.write(
              `journal BROKEN at entry ${result.failure!.seq}: ${result.failure!.reason} (${result.entries} entries verified before it)\n`,
            );
          if (!result.ok) process.exitCode = 1;
          return;
        }
        const entries = journal.entries(opts.run ? { runId: opts.run } : {});
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
          return;
        }
        for (const e of entries) {
          const detail = typeof e.payload.detail === "string" ? ` — ${e.payload.detail}` : "";
          const outcome = typeof e.payload.outcome === "string" ? ` ${e.payload.outcome}` : "";
          process.stdout.write(
            `${String(e.seq).padStart(6)} ${e.at} ${e.actor} ${e.kind}${outcome} ${clean(e.subject ?? "")}${clean(detail)}\n`,
          );
        }
      } finally {
        store.close();
      }
    });
}
