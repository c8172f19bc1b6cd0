/**
 * Emulator throughput (issue #3): simple authenticated GETs per second with throttling off, and
 * p50/p99 latency, measured from a separate client process (undici, keep-alive) so client and
 * server each get a core. Target: ≥ 5,000 GETs/s, so the emulator is never the bottleneck of the
 * client benchmarks.
 *
 *   npx tsx bench/emulator.ts [--seconds N] [--connections N]
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { startEmulator } from "../src/emulator/index.js";
import { loadTlsMaterial } from "../src/emulator/tls.js";

export interface EmulatorBenchResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  connections: number;
  /** Server CPU time per request (user + system), measured in the emulator's process. */
  serverCpuMicrosPerRequest: number;
  /** 1 s / server CPU per request: what one free core sustains, independent of machine load. */
  capacityPerCore: number;
  /**
   * The same client against a bare Node HTTPS server answering a fixed body, measured just after:
   * the machine's ceiling right now, so the emulator's figure can be read on a loaded machine.
   */
  bareHttps: { requestsPerSecond: number; serverCpuMicrosPerRequest: number };
}

interface WorkerInput {
  origin: string;
  path: string;
  token: string;
  caPath: string;
  seconds: number;
  connections: number;
}

const self = fileURLToPath(import.meta.url);

/** Starts an emulator (throttling off), drives it from a child process, returns the figures. */
export async function benchEmulator(
  options: { seconds?: number; connections?: number } = {},
): Promise<EmulatorBenchResult> {
  const emu = await startEmulator({ users: 1_000, days: 1, seed: "bench", throttle: false, auditDelayMs: 0 });
  try {
    // The parent may not trust the CA from start-up, so the token request names it explicitly.
    const pool = new Pool(emu.graphUrl, { connect: { ca: readFileSync(emu.env.NODE_EXTRA_CA_CERTS!) } });
    const tokenResponse = await pool.request({
      path: `/${emu.tenantId}/oauth2/v2.0/token`,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: emu.env.AZURE_CLIENT_ID!,
        client_secret: emu.env.AZURE_CLIENT_SECRET!,
        grant_type: "client_credentials",
        scope: "https://graph.microsoft.com/.default",
      }).toString(),
    });
    const { access_token: token } = (await tokenResponse.body.json()) as { access_token: string };
    await pool.close();
    const input: WorkerInput = {
      origin: emu.graphUrl,
      path: `/v1.0/users/${[...emu.state.users.keys()][500]}`,
      token,
      caPath: emu.env.NODE_EXTRA_CA_CERTS!,
      seconds: options.seconds ?? 5,
      connections: options.connections ?? 16,
    };
    // Warm up first: the server's JIT (Node's HTTP/TLS paths and the emulator's) would otherwise
    // count against whichever server is measured first.
    await runWorker({ ...input, seconds: Math.min(2, input.seconds) });
    const measured = await measure(input);
    const bareHttps = await measureBareHttps(
      input,
      JSON.stringify((await emulatorBody(emu.graphUrl, input)) ?? {}),
    );
    return { ...measured, bareHttps };
  } finally {
    await emu.close();
  }
}

/** Runs the worker against `input` and adds the server-side CPU cost (this process serves). */
async function measure(input: WorkerInput): Promise<Omit<EmulatorBenchResult, "bareHttps">> {
  const cpuBefore = process.cpuUsage();
  const result = await runWorker(input);
  const cpu = process.cpuUsage(cpuBefore);
  const perRequest = (cpu.user + cpu.system) / Math.max(1, result.requests + result.errors);
  return {
    ...result,
    serverCpuMicrosPerRequest: Math.round(perRequest),
    capacityPerCore: Math.round(1e6 / perRequest),
  };
}

/** One emulator answer, so the bare server sends a body of the same size. */
async function emulatorBody(origin: string, input: WorkerInput): Promise<unknown> {
  const pool = new Pool(origin, { connect: { ca: readFileSync(input.caPath) } });
  const response = await pool.request({
    path: input.path,
    method: "GET",
    headers: { authorization: `Bearer ${input.token}` },
  });
  const body = await response.body.json();
  await pool.close();
  return body;
}

async function measureBareHttps(input: WorkerInput, body: string): Promise<EmulatorBenchResult["bareHttps"]> {
  const tls = await loadTlsMaterial(path.dirname(input.caPath));
  const server = createServer({ key: tls.key, cert: tls.cert }, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  try {
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const result = await measure({ ...input, origin });
    return {
      requestsPerSecond: result.requestsPerSecond,
      serverCpuMicrosPerRequest: result.serverCpuMicrosPerRequest,
    };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

type WorkerResult = Omit<EmulatorBenchResult, "serverCpuMicrosPerRequest" | "capacityPerCore" | "bareHttps">;

function runWorker(input: WorkerInput): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", self, "--worker"], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`bench worker exited with ${code}`));
      else resolve(JSON.parse(out) as WorkerResult);
    });
    child.stdin.end(JSON.stringify(input));
  });
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** The client side: `connections` concurrent keep-alive request loops for `seconds`. */
async function worker(input: WorkerInput): Promise<WorkerResult> {
  const pool = new Pool(input.origin, {
    connections: input.connections,
    pipelining: 1,
    connect: { ca: readFileSync(input.caPath) },
  });
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + input.seconds * 1000;
  const headers = { authorization: `Bearer ${input.token}` };
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const response = await pool.request({ origin: input.origin, path: input.path, method: "GET", headers });
      await response.body.text();
      if (response.statusCode === 200) latencies.push(performance.now() - t0);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: input.connections }, loop));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    seconds: Number(seconds.toFixed(2)),
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: Number(percentile(sorted, 50).toFixed(2)),
    p99Ms: Number(percentile(sorted, 99).toFixed(2)),
    errors,
    connections: input.connections,
  };
}

export function markdownRow(r: EmulatorBenchResult): string {
  return `| emulator: simple GETs, throttling off (${r.connections} keep-alive connections) | ${r.requestsPerSecond.toLocaleString("en-US")} GETs/s | p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms | server CPU ${r.serverCpuMicrosPerRequest} µs/request ≈ ${r.capacityPerCore.toLocaleString("en-US")} GETs/s per free core; bare Node HTTPS at the same moment ${r.bareHttps.requestsPerSecond.toLocaleString("en-US")}/s, ${r.bareHttps.serverCpuMicrosPerRequest} µs/request | target ≥ 5,000 GETs/s |`;
}

async function main(): Promise<void> {
  if (process.argv.includes("--worker")) {
    let text = "";
    for await (const chunk of process.stdin) text += chunk;
    process.stdout.write(JSON.stringify(await worker(JSON.parse(text) as WorkerInput)));
    return;
  }
  const { values } = parseArgs({ options: { seconds: { type: "string" }, connections: { type: "string" } } });
  const result = await benchEmulator({
    seconds: values.seconds ? Number(values.seconds) : undefined,
    connections: values.connections ? Number(values.connections) : undefined,
  });
  process.stdout.write(
    `emulator: ${result.requests} GETs in ${result.seconds} s = ${result.requestsPerSecond} GETs/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, errors ${result.errors}; server CPU ${result.serverCpuMicrosPerRequest} µs/request (≈ ${result.capacityPerCore} GETs/s per free core); bare Node HTTPS now: ${result.bareHttps.requestsPerSecond} req/s, ${result.bareHttps.serverCpuMicrosPerRequest} µs/request\n${markdownRow(result)}\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
