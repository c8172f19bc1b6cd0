import { readFileSync } from "node:fs";
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
  validateTenant,
  writeEnvFile,
} from "./index.js";
import type { TenantDocument } from "./tenant/schema.js";

/**
 * `mfa-evict emulator`: start, write the env file once listening, run until SIGTERM/SIGINT, close
 * cleanly. Also the reusable start/stop pair for the demo script.
 */

export class TenantFileError extends Error {}

/** Reads and validates a tenant file; errors name the file, the record path and the reason. */
export function readTenantFile(file: string): TenantDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new TenantFileError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return validateTenant(raw, file);
  } catch (error) {
    throw new TenantFileError(error instanceof Error ? error.message : String(error));
  }
}

export interface ServeOptions extends EmulatorOptions {
  writeEnv: string;
  tenantFile?: string;
}

/** Starts the emulator and writes the env file; returns once it listens. */
export async function serveEmulator(options: ServeOptions): Promise<RunningEmulator> {
  const tenant = options.tenantFile ? readTenantFile(options.tenantFile) : options.tenant;
  const emu = await startEmulator({ ...options, tenant });
  writeEnvFile(options.writeEnv, emu.env);
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
