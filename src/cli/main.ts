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

for (const register of commands) register(program);

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
