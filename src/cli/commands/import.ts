import fs from "node:fs";
import type { Command } from "commander";
import { formatImportSummary, importFiles } from "../../ingest/index.js";
import { openCase } from "../../store/index.js";
import { UsageError } from "../errors.js";

/** `mfa-evict import FILE... --case FILE`: load exported logs into the case. */
export function register(program: Command): void {
  program
    .command("import")
    .description(
      "Import exported sign-in and audit logs (Graph JSON, JSON Lines, Log Analytics/Sentinel JSON or CSV, Event Hub records, portal downloads; gzip too) into the case",
    )
    .argument("<files...>", "exported log files")
    .requiredOption("--case <file>", "case file (created if absent)")
    .option("--json", "print the summary as JSON")
    .action(async (files: string[], options: { case: string; json?: boolean }) => {
      for (const file of files) {
        let stat: fs.Stats;
        try {
          stat = fs.statSync(file);
        } catch {
          throw new UsageError(`${file}: no such file`);
        }
        if (!stat.isFile()) throw new UsageError(`${file}: not a regular file`);
      }
      const store = openCase(options.case);
      try {
        const progress = process.stderr.isTTY
          ? (p: { file: string; records: number }) =>
              process.stderr.write(`\r${p.file}: ${p.records} records`)
          : undefined;
        const summary = await importFiles(store, files, progress ? { onProgress: progress } : {});
        if (progress) process.stderr.write("\n");
        process.stdout.write(
          options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatImportSummary(summary),
        );
        if (summary.rejected > 0) process.exitCode = 1;
      } finally {
        store.close();
      }
    });
}
