import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CA_DIR_ENV, loadTlsMaterial } from "../../src/emulator/tls.js";

/**
 * Vitest global setup: one emulator CA per test run, trusted by every test worker. Node reads
 * NODE_EXTRA_CA_CERTS only at process start, and vitest's forked workers inherit this process's
 * environment, so setting it here makes the official SDKs trust the emulator with TLS checks on.
 */
export default async function setup(): Promise<() => void> {
  const caDir = mkdtempSync(path.join(tmpdir(), "mfa-evict-emulator-ca-"));
  // The server certificate too, so parallel workers only ever read it.
  const { caCertPath } = await loadTlsMaterial(caDir);
  process.env[CA_DIR_ENV] = caDir;
  process.env.NODE_EXTRA_CA_CERTS = caCertPath;
  return () => {
    // Processes started after teardown must not be pointed at a CA file that is about to vanish.
    delete process.env.NODE_EXTRA_CA_CERTS;
    delete process.env[CA_DIR_ENV];
    rmSync(caDir, { recursive: true, force: true });
  };
}
