/**
 * Eviction benchmark: 1,000 users, each with one rogue Authenticator and one rogue Windows device
 * (and a benign Authenticator, so no TAP), evicted against the emulator at Graph's documented
 * throttling limits with 50 ms latency. Compares the wall time of `apply` with the minimum the
 * limits allow for the same requests.
 *
 * The bound: Graph's write quota is a token bucket of 3,000 writes refilled over 150 s per app and
 * tenant (the emulator enforces exactly that), so N writes need at least (N − 3,000) / 20 s; reads
 * draw on the directory bucket (8,000 resource units per 10 s for a large tenant), R units need at
 * least (R − 8,000) / 800 s; whichever is larger, plus one user's chain of sequential calls.
 *
 *   npx tsx bench/evict.ts [--users N] [--latency-ms M] [--concurrency C]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Finding } from "../src/detect/finding.js";
import { startEmulator } from "../src/emulator/index.js";
import type { TenantDocument } from "../src/emulator/tenant/schema.js";
import { defaultCaDir, ensureCa } from "../src/emulator/tls.js";
import { applyPlan } from "../src/evict/executor.js";
import { buildPlan } from "../src/evict/planner.js";
import { EvictStore } from "../src/evict/store.js";
import {
  createGraphClient,
  credentialFromEnvironment,
  type GraphClient,
  type GraphRequest,
  resourceUnits,
} from "../src/graph/index.js";
import { FIXED_METHOD_IDS } from "../src/graph/types.js";
import { Journal } from "../src/journal/journal.js";
import { openCase } from "../src/store/index.js";
import type { CaseSnapshot } from "../src/store/snapshot.js";
import { tinyTenant } from "../test/support/emulator-tenant.js";

export interface EvictBenchOptions {
  users?: number;
  latencyMs?: number;
  concurrency?: number;
}

export interface EvictBenchResult {
  users: number;
  writes: number;
  readUnits: number;
  wallMs: number;
  boundMs: number;
  /** boundMs / wallMs: 1 is the limit itself (goal ≥ 0.8). */
  efficiency: number;
  /**
   * The bound if the write quota were a sliding window ("3,000 in any 150 s", what the connector's
   * budget enforces) instead of a token bucket: whole windows of writes.
   */
  windowBoundMs: number;
  done: number;
  failed: number;
}

const WRITE_CAPACITY = 3_000;
const WRITE_WINDOW_MS = 150_000;
const RU_CAPACITY = 8_000;
const RU_WINDOW_MS = 10_000;

