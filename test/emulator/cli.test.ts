import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { repoRoot } from "../support/emulator-permissions.js";
import { tinyTenant } from "../support/emulator-tenant.js";

/** `mfa-evict emulator --tenant-file F --write-env E`: env file once listening, clean exit on SIGTERM. */

const dir = mkdtempSync(path.join(tmpdir(), "mfa-evict-emulator-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

describe("mfa-evict emulator", () => {
  test("writes the env file once listening, serves Graph, and exits 0 on SIGTERM", async () => {
    const tenantFile = path.join(dir, "tenant.json");
    const envFile = path.join(dir, "emulator.env");
    writeFileSync(tenantFile, JSON.stringify(tinyTenant()));
    const child = spawn(
      process.execPath,
      ["bin/mfa-evict.js", "emulator", "--tenant-file", tenantFile, "--write-env", envFile, "--seed", "1"],
      {
        cwd: repoRoot,
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, MFA_EVICT_EMULATOR_LOG: "debug" },
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 45_000;
    while (!existsSync(envFile) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(envFile), stderr).toBe(true);
    const env = parseEnv(readFileSync(envFile, "utf8"));
    expect(Object.keys(env).sort()).toEqual(
      [
        "AZURE_AUTHORITY_HOST",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_READONLY_CLIENT_ID",
        "AZURE_READONLY_CLIENT_SECRET",
        "AZURE_TENANT_ID",
        "MFA_EVICT_GRAPH_URL",
        "NODE_EXTRA_CA_CERTS",
      ].sort(),
    );
    expect(env.NODE_EXTRA_CA_CERTS).toBe(process.env.NODE_EXTRA_CA_CERTS);
    const token = await fetch(`${env.AZURE_AUTHORITY_HOST}/${env.AZURE_TENANT_ID}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        client_id: env.AZURE_READONLY_CLIENT_ID!,
        client_secret: env.AZURE_READONLY_CLIENT_SECRET!,
        grant_type: "client_credentials",
        scope: "https://graph.microsoft.com/.default",
      }),
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const users = await fetch(`${env.MFA_EVICT_GRAPH_URL}/v1.0/users?$top=1`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(users.status).toBe(200);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // Debug level: one line per request, secrets never in it.
    expect(stderr).toMatch(/\[emulator\] GET \/v1\.0\/users\?\$top=1 -> 200 /);
    expect(stderr).toMatch(/\[emulator\] POST \/[^ ]+\/oauth2\/v2\.0\/token -> 200 /);
    expect(stderr).not.toContain(env.AZURE_READONLY_CLIENT_SECRET);
    expect(stderr).not.toContain(access_token);
  });

  test("bad input exits 2 with the reason", async () => {
    const child = spawn(
      process.execPath,
      ["bin/mfa-evict.js", "emulator", "--fault-rate", "3", "--write-env", path.join(dir, "x.env")],
      {
        cwd: repoRoot,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--fault-rate must be a number from 0 to 1/);
  });
});
