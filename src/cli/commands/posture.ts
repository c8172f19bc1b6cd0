import fs from "node:fs";
import type { Command } from "commander";
import { createGraphClient } from "../../graph/index.js";
import { Journal } from "../../journal/journal.js";
import { applyProposals } from "../../posture/apply.js";
import { postureInput } from "../../posture/case-run.js";
import { PostureInputError } from "../../posture/errors.js";
import { writeProposals } from "../../posture/proposal-files.js";
import { proposeFixes } from "../../posture/proposals.js";
import { renderApply, renderProposals, renderReport } from "../../posture/render.js";
import { reviewContext } from "../../posture/review.js";
import { openCase } from "../../store/index.js";
import { UsageError } from "../errors.js";

interface PostureCliOptions {
  case: string;
  json?: boolean;
  breakGlass?: string[];
  propose?: boolean;
  out?: string;
  apply?: string;
  yes?: boolean;
}

/**
 * `mfa-evict posture --case FILE [--json]`: Conditional Access, method and device-registration
 * review with per-user coverage. `--propose --out DIR` writes report-only policy bodies;
 * `--apply DIR [--yes]` creates/updates them (dry run without --yes).
 */
export function register(program: Command): void {
  program
    .command("posture")
    .description(
      "Review Conditional Access, authentication-method and device-registration policy against this incident",
    )
    .requiredOption("--case <file>", "case file")
    .option("--json", "print the review (or the apply result) as JSON")
    .option("--break-glass <idOrUpn...>", "the emergency-access accounts (otherwise inferred, and said so)")
    .option("--propose", "write the proposed policies (report-only Graph bodies) to --out")
    .option("--out <dir>", "directory for --propose")
    .option("--apply <dir>", "create/update the proposed policies in <dir> (dry run unless --yes)")
    .option("--yes", "with --apply: make the writes")
    .action(async (options: PostureCliOptions) => {
      if (!fs.existsSync(options.case)) throw new UsageError(`${options.case}: no such case file`);
      if (options.propose && options.apply) throw new UsageError("choose one of --propose and --apply");
      if (options.propose && !options.out) throw new UsageError("--propose needs --out <dir>");
      if (options.out && !options.propose) throw new UsageError("--out is only used with --propose");
      if (options.yes && !options.apply) throw new UsageError("--yes is only used with --apply <dir>");
      try {
        if (options.apply) await runApply(options, options.apply);
        else runReview(options);
      } catch (error) {
        if (error instanceof PostureInputError) throw new UsageError(error.message);
        throw error;
      }
    });
}

function runReview(options: PostureCliOptions): void {
  const store = openCase(options.case, { readonly: true });
  try {
    const { ctx, findingsSource, findingCount } = postureInput(store, { breakGlass: options.breakGlass });
    const report = reviewContext(ctx);
    if (options.propose && options.out) {
      const set = proposeFixes(ctx, report);
      writeProposals(options.out, set);
      process.stdout.write(
        options.json ? `${JSON.stringify(set, null, 2)}\n` : renderProposals(set, options.out),
      );
      return;
    }
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ ...report, findingsSource, findingCount }, null, 2)}\n`);
    } else {
      process.stdout.write(renderReport(report));
      process.stdout.write(
        `\nAffected users come from ${findingCount} ${findingsSource === "stored" ? "stored finding(s) (run detect to refresh)" : "finding(s) of a fresh detection run (not stored)"}.\n`,
      );
    }
  } finally {
    store.close();
  }
}

async function runApply(options: PostureCliOptions, dir: string): Promise<void> {
  if (!options.yes) {
    const result = await applyProposals({ dir, yes: false });
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderApply(result));
    return;
  }
  const store = openCase(options.case);
  const graph = createGraphClient();
  try {
    const { tenantId } = await graph.identity();
    const result = await applyProposals({
      dir,
      yes: true,
      graph,
      journal: new Journal(store),
      ...(tenantId ? { connectedTenantId: tenantId } : {}),
    });
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderApply(result));
    if (result.counts.failed > 0 || result.counts.refused > 0) process.exitCode = 1;
  } finally {
    await graph.close();
    store.close();
  }
}
