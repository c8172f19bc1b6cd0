import { type EmulatorOptions, type RunningEmulator, startEmulator, writeEnvFile } from "./index.js";
import { loadTenantFile, TenantFileError, UnknownScenarioError } from "./tenant/index.js";

/**
 * `mfa-evict emulator`: start, write the env file once listening, run until SIGTERM/SIGINT, close
 * cleanly. Also the reusable start/stop pair for the demo script.
 */

export interface ServeOptions extends EmulatorOptions {
  /** Where to write the clients' KEY=VALUE env file once listening. */
  writeEnv?: string;
  /** Tenant file (JSON or YAML, schemaVersion 1). */
  tenantFile?: string;
}

/** Errors that mean the caller asked for something that does not exist (a bad file, an unknown scenario). */
export function isBadTenantInput(error: unknown): error is Error {
  return error instanceof TenantFileError || error instanceof UnknownScenarioError;
}

/** Starts the emulator and writes the env file; returns once it listens. */
export async function serveEmulator(options: ServeOptions): Promise<RunningEmulator> {
  const tenant = options.tenantFile ? loadTenantFile(options.tenantFile) : options.tenant;
  const emu = await startEmulator({ ...options, tenant });
  if (options.writeEnv) writeEnvFile(options.writeEnv, emu.env);
  return emu;
}

/** Resolves when a SIGTERM or SIGINT arrives and the emulator has closed. */
export function closeOnSignal(emu: RunningEmulator): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      void emu.close().then(resolve);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
