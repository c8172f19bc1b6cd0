import { Command, CommanderError } from "commander";
import { commands } from "./commands/index.js";
import { UsageError } from "./errors.js";

/**
 * The `mfa-evict` binary. Exit codes: 0 success, 1 finished with failures, 2 bad usage or input.
 * Each command lives in ./commands and only wires options to the module that does the work.
 */
const program = new Command("mfa-evict")
  .description("Find, evict and keep out attacker-registered MFA methods and devices in Microsoft Entra ID.")
  .showHelpAfterError()
  .exitOverride();

// The first non-option argument names the command; anything else (help, a typo) loads them all.
const invoked = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
const load =
  invoked !== undefined && Object.hasOwn(commands, invoked) ? [commands[invoked]!] : Object.values(commands);
for (const module of await Promise.all(load.map((importer) => importer()))) module.register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    process.stderr.write(`mfa-evict: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`mfa-evict: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
