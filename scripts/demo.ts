/**
 * `npm run demo`: starts the emulator with the `demo` scenario (or `--scenario NAME`,
 * `--tenant-file FILE`), then — in a child process started with the emulator's env file
 * variables, so NODE_EXTRA_CA_CERTS applies from process start — uses the official
 * @azure/identity ClientSecretCredential and @microsoft/microsoft-graph-client to list a few users
 * with their methods and devices, prints them, and shuts the emulator down.
 *
 * Emulator start/stop live in `withDemoEmulator` so the full pipeline can reuse them.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { RunningEmulator } from "../src/emulator/index.js";
import { serveEmulator } from "../src/emulator/run.js";

export interface DemoEmulator {
  emu: RunningEmulator;
  /** The KEY=VALUE env file the emulator wrote (same as `mfa-evict emulator --write-env`). */
  envFile: string;
}

/** Runs `body` with an emulator for the demo and always shuts it down afterwards. */
export async function withDemoEmulator<T>(
  options: { tenantFile?: string; scenario?: string; seed?: string },
  body: (demo: DemoEmulator) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), "mfa-evict-demo-"));
  const envFile = path.join(dir, "emulator.env");
  const emu = await serveEmulator({
    writeEnv: envFile,
    tenantFile: options.tenantFile,
    scenario: options.tenantFile ? undefined : (options.scenario ?? "demo"),
    seed: options.seed ?? "demo",
  });
  try {
    return await body({ emu, envFile });
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs this file again as the SDK client, with the emulator's variables in its environment. */
function runClient(env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--client"], {
      env: { ...process.env, ...env },
      stdio: "inherit",
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

interface Listed {
  id: string;
  userPrincipalName: string;
  displayName?: string;
}

/** The client side: only official SDKs, configured with authority host, base URL and custom host. */
async function client(): Promise<void> {
  const { ClientSecretCredential } = await import("@azure/identity");
  const { Client } = await import("@microsoft/microsoft-graph-client");
  const { TokenCredentialAuthenticationProvider } = await import(
    "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js"
  );
  const env = process.env;
  const graphUrl = env.MFA_EVICT_GRAPH_URL!;
  const credential = new ClientSecretCredential(
    env.AZURE_TENANT_ID!,
    env.AZURE_CLIENT_ID!,
    env.AZURE_CLIENT_SECRET!,
    {
      authorityHost: env.AZURE_AUTHORITY_HOST,
      disableInstanceDiscovery: true,
    },
  );
  const graph = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, {
      scopes: ["https://graph.microsoft.com/.default"],
    }),
    baseUrl: `${graphUrl}/`,
    customHosts: new Set([new URL(graphUrl).hostname]),
  });
  const users = (await graph.api("/users").select("id,userPrincipalName,displayName").top(5).get()) as {
    value: Listed[];
  };
  for (const user of users.value) {
    const methods = (await graph.api(`/users/${user.id}/authentication/methods`).get()) as {
      value: { "@odata.type": string; displayName?: string; phoneNumber?: string }[];
    };
    const devices = (await graph.api(`/users/${user.id}/registeredDevices`).get()) as {
      value: { displayName?: string; operatingSystem?: string; trustType?: string }[];
    };
    process.stdout.write(`\n${user.displayName ?? ""} <${user.userPrincipalName}>\n`);
    for (const m of methods.value) {
      const kind = m["@odata.type"].replace("#microsoft.graph.", "").replace("AuthenticationMethod", "");
      process.stdout.write(
        `  method  ${kind}${m.displayName ? `  ${m.displayName}` : ""}${m.phoneNumber ? `  ${m.phoneNumber}` : ""}\n`,
      );
    }
    for (const d of devices.value) {
      process.stdout.write(
        `  device  ${d.displayName ?? "?"}  ${d.operatingSystem ?? "?"}  ${d.trustType ?? ""}\n`,
      );
    }
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--client")) {
    await client();
    return;
  }
  const { values } = parseArgs({
    options: { "tenant-file": { type: "string" }, scenario: { type: "string" }, seed: { type: "string" } },
  });
  const code = await withDemoEmulator(
    { tenantFile: values["tenant-file"], scenario: values.scenario, seed: values.seed },
    async ({ emu }) => {
      process.stdout.write(`mfa-evict demo: emulator at ${emu.graphUrl}, tenant ${emu.tenantId}\n`);
      return runClient(emu.env);
    },
  );
  process.exitCode = code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
