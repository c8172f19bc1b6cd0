import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { collectCase } from "../../src/collect/index.js";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { generateTenant } from "../../src/emulator/tenant/generator.js";
import { createGraphClient, credentialFromEnvironment, type GraphConnector } from "../../src/graph/index.js";
import { type CaseStore, openCase } from "../../src/store/index.js";
import { caseDetector, collectPoll, watchSince } from "../../src/watch/case-watch.js";
import { WatchLedger } from "../../src/watch/ledger.js";
import { jsonlSink, webhookSink } from "../../src/watch/sinks.js";
import { type CycleReport, runWatch } from "../../src/watch/watch.js";
import { type Receiver, startReceiver } from "./receiver.js";

/**
 * The attacker comes back after eviction, against the emulator through the real connector and
 * collection: watch alerts within one interval, exactly once, through a local webhook receiver,
 * and a restart in the middle (with a delivery still pending) loses and duplicates nothing.
 */

const INTERVAL_MS = 1_500;
const NOW = new Date(Date.now() - 6 * 3_600_000);
const ATTACKER = { ipAddress: "185.156.73.54", location: { city: "Bucharest", countryOrRegion: "RO" } };

let emu: RunningEmulator;
let client: GraphConnector;
let receiver: Receiver;
let dir: string;
let casePath: string;
let victim: string;

beforeAll(async () => {
  emu = await startEmulator({
    tenant: generateTenant({ users: 15, days: 3, seed: "watch-tests", now: NOW }),
    throttle: false,
    auditDelayMs: 0,
  });
  client = createGraphClient({
    env: emu.env,
    credential: credentialFromEnvironment(emu.env),
    budgets: { reports: { capacity: 60, windowMs: 10_000 }, protection: { capacity: 20, windowMs: 1_000 } },
    backoff: { baseMs: 20, maxMs: 500 },
  });
  receiver = await startReceiver();
  dir = mkdtempSync(path.join(tmpdir(), "mfa-evict-watch-emu-"));
  casePath = path.join(dir, "case.db");
  // The responder's case after eviction: everything collected once.
  const store = openCase(casePath);
  await collectCase({ client, store, since: new Date(NOW.getTime() - 4 * 86_400_000) });
  const users = [...emu.state.users.values()];
  victim =
    users.find((u) => u.accountEnabled !== false && !/admin|break/i.test(u.userPrincipalName))?.id ??
    users[0]!.id;
  store.close();
});

