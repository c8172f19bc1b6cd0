import type { Command } from "commander";
import {
  barProgress,
  collectCase,
  DEFAULT_SINCE,
  exitCodeFor,
  formatSummary,
  lineProgress,
  parseOnly,
  parseSince,
  parseUserScope,
} from "../../collect/index.js";
import { createGraphClient, credentialFromEnvironment } from "../../graph/index.js";
import { redactText } from "../../shared/redact.js";
import { openCase } from "../../store/index.js";
import { UsageError } from "../errors.js";

interface CollectFlags {
  case: string;
  since: string;
  only?: string;
  users?: string;
  interactive?: boolean;
  full?: boolean;
  json?: boolean;
}

/** `mfa-evict collect`: wires options to src/collect; the work happens there. */
export function register(program: Command): void {
  program
    .command("collect")
    .description("Collect the tenant from Microsoft Graph into the case file (resumable, incremental).")
    .requiredOption("--case <file>", "case file (created if missing)")
    .option("--since <when>", "start of the log window: 30d, 12h, 2w or an ISO date", DEFAULT_SINCE)
    .option("--only <streams>", "comma-separated: users,methods,devices,audits,signins,risk,policies,roles")
    .option("--users <filter>", "an OData filter on users, a comma-separated list of UPNs/ids, or @file")
    .option("--interactive", "sign in with a device code instead of the environment's credentials")
    .option(
      "--full",
      "re-read every user's methods and every device's owners and users, not only what the audit log says changed",
    )
    .option("--json", "print the summary as JSON on stdout")
    .action(async (flags: CollectFlags) => {
      let only: ReturnType<typeof parseOnly>;
      let since: Date;
      let users: ReturnType<typeof parseUserScope>;
      try {
        only = parseOnly(flags.only);
        since = parseSince(flags.since);
        users = parseUserScope(flags.users);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      const client = createGraphClient({
        credential: credentialFromEnvironment(process.env, { interactive: flags.interactive === true }),
      });
      const store = openCase(flags.case);
      const progress = process.stderr.isTTY ? barProgress() : lineProgress();
      try {
        const summary = await collectCase({
          client,
          store,
          only,
          since,
          ...(users ? { users } : {}),
          full: flags.full === true,
          progress,
          onPreflight: ({ missing }) => {
            for (const { stream, part, needs } of missing) {
              process.stderr.write(`collect: ${stream}/${part} will be skipped: the app lacks ${needs}\n`);
            }
          },
        }).catch((error: unknown) => {
          progress.stop();
          // A sign-in failure ends the run before any stream; keep secrets out of the message.
          throw new Error(`collect: ${redactText(error instanceof Error ? error.message : String(error))}`);
        });
        if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else process.stdout.write(`${formatSummary(summary)}\n`);
        process.exitCode = exitCodeFor(summary);
      } finally {
        store.close();
        await client.close();
      }
    });
}
