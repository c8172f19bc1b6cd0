import fs from "node:fs";
import type { Command } from "commander";
import { lineProgress, type ProgressReporter } from "../../collect/index.js";
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
          ? terminalProgress()
          : lineProgress(undefined, undefined, "import");
        let file: string | undefined;
        let records = 0;
        const summary = await importFiles(store, files, {
          onProgress: (p) => {
            if (p.file !== file) {
              if (file !== undefined) progress.end(file, `${records} records`);
              file = p.file;
              records = 0;
              progress.begin(file);
            }
            progress.advance(file, p.records - records);
            records = p.records;
          },
        });
        if (file !== undefined) progress.end(file, `${records} records`);
        progress.stop();
        process.stdout.write(
          options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatImportSummary(summary),
        );
        if (summary.rejected > 0) process.exitCode = 1;
      } finally {
        store.close();
      }
    });
}

/** The count of records of the file being imported (one at a time), rewritten in place on a terminal. */
function terminalProgress(): ProgressReporter {
  let value = 0;
  return {
    begin() {
      value = 0;
    },
    advance(task, count) {
      value += count;
      process.stderr.write(`\r${task}: ${value} records`);
    },
    setTotal() {},
    end: () => process.stderr.write("\n"),
    stop() {},
  };
}