afterAll(async () => {
  await receiver?.close();
  await client?.close();
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs watch on the case in the background; resolves cycles as they finish. */
function startWatch(store: CaseStore, options: { webhookAttempts?: number } = {}) {
  const controller = new AbortController();
  const cycles: (CycleReport & { finishedAt: number })[] = [];
  const since = watchSince(new WatchLedger(store), new Date());
  const done = runWatch({
    store,
    poll: collectPoll(client, store, since),
    detect: caseDetector(store),
    sinks: [
      webhookSink(receiver.url, { attempts: options.webhookAttempts ?? 3, baseDelayMs: 10 }),
      jsonlSink(path.join(dir, "alerts.jsonl")),
    ],
    intervalMs: INTERVAL_MS,
    signal: controller.signal,
    onCycle: (report) => cycles.push({ ...report, finishedAt: Date.now() }),
  });
  const cyclesAfter = async (count: number) => {
    const target = cycles.length + count;
    while (cycles.length < target) await sleep(50);
    return cycles.slice(target - count);
  };
  return { cycles, cyclesAfter, stop: () => controller.abort(), done };
}

const alertIds = () =>
  receiver.bodies.map((b) => (b as { mfaEvict: { id: string; detectionId: string } }).mfaEvict);

describe("watch against the emulator", () => {
  test("a device re-registered by the attacker alerts within one interval, exactly once; a restart with a pending delivery loses and repeats nothing", async () => {
    let store = openCase(casePath);
    let watch = startWatch(store);
    await watch.cyclesAfter(1);
    expect(alertIds()).toEqual([]); // the case's own findings are the baseline

    // The attacker comes back: registers a device with ROADtools' defaults.
    const registeredAt = Date.now();
    emu.actions.registerDevice({
      ...ATTACKER,
      userId: victim,
      displayName: "DESKTOP-7QX2M4KD",
      operatingSystem: "Windows",
      operatingSystemVersion: "10.0.19041.928",
    });
    while (alertIds().length === 0 && Date.now() - registeredAt < 30_000) await sleep(20);
    const elapsed = Date.now() - registeredAt;
    // Let the cycle that found it finish its deliveries.
    while (!watch.cycles.some((c) => c.newAlerts.length > 0)) await sleep(20);
    const cycleTimes = watch.cycles.map((c, i, all) => (i ? c.finishedAt - all[i - 1]!.finishedAt : 0));
    // Within one interval: the next cycle after the registration (plus that cycle's own run time).
    expect(elapsed).toBeLessThan(INTERVAL_MS + 2 * Math.max(1_000, ...cycleTimes));
    const deviceAlerts = alertIds();
    expect(deviceAlerts.map((a) => a.id)).toEqual(watch.cycles.flatMap((c) => c.newAlerts));
    expect(deviceAlerts.map((a) => a.detectionId)).toContain("tool-traces");

    // Two more cycles: nothing repeats.
    await watch.cyclesAfter(2);
    expect(alertIds()).toEqual(deviceAlerts);

    // The attacker re-registers an Authenticator while the webhook is down; watch is stopped
    // (SIGTERM) with that delivery still pending.
    receiver.failures = Array.from({ length: 1_000 }, () => ({ status: 503 }));
    emu.actions.registerMethod({
      ...ATTACKER,
      userId: victim,
      method: {
        "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        displayName: "SM-A546B",
        deviceTag: "SoftwareTokenActivated",
        phoneAppVersion: "6.2404.2444",
      },
      makeDefault: true,
    });
    let pendingCycle: CycleReport | undefined;
    while (!pendingCycle) {
      const [report] = await watch.cyclesAfter(1);
      if (report && report.newAlerts.length > 0) pendingCycle = report;
    }
    expect(pendingCycle.deliveryErrors.some((e) => e.startsWith("webhook:"))).toBe(true);
    watch.stop();
    await watch.done;
    const beforeRestart = alertIds().length;
    expect(beforeRestart).toBe(deviceAlerts.length);
    expect(new WatchLedger(store).counts().pending).toBeGreaterThan(0);
    store.close();

    // Restart: the pending alerts are delivered once, the earlier ones are not repeated.
    receiver.failures = [];
    store = openCase(casePath);
    watch = startWatch(store);
    await watch.cyclesAfter(2);
    watch.stop();
    await watch.done;
    const all = alertIds();
    expect(all.length).toBe(deviceAlerts.length + pendingCycle.newAlerts.length);
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    expect(all.slice(deviceAlerts.length).map((a) => a.id)).toEqual(pendingCycle.newAlerts);
    expect(new WatchLedger(store).counts()).toMatchObject({ pending: 0, failed: 0 });
    // The JSONL file holds each alert once as well.
    const lines = readFileSync(path.join(dir, "alerts.jsonl"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).alert.id).sort()).toEqual(all.map((a) => a.id).sort());
    store.close();
  });

  test("the CLI stops cleanly on SIGTERM, with its summary and exit code 0", async () => {
    const repoRoot = path.resolve(import.meta.dirname, "../..");
    const child = spawn(
      process.execPath,
      [
        "bin/mfa-evict.js",
        "watch",
        "--case",
        casePath,
        "--interval",
        "10s",
        "--jsonl",
        path.join(dir, "cli.jsonl"),
      ],
      { cwd: repoRoot, env: { ...process.env, ...emu.env, AZURE_READONLY_CLIENT_SECRET: "" } },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Once it says it is watching, its SIGTERM handler is in place; let a cycle start too.
    for (let waited = 0; !stderr.includes("watching") && waited < 30_000; waited += 50) await sleep(50);
    await sleep(1_000);
    child.kill("SIGTERM");
    const code = await Promise.race([exited, sleep(20_000).then(() => "timeout" as const)]);
    if (code === "timeout") child.kill("SIGKILL");
    expect(code).toBe(0);
    expect(stderr).toMatch(/stopped after \d+ cycle\(s\)/);
    expect(stderr).not.toContain(emu.env.AZURE_CLIENT_SECRET ?? "no-secret");
  });

  test("the CLI refuses an interval shorter than the reports budget allows", async () => {
    const repoRoot = path.resolve(import.meta.dirname, "../..");
    const child = spawn(
      process.execPath,
      ["bin/mfa-evict.js", "watch", "--case", casePath, "--interval", "2s"],
      {
        cwd: repoRoot,
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain("--interval must be at least 10s");
  });
});
