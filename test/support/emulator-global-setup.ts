import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CA_DIR_ENV, loadTlsMaterial } from "../../src/emulator/tls.js";

/**
 * Vitest global setup: one emulator CA (and server certificate) trusted by every test worker.
 * Node reads NODE_EXTRA_CA_CERTS only at process start, and vitest's forked workers inherit this
 * process's environment, so setting it here makes the official SDKs trust the emulator with TLS
 * checks on.
 *
 * The CA lives in one temp directory per machine user and is kept between runs: child processes
 * that outlive a run (a killed CLI, a slow exit) must never point at a CA file that was deleted,
 * and key generation is paid once. It is created in a staging directory and renamed into place,
 * so concurrent runs never see half a CA.
 */
export default async function setup(): Promise<void> {
  const caDir = path.join(tmpdir(), `mfa-evict-emulator-test-ca-${process.getuid?.() ?? "user"}`);
  if (!existsSync(path.join(caDir, "server-bundle.pem"))) {
    const staging = mkdtempSync(`${caDir}-staging-`);
    await loadTlsMaterial(staging);
    try {
      renameSync(staging, caDir);
    } catch {
      // Another run won the race (or a partial directory exists): use what is there.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const { caCertPath } = await loadTlsMaterial(caDir);
  process.env[CA_DIR_ENV] = caDir;
  process.env.NODE_EXTRA_CA_CERTS = caCertPath;
}
