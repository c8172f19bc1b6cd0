import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../src/emulator/index.js";
import type { TenantDocument } from "../src/emulator/tenant/schema.js";
import { openCase } from "../src/store/index.js";
import type { CaseSnapshot } from "../src/store/snapshot.js";

/**
 * The full path of the evaluation: serve the scenario's tenant from the emulator over HTTPS, collect
 * it into a fresh case file with the product's connector (in a child process, as `mfa-evict collect`
 * would run), and read the case back. Detection then sees exactly what a responder would.
 * Throttling limits are raised: the documented ones belong to the collection benchmark.
 */
export interface CollectedCase {
  snapshot: CaseSnapshot;
  /** The app the collection ran as: its own writes are the responder's. */
  responderAppId: string;
  seconds: number;
}

const RAISED_LIMITS = { reportsPer10s: 200, protectionPerSecond: 50 };
const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD_TIMEOUT_MS = 10 * 60_000;

function runChild(
  env: Record<string, string>,
  input: { casePath: string; since: string },
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(here, "collect-child.ts"), JSON.stringify(input)],
      {
        cwd: path.resolve(here, ".."),
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0) {
        reject(
          new Error(`collection exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`),
        );
        return;
      }
      resolve((JSON.parse(last) as { failed: string[] }).failed);
    });
  });
}

export async function collectTenant(tenant: TenantDocument, days: number): Promise<CollectedCase> {
  const started = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), "mfa-evict-eval-"));
  const emulator = await startEmulator({ tenant, seed: 7, throttle: RAISED_LIMITS, auditDelayMs: 0 });
  try {
    // The whole history: anchored on the newest record, since the generator's "now" is fixed.
    let newest = 0;
    for (const signIn of tenant.signIns) newest = Math.max(newest, Date.parse(signIn.createdDateTime));
    const since = new Date(Math.min(newest, Date.now()) - (days + 2) * 86_400_000);
    const casePath = path.join(dir, "case.db");
    const failed = await runChild(emulator.env, { casePath, since: since.toISOString() });
    if (failed.length > 0) throw new Error(`collection failed for ${failed.join(", ")}`);
    const store = openCase(casePath, { readonly: true });
    try {
      return {
        snapshot: store.snapshot(),
        responderAppId: emulator.env.AZURE_CLIENT_ID ?? "",
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      store.close();
    }
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
