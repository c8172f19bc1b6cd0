import type { Command } from "commander";
import { closeOnSignal, isBadTenantInput, serveEmulator } from "../../emulator/run.js";
import { exportTenantFile, listScenarios, writeGroundTruthFile } from "../../emulator/tenant/index.js";
import { UsageError } from "../errors.js";

interface EmulatorCliOptions {
  scenario?: string;
  tenantFile?: string;
  users?: string;
  days?: string;
  seed?: string;
  port?: string;
  latencyMs?: string;
  faultRate?: string;
  faultsAfterWrites?: boolean;
  throttle: boolean;
  writeEnv?: string;
  groundTruth?: string;
  exportTenant?: string;
  listScenarios?: boolean;
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
    .option("--scenario <name>", "attack scenario (see --list-scenarios)")
    .option("--tenant-file <file>", "tenant document (JSON or YAML, schemaVersion 1)")
    .option("--users <n>", "users in the generated tenant (also with --scenario)")
    .option("--days <d>", "days of sign-in and audit history to generate")
    .option("--seed <seed>", "seed for the tenant, latency and faults")
    .option("--port <port>", "port on 127.0.0.1 (default: a free one)")
    .option("--latency-ms <ms>", "mean added latency per Graph request")
    .option("--fault-rate <rate>", "probability (0..1) of an injected 5xx, reset or slow body")
    .option(
      "--faults-after-writes",
      "a faulted write is processed and only its answer lost (default: refused unprocessed)",
    )
    .option("--no-throttle", "turn Graph's throttling limits off")
    .option("--write-env <file>", "write KEY=VALUE lines for clients once listening (needed to serve)")
    .option("--ground-truth <file>", "write the scenario's ground truth (never visible through Graph)")
    .option(
      "--export-tenant <file>",
      "write the tenant in the tenant model: at shutdown when serving, else at once and exit",
    )
    .option("--list-scenarios", "list the attack scenarios and exit")
    .action(async (options: EmulatorCliOptions) => {
      if (options.listScenarios) {
        for (const s of listScenarios()) {
          process.stdout.write(
            `${s.name.padEnd(18)} ${s.techniques.join(", ").padEnd(30)} ${s.description}\n`,
          );
        }
        return;
      }
      if (options.scenario && options.tenantFile)
        throw new UsageError("give --scenario or --tenant-file, not both");
      if (!options.writeEnv && !options.exportTenant && !options.groundTruth)
        throw new UsageError(
          "--write-env FILE is needed to serve (or give --export-tenant / --ground-truth alone)",
        );
      try {
        const emu = await serveEmulator({
          scenario: options.scenario,
          tenantFile: options.tenantFile,
          users: number("users", options.users, 1, 1_000_000),
          days: number("days", options.days, 1, 365),
          seed: options.seed,
          port: number("port", options.port, 0, 65535),
          latencyMs: number("latency-ms", options.latencyMs, 0, 60_000),
          faultRate: number("fault-rate", options.faultRate, 0, 1),
          ...(options.faultsAfterWrites ? { writeFaultTiming: "afterProcessing" as const } : {}),
          throttle: options.throttle,
          ...(options.writeEnv ? { writeEnv: options.writeEnv } : {}),
        });
        if (options.groundTruth) {
          if (!emu.groundTruth) {
            await emu.close();
            throw new UsageError("--ground-truth needs --scenario (only scenarios have ground truth)");
          }
          writeGroundTruthFile(emu.groundTruth, options.groundTruth);
        }
        if (!options.writeEnv) {
          if (options.exportTenant) exportTenantFile(emu.state.toDocument(), options.exportTenant);
          await emu.close();
          return;
        }
        process.stderr.write(
          `emulator: Graph and token endpoint at ${emu.graphUrl} (tenant ${emu.tenantId}); env written to ${options.writeEnv}\n`,
        );
        await closeOnSignal(emu);
        if (options.exportTenant) exportTenantFile(emu.state.toDocument(), options.exportTenant);
      } catch (error) {
        if (isBadTenantInput(error) || error instanceof RangeError) throw new UsageError(error.message);
        throw error;
      }
    });
}
