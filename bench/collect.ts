/**
 * Collection benchmark (issue #5): a generated tenant collected at Graph's real throttling limits
 * with 50 ms mean latency, against
 *  (1) the throttle-bound minimum for that tenant — goal: bound / wall ≥ 0.9;
 *  (2) for the inventory phase (users, methods, devices, owners/users of devices), a naive
 *      sequential loop with the official Graph client on the same tenant — goal ≥ 50× faster.
 *
 * How the bound is computed (per throttling scope, from the tenant's record counts and the page
 * sizes the endpoints allow; the scopes are independent, so the bound is the largest of them):
 *  - reports (audit logs, sign-ins, registration report; 5 requests per 10 s, a sliding window):
 *    N = Σ over the streams of ceil(records / 1000), at least one request each; the fastest client
 *    sends 5 at once and 5 more each time 10 s have passed since an earlier 5, so the last request
 *    leaves at floor((N − 1) / 5) × 10 s.
 *  - Identity Protection / Conditional Access (1 request per second per tenant): (N − 1) × 1 s.
 *  - directory resource units (token bucket of C units per 10 s, starting full): max(0, RU − C) / (C / 10 s).
 * Latency, the token request and dependency chains (users before methods) are not counted, so the
 * bound is optimistic and the ratio conservative.
 *
 * The emulator runs in this process; the clients run in a child process, so each gets a core.
 *
 *   npx tsx bench/collect.ts [--users N] [--days D] [--latency-ms M]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ClientSecretCredential } from "@azure/identity";
import { Client } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { type CollectStream, collectCase } from "../src/collect/index.js";
import { startEmulator } from "../src/emulator/index.js";
import { generateTenant } from "../src/emulator/tenant/generator.js";
import type { TenantDocument } from "../src/emulator/tenant/schema.js";
import { loadTlsMaterial } from "../src/emulator/tls.js";
import {
  createGraphClient,
  credentialFromEnvironment,
  DIRECTORY_RESOURCE_UNITS,
  tenantSizeFor,
} from "../src/graph/index.js";
import { openCase } from "../src/store/index.js";

export interface CollectBenchOptions {
  users?: number;
  days?: number;
  latencyMs?: number;
  seed?: string;
}

export interface CollectBenchResult {
  users: number;
  devices: number;
  signIns: number;
  audits: number;
  latencyMs: number;
  /** Full collection, all streams, fresh case. */
  collectSeconds: number;
  boundSeconds: number;
  boundScope: string;
  /** bound / wall: goal ≥ 0.9. */
  boundRatio: number;
  reportsRequests: number;
  inventorySeconds: number;
  naiveInventorySeconds: number;
  /** naive / ours: goal ≥ 50. */
  inventorySpeedup: number;
  failures: number;
}

interface ChildInput {
  env: Record<string, string>;
  since: string;
  latencyMs: number;
}

interface ChildOutput {
  collectSeconds: number;
  inventorySeconds: number;
  naiveInventorySeconds: number;
  naiveRequests: number;
  failures: number;
}

const self = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(self), "..");

const pages = (records: number, size: number) => Math.max(1, Math.ceil(records / size));

/** The throttle-bound minimum (see the header) for collecting `tenant` over [since, until]. */
export function throttleBound(
  tenant: TenantDocument,
  since: Date,
  until: Date,
): { seconds: number; scope: string; reportsRequests: number } {
  const inWindow = (time: string) =>
    Date.parse(time) >= since.getTime() && Date.parse(time) <= until.getTime();
  const signIns = tenant.signIns.filter((s) => inWindow(s.createdDateTime));
  const ofType = (type: string) =>
    signIns.filter((s) => (s.signInEventTypes ?? ["interactiveUser"]).includes(type)).length;
  const reportsRequests =
    pages(tenant.users.length, 1000) +
    pages(tenant.directoryAudits.filter((a) => inWindow(a.activityDateTime)).length, 1000) +
    pages(ofType("interactiveUser"), 1000) +
    pages(ofType("nonInteractiveUser"), 1000) +
    pages(ofType("servicePrincipal"), 1000);
  const reports = Math.floor((reportsRequests - 1) / 5) * 10;
  const protectionRequests =
    pages(tenant.riskyUsers.length, 500) + pages(tenant.riskDetections.length, 500) + 2;
  const protection = protectionRequests - 1;
  const capacity = DIRECTORY_RESOURCE_UNITS[tenantSizeFor(tenant.users.length)];
  const resourceUnits =
    pages(tenant.users.length, 120) + tenant.users.length + 2 * pages(tenant.devices.length, 100) + 2 + 1 + 5;
  const directory = (Math.max(0, resourceUnits - capacity) / capacity) * 10;
  const scopes: [string, number][] = [
    ["reports", reports],
    ["protection", protection],
    ["directory", directory],
  ];
  const [scope, seconds] = scopes.reduce((best, entry) => (entry[1] > best[1] ? entry : best));
  return { seconds, scope, reportsRequests };
}

