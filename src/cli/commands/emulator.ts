import type { Command } from "commander";
import { closeOnSignal, isBadTenantInput, serveEmulator } from "../../emulator/run.js";
import { UsageError } from "../errors.js";

interface EmulatorCliOptions {
  scenario?: string;
  tenantFile?: string;
  seed?: string;
  port?: string;
  latencyMs?: string;
  faultRate?: string;
  throttle: boolean;
  writeEnv: string;
}

function number(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got '${text}'`);
  return value;
}

/** `mfa-evict emulator`: the local HTTPS Microsoft Graph + identity platform, until killed. */
export function register(program: Command): void {
  program
    .command("emulator")
    .description("Run the local Microsoft Graph + token endpoint emulator with a scenario or a tenant file")
    .option("--scenario <name>", "emulated scenario (see the tenant model)")
    .option("--tenant-file <file>", "tenant document (JSON, schemaVersion 1)")
    .option("--seed <seed>", "seed for the tenant, latency and faults")
    .option("--port <port>", "port on 127.0.0.1 (default: a free one)")
    .option("--latency-ms <ms>", "mean added latency per Graph request")
    .option("--fault-rate <rate>", "probability (0..1) of an injected 5xx, reset or slow body")
    .option("--no-throttle", "turn Graph's throttling limits off")
    .requiredOption("--write-env <file>", "write KEY=VALUE lines for clients once listening")
    .action(async (options: EmulatorCliOptions) => {
      if (options.scenario && options.tenantFile)
        throw new UsageError("give --scenario or --tenant-file, not both");
      try {
        const emu = await serveEmulator({
          scenario: options.scenario,
          tenantFile: options.tenantFile,
          seed: options.seed,
          port: number("port", options.port, 0, 65535),
          latencyMs: number("latency-ms", options.latencyMs, 0, 60_000),
          faultRate: number("fault-rate", options.faultRate, 0, 1),
          throttle: options.throttle,
          writeEnv: options.writeEnv,
        });
        process.stderr.write(
          `emulator: Graph and token endpoint at ${emu.graphUrl} (tenant ${emu.tenantId}); env written to ${options.writeEnv}\n`,
        );
        await closeOnSignal(emu);
      } catch (error) {
        if (isBadTenantInput(error)) throw new UsageError(error.message);
        throw error;
      }
    });
}