function benchTenant(users: number): { tenant: TenantDocument; findings: Finding[] } {
  const tenant = tinyTenant({ fillerUsers: 0 });
  const findings: Finding[] = [];
  for (let i = 0; i < users; i++) {
    const n = String(i).padStart(6, "0");
    const userId = `b0000000-0000-4000-8000-000000${n}`;
    const rogue = `b1000000-0000-4000-8000-000000${n}`;
    const deviceId = `b2000000-0000-4000-8000-000000${n}`;
    tenant.users.push({
      id: userId,
      userPrincipalName: `bench${n}@contoso.test`,
      displayName: `Bench ${n}`,
      accountEnabled: true,
      userType: "Member",
    });
    tenant.methods.push(
      {
        userId,
        method: {
          "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
          id: FIXED_METHOD_IDS.password,
          password: null,
        },
      },
      {
        userId,
        isDefault: true,
        method: {
          "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
          id: `b3000000-0000-4000-8000-000000${n}`,
          displayName: "Own phone",
        },
      },
      {
        userId,
        method: {
          "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
          id: rogue,
          displayName: "Attacker phone",
        },
      },
    );
    tenant.devices.push({
      id: deviceId,
      deviceId: `b4000000-0000-4000-8000-000000${n}`,
      displayName: `DESKTOP-${n}`,
      operatingSystem: "Windows",
      operatingSystemVersion: "10.0.19041.928",
      trustType: "Workplace",
      accountEnabled: true,
      ownerIds: [userId],
      userIds: [userId],
    });
    const base = {
      detectionId: "bench",
      title: "rogue",
      technique: "T1098.005" as const,
      severity: "high" as const,
      score: 90,
      userId,
      explanation: "bench",
      evidence: [],
      privileged: false,
    };
    findings.push(
      {
        ...base,
        id: `m-${n}`,
        object: {
          kind: "method",
          methodId: rogue,
          odataType: "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        },
        recommendedActions: ["deleteMethod"],
      },
      {
        ...base,
        id: `d-${n}`,
        object: { kind: "device", deviceObjectId: deviceId },
        recommendedActions: ["disableDevice", "deleteDevice"],
      },
    );
  }
  return { tenant, findings };
}

function snapshotOf(tenant: TenantDocument): CaseSnapshot {
  const methods = new Map<string, never[]>();
  for (const { userId, method } of tenant.methods) {
    const list = methods.get(userId) ?? [];
    list.push(method as never);
    methods.set(userId, list);
  }
  return {
    missing: new Set(),
    users: tenant.users,
    methods,
    registrationDetails: [],
    devices: tenant.devices,
    groups: [],
    groupMembers: new Map(),
    roleDefinitions: tenant.roleDefinitions,
    roleAssignments: tenant.roleAssignments,
    audits: [],
    signIns: [],
    riskyUsers: [],
    riskDetections: [],
    conditionalAccessPolicies: [],
    namedLocations: [],
    authenticationStrengthPolicies: [],
    ...(tenant.authenticationMethodsPolicy
      ? { authenticationMethodsPolicy: tenant.authenticationMethodsPolicy }
      : {}),
  };
}

/** Counts what the executor asks of Graph: writes, and read resource units as Graph prices them. */
function counting(inner: GraphClient, counts: { writes: number; readUnits: number }): GraphClient {
  const count = (request: GraphRequest) => {
    if (request.method === "GET") counts.readUnits += resourceUnits(request);
    else counts.writes += 1;
  };
  return {
    request(request) {
      count(request);
      return inner.request(request);
    },
    async *pages<T>(request: GraphRequest): AsyncIterable<T[]> {
      for await (const page of inner.pages<T>(request)) {
        count(request);
        yield page;
      }
    },
    batch(requests) {
      for (const r of requests) count(r);
      return inner.batch(requests);
    },
    grantedRoles: () => inner.grantedRoles(),
  };
}

/** Runs in a process that trusts the emulator's CA (see `runEvictBench`). */
async function measure(options: EvictBenchOptions): Promise<EvictBenchResult> {
  const users = options.users ?? 1_000;
  const latencyMs = options.latencyMs ?? 50;
  const { tenant, findings } = benchTenant(users);
  const emulator = await startEmulator({ tenant, latencyMs, seed: 1, auditDelayMs: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mfa-evict-bench-"));
  const store = openCase(path.join(dir, "case.sqlite"));
  const connector = createGraphClient({
    env: emulator.env,
    credential: credentialFromEnvironment(emulator.env),
  });
  try {
    connector.budgets.setTenantSize("L");
    const plan = buildPlan({
      id: "bench",
      now: new Date(),
      snapshot: snapshotOf(tenant),
      findings,
      app: null,
    });
    const counts = { writes: 0, readUnits: 0 };
    const graph = counting(connector, counts);
    const started = Date.now();
    const summary = await applyPlan({
      plan,
      graph,
      journal: new Journal(store),
      store: new EvictStore(store),
      concurrency: options.concurrency ?? 64,
    });
    const wallMs = Date.now() - started;
    const writeBound = (Math.max(0, counts.writes - WRITE_CAPACITY) * WRITE_WINDOW_MS) / WRITE_CAPACITY;
    const readBound = (Math.max(0, counts.readUnits - RU_CAPACITY) * RU_WINDOW_MS) / RU_CAPACITY;
    const chainMs = (plan.users[0]?.steps.length ?? 0) * 3 * latencyMs;
    const boundMs = Math.max(writeBound, readBound) + chainMs;
    const windowBoundMs =
      Math.floor(Math.max(0, counts.writes - 1) / WRITE_CAPACITY) * WRITE_WINDOW_MS + chainMs;
    return {
      users,
      writes: counts.writes,
      readUnits: counts.readUnits,
      wallMs,
      boundMs: Math.round(boundMs),
      efficiency: boundMs / wallMs,
      windowBoundMs: Math.round(windowBoundMs),
      done: summary.counts.done,
      failed: summary.counts.failed,
    };
  } finally {
    await connector.close();
    store.close();
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const self = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(self), "..");

/**
 * Runs the benchmark in a child process started with NODE_EXTRA_CA_CERTS set to the emulator's CA
 * (Node reads it only at start-up), and returns its figures.
 */
export async function runEvictBench(options: EvictBenchOptions = {}): Promise<EvictBenchResult> {
  const caPath = await ensureCa(defaultCaDir());
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", self, "--child", JSON.stringify(options)], {
      cwd: repoRoot,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath, MFA_EVICT_EMULATOR_CA_DIR: defaultCaDir() },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`benchmark child exited with ${code}: ${stdout}`));
      else resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as EvictBenchResult);
    });
  });
}

function flag(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

if (process.argv[1] === self) {
  const childAt = process.argv.indexOf("--child");
  if (childAt >= 0) {
    process.stdout.write(
      `${JSON.stringify(await measure(JSON.parse(process.argv[childAt + 1]!) as EvictBenchOptions))}\n`,
    );
  } else {
    const result = await runEvictBench({
      ...(flag("--users") ? { users: flag("--users")! } : {}),
      ...(flag("--latency-ms") !== undefined ? { latencyMs: flag("--latency-ms")! } : {}),
      ...(flag("--concurrency") ? { concurrency: flag("--concurrency")! } : {}),
    });
    process.stdout.write(
      `evict: ${result.users} users, ${result.writes} writes, ${result.readUnits} read RU: ${(result.wallMs / 1000).toFixed(1)} s ` +
        `vs throttle-bound minimum ${(result.boundMs / 1000).toFixed(1)} s → efficiency ${result.efficiency.toFixed(2)} (goal ≥ 0.8); ` +
        `(sliding-window reading of the quota: ${(result.windowBoundMs / 1000).toFixed(1)} s → ${(result.windowBoundMs / result.wallMs).toFixed(2)}); ` +
        `${result.done} done, ${result.failed} failed\n`,
    );
  }
}
