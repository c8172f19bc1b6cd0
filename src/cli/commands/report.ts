import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { assembleReport } from "../../report/assemble.js";
import { reportJson, writeCsvExports } from "../../report/exports.js";
import { renderReportHtml } from "../../report/html.js";
import { openCase } from "../../store/index.js";

export function register(program: Command): void {
  program
    .command("report")
    .description("Write the incident report: one self-contained HTML file, plus JSON and CSV for other tools")
    .requiredOption("--case <file>", "case file")
    .requiredOption("--out <file>", "HTML report to write")
    .option("--json <file>", "also write the report's data as JSON")
    .option("--csv <dir>", "also write findings, inventory, actions and posture as CSV files")
    .action((options: { case: string; out: string; json?: string; csv?: string }) => {
      const store = openCase(options.case, { readonly: true });
      try {
        const input = assembleReport(store, { caseFile: options.case });
        writeFileSync(options.out, renderReportHtml(input));
        process.stdout.write(`report: ${options.out}\n`);
        if (options.json) {
          writeFileSync(options.json, `${JSON.stringify(reportJson(input), null, 2)}\n`);
          process.stdout.write(`json: ${options.json}\n`);
        }
        if (options.csv) {
          for (const file of writeCsvExports(input, options.csv)) process.stdout.write(`csv: ${file}\n`);
        }
      } finally {
        store.close();
      }
    });
}
