import type { Command } from "commander";
import { openCase } from "../../store/index.js";
import { CaseConsoleBackend } from "../../web/case-backend.js";
import { startConsole } from "../../web/server.js";
import { UsageError } from "../errors.js";

export function register(program: Command): void {
  program
    .command("serve")
    .description(
      "Local triage console on 127.0.0.1: findings, evidence timelines, verdicts, plans and their dry-run",
    )
    .requiredOption("--case <file>", "case file")
    .option("--port <port>", "port (default: a free one)", "0")
    .action(async (options: { case: string; port: string }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${options.port}: not a port`);
      const store = openCase(options.case);
      const console_ = await startConsole({ backend: new CaseConsoleBackend(store, options.case), port });
      process.stdout.write(
        `mfa-evict console for ${options.case}\nopen: ${console_.loginUrl}\n(the token in that address is the only way in; Ctrl-C stops the console)\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await console_.close();
      store.close();
    });
}