export async function benchCollect(options: CollectBenchOptions = {}): Promise<CollectBenchResult> {
  const users = options.users ?? 600;
  const days = options.days ?? 20;
  const latencyMs = options.latencyMs ?? 50;
  // The generator writes a few records after its "now"; keep them all in the past.
  const tenantNow = new Date(Date.now() - 12 * 3_600_000);
  const tenant = generateTenant({ users, days, seed: options.seed ?? "bench-collect", now: tenantNow });
  const since = new Date(tenantNow.getTime() - (days + 1) * 86_400_000);
  const tls = await loadTlsMaterial();
  const emulator = await startEmulator({ tenant, latencyMs, seed: 3 });
  try {
    const started = new Date();
    const output = await runChild(
      {
        env: { ...emulator.env, NODE_EXTRA_CA_CERTS: tls.caCertPath },
        since: since.toISOString(),
        latencyMs,
      },
      tls.caCertPath,
    );
    const bound = throttleBound(tenant, since, started);
    return {
      users,
      devices: tenant.devices.length,
      signIns: tenant.signIns.length,
      audits: tenant.directoryAudits.length,
      latencyMs,
      collectSeconds: output.collectSeconds,
      boundSeconds: bound.seconds,
      boundScope: bound.scope,
      boundRatio: bound.seconds / output.collectSeconds,
      reportsRequests: bound.reportsRequests,
      inventorySeconds: output.inventorySeconds,
      naiveInventorySeconds: output.naiveInventorySeconds,
      inventorySpeedup: output.naiveInventorySeconds / output.inventorySeconds,
      failures: output.failures,
    };
  } finally {
    await emulator.close();
  }
}

function runChild(input: ChildInput, caPath: string): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", self, "--child", JSON.stringify(input)], {
      cwd: repoRoot,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0) reject(new Error(`benchmark child exited with ${code}: ${stdout}`));
      else resolve(JSON.parse(line) as ChildOutput);
    });
  });
}

async function timeCollect(
  input: ChildInput,
  only: readonly CollectStream[] | undefined,
  dir: string,
  name: string,
) {
  const client = createGraphClient({ env: input.env, credential: credentialFromEnvironment(input.env) });
  await client.identity(); // the token request is not part of the measurement
  const store = openCase(path.join(dir, name));
  const started = performance.now();
  try {
    const summary = await collectCase({
      client,
      store,
      since: new Date(input.since),
      ...(only ? { only } : {}),
    });
    const failures = summary.outcomes.filter((outcome) => outcome.status === "failed").length;
    return { seconds: (performance.now() - started) / 1000, failures };
  } finally {
    store.close();
    await client.close();
  }
}

/** The naive inventory: the official client, one request at a time, one user/device after another. */
async function naiveInventory(input: ChildInput): Promise<{ seconds: number; requests: number }> {
  const credential = new ClientSecretCredential(
    input.env.AZURE_TENANT_ID!,
    input.env.AZURE_CLIENT_ID!,
    input.env.AZURE_CLIENT_SECRET!,
    {
      authorityHost: input.env.AZURE_AUTHORITY_HOST!,
      disableInstanceDiscovery: true,
    },
  );
  const graphUrl = input.env.MFA_EVICT_GRAPH_URL!;
  const graph = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, {
      scopes: ["https://graph.microsoft.com/.default"],
    }),
    baseUrl: `${graphUrl}/`,
    customHosts: new Set([new URL(graphUrl).hostname]),
  });
  await credential.getToken("https://graph.microsoft.com/.default");
  let requests = 0;
  const all = async (first: string): Promise<{ id: string }[]> => {
    const items: { id: string }[] = [];
    let next: string | undefined = first;
    while (next) {
      const page: { value: { id: string }[]; "@odata.nextLink"?: string } = await graph.api(next).get();
      requests++;
      items.push(...page.value);
      next = page["@odata.nextLink"];
    }
    return items;
  };
  const started = performance.now();
  const users = await all("/users?$select=id,userPrincipalName,accountEnabled,signInActivity");
  for (const user of users) await all(`/users/${user.id}/authentication/methods`);
  const devices = await all("/devices");
  for (const device of devices) {
    await all(`/devices/${device.id}/registeredOwners`);
    await all(`/devices/${device.id}/registeredUsers`);
  }
  return { seconds: (performance.now() - started) / 1000, requests };
}

async function child(input: ChildInput): Promise<ChildOutput> {
  const dir = mkdtempSync(path.join(tmpdir(), "mfa-evict-bench-collect-"));
  try {
    const full = await timeCollect(input, undefined, dir, "full.db");
    const inventory = await timeCollect(input, ["users", "methods", "devices"], dir, "inventory.db");
    const naive = await naiveInventory(input);
    return {
      collectSeconds: full.seconds,
      inventorySeconds: inventory.seconds,
      naiveInventorySeconds: naive.seconds,
      naiveRequests: naive.requests,
      failures: full.failures + inventory.failures,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === self) {
  const { values } = parseArgs({
    options: {
      child: { type: "string" },
      users: { type: "string" },
      days: { type: "string" },
      "latency-ms": { type: "string" },
    },
  });
  if (values.child) {
    process.stdout.write(`${JSON.stringify(await child(JSON.parse(values.child) as ChildInput))}\n`);
  } else {
    const result = await benchCollect({
      ...(values.users ? { users: Number(values.users) } : {}),
      ...(values.days ? { days: Number(values.days) } : {}),
      ...(values["latency-ms"] ? { latencyMs: Number(values["latency-ms"]) } : {}),
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `| collect (${result.users} users, ${result.signIns} sign-ins, ${result.latencyMs} ms latency, real limits) | ` +
        `${result.collectSeconds.toFixed(1)} s vs bound ${result.boundSeconds.toFixed(1)} s (${result.boundScope}): ${result.boundRatio.toFixed(2)} (goal ≥ 0.9) | ` +
        `inventory ${result.inventorySeconds.toFixed(2)} s vs naive ${result.naiveInventorySeconds.toFixed(1)} s: ${result.inventorySpeedup.toFixed(0)}× (goal ≥ 50×) |\n`,
    );
  }
}
