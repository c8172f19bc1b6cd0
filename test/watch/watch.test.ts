import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { Finding } from "../../src/detect/finding.js";
import { openCase } from "../../src/store/index.js";
import { alertOf, alertText } from "../../src/watch/alert.js";
import { WatchLedger } from "../../src/watch/ledger.js";
import { type AlertSink, jsonlSink, stdoutSink, WebhookError, webhookSink } from "../../src/watch/sinks.js";
import { parseInterval, runWatch } from "../../src/watch/watch.js";
import { type Receiver, startReceiver } from "./receiver.js";

function finding(id: string, severity: Finding["severity"] = "high"): Finding {
  return {
    id,
    detectionId: "tool-traces",
    title: "Device registered with attack-tool fingerprints",
    technique: "T1098.005",
    severity,
    score: 80,
    userId: "u-1",
    userPrincipalName: "alice@contoso.com",
    object: { kind: "device", deviceObjectId: `dev-${id}`, label: "DESKTOP-AB12CD34" },
    explanation: "device DESKTOP-AB12CD34 registered from 203.0.113.66",
    evidence: [{ kind: "audit", id: "a-1", summary: "Add device", ipAddress: "203.0.113.66" }],
    recommendedActions: ["disableDevice"],
    privileged: false,
  };
}

let dir: string;
let receiver: Receiver;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "mfa-evict-watch-"));
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  receiver.bodies.length = 0;
  receiver.failures = [];
});

let caseCounter = 0;
const newCasePath = () => path.join(dir, `case-${++caseCounter}.db`);

/** A world whose detections return `current`; each poll runs the next scripted change. */
function world(initial: Finding[], script: ((current: Finding[]) => void)[]) {
  const current = [...initial];
  let polls = 0;
  return {
    current,
    poll: async () => {
      script[polls++]?.(current);
    },
    detect: () => [...current],
    get polls() {
      return polls;
    },
  };
}

function collectingStdout() {
  const lines: string[] = [];
  return { lines, sink: stdoutSink((text) => lines.push(text)) };
}

describe("runWatch", () => {
  test("the case's findings are the baseline; a new finding alerts once on every sink", async () => {
    const store = openCase(newCasePath());
    const out = collectingStdout();
    const jsonl = path.join(dir, "alerts-1.jsonl");
    const w = world(
      [finding("old")],
      [() => undefined, (c) => c.push(finding("new")), () => undefined, () => undefined],
    );
    const summary = await runWatch({
      store,
      poll: w.poll,
      detect: w.detect,
      sinks: [out.sink, jsonlSink(jsonl), webhookSink(receiver.url, { baseDelayMs: 1 })],
      intervalMs: 1,
      signal: new AbortController().signal,
      maxCycles: 4,
    });
    expect(summary).toMatchObject({ cycles: 4, baselineFindings: 1, alerts: 1, failedDeliveries: 0 });
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toContain(
      "[HIGH] Device registered with attack-tool fingerprints — alice@contoso.com",
    );
    const lines = (await readFile(jsonl, "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).alert.id)).toEqual(["new"]);
    expect(receiver.bodies).toEqual([{ text: out.lines[0]?.trim(), mfaEvict: alertOf(finding("new")) }]);
    store.close();
  });

  test("a restart neither repeats alerts nor re-baselines, and delivers what was left pending", async () => {
    const casePath = newCasePath();
    const jsonl = path.join(dir, "alerts-2.jsonl");
    const out = collectingStdout();
    // Run 1: the webhook is down for longer than its retries.
    receiver.failures = Array.from({ length: 4 }, () => ({ status: 503 }));
    let store = openCase(casePath);
    const w = world([], [(c) => c.push(finding("a"))]);
    await runWatch({
      store,
      poll: w.poll,
      detect: w.detect,
      sinks: [out.sink, jsonlSink(jsonl), webhookSink(receiver.url, { attempts: 2, baseDelayMs: 1 })],
      intervalMs: 1,
      signal: new AbortController().signal,
      maxCycles: 1,
    });
    expect(new WatchLedger(store).counts()).toMatchObject({ alerts: 1, delivered: 2, pending: 1 });
    expect(receiver.bodies).toHaveLength(0);
    store.close();

    // Run 2 (restart): the same findings plus a new one; the webhook is back.
    receiver.failures = [];
    store = openCase(casePath);
    const w2 = world([finding("a")], [(c) => c.push(finding("b"))]);
    const summary = await runWatch({
      store,
      poll: w2.poll,
      detect: w2.detect,
      sinks: [out.sink, jsonlSink(jsonl), webhookSink(receiver.url, { baseDelayMs: 1 })],
      intervalMs: 1,
      signal: new AbortController().signal,
      maxCycles: 2,
    });
    expect(summary).toMatchObject({ baselineFindings: 0, alerts: 2 });
    expect(out.lines.map((l) => l.match(/finding (\w+)/)?.[1])).toEqual(["a", "b"]);
    expect(receiver.bodies.map((b) => (b as { mfaEvict: { id: string } }).mfaEvict.id)).toEqual(["a", "b"]);
    const ids = (await readFile(jsonl, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).alert.id);
    expect(ids).toEqual(["a", "b"]);
    expect(new WatchLedger(store).counts()).toMatchObject({ pending: 0, failed: 0, delivered: 6 });
    store.close();
  });

  test("a finding whose id changes (late audit records move its anchor) is not alerted again for the same object", async () => {
    const store = openCase(newCasePath());
    const out = collectingStdout();
    const sameDevice = (id: string): Finding => ({
      ...finding(id),
      object: { kind: "device", deviceObjectId: "dev-rogue" },
    });
    const userFinding = (id: string): Finding => ({
      ...finding(id),
      detectionId: "mfa-fatigue",
      object: { kind: "user" },
    });
    const w = world(
      [],
      [
        (c) => c.push(sameDevice("first-anchor"), userFinding("burst-1")),
        (c) => {
          c.splice(0, c.length, sameDevice("moved-anchor"), userFinding("burst-1"), userFinding("burst-2"));
        },
      ],
    );
    await runWatch({
      store,
      poll: w.poll,
      detect: w.detect,
      sinks: [out.sink],
      intervalMs: 1,
      signal: new AbortController().signal,
      maxCycles: 2,
    });
    // Same device, same detection: once. Two bursts against the account: two alerts.
    expect(out.lines.map((l) => l.match(/finding ([\w-]+)/)?.[1])).toEqual([
      "first-anchor",
      "burst-1",
      "burst-2",
    ]);
    store.close();
  });

  test("a crash after the JSONL append but before recording it does not write the line twice", async () => {
    const jsonl = path.join(dir, "alerts-3.jsonl");
    const alert = alertOf(finding("x"));
    await writeFile(jsonl, `${JSON.stringify({ type: "mfa-evict.alert", alert })}\n{"type":"mfa-evict.al`);
    const sink = jsonlSink(jsonl);
    await sink.deliver(alert);
    await sink.deliver(alertOf(finding("y")));
    const text = await readFile(jsonl, "utf8");
    expect(text.match(/"id":"x"/g)).toHaveLength(1);
    expect(text).toContain('"id":"y"');
  });

  test("a delivery that keeps failing is given up after the attempt limit and reported", async () => {
    const store = openCase(newCasePath());
    const failing: AlertSink = {
      name: "broken",
      deliver: async () => {
        throw new Error("receiver gone");
      },
    };
    const errors: string[] = [];
    const w = world([], [(c) => c.push(finding("z"))]);
    const summary = await runWatch({
      store,
      poll: w.poll,
      detect: w.detect,
      sinks: [failing],
      intervalMs: 1,
      signal: new AbortController().signal,
      maxCycles: 4,
      maxDeliveryAttempts: 3,
      onCycle: (r) => errors.push(...r.deliveryErrors),
    });
    expect(errors).toEqual(["broken: receiver gone", "broken: receiver gone", "broken: receiver gone"]);
    expect(summary.failedDeliveries).toBe(1);
    store.close();
  });

  test("a failing poll is reported and detection still runs on the case", async () => {
    const store = openCase(newCasePath());
    const reports: (string | undefined)[] = [];
    const out = collectingStdout();
    const current: Finding[] = [];
    await runWatch({
      store,
      poll: async () => {
        current.push(finding("during-outage"));
        throw new Error("Graph unreachable");
      },
      detect: () => [...current],
      sinks: [out.sink],
      intervalMs: 1,
      signal: new AbortController().signal,
      maxCycles: 1,
      onCycle: (r) => reports.push(r.pollError),
    });
    expect(reports).toEqual(["Graph unreachable"]);
    expect(out.lines).toHaveLength(1);
    store.close();
  });

  test("aborting (SIGTERM) ends the wait at once and returns", async () => {
    const store = openCase(newCasePath());
    const controller = new AbortController();
    const started = Date.now();
    const running = runWatch({
      store,
      poll: async () => undefined,
      detect: () => [],
      sinks: [],
      intervalMs: 60_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const summary = await running;
    expect(summary.cycles).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    store.close();
  });
});

describe("webhook sink", () => {
  test("retries 5xx and 429 (honouring Retry-After) and then delivers once", async () => {
    receiver.failures = [{ status: 503 }, { status: 429, retryAfter: "0" }];
    await webhookSink(receiver.url, { baseDelayMs: 1 }).deliver(alertOf(finding("r")));
    expect(receiver.bodies).toHaveLength(1);
    expect(receiver.failures).toEqual([]);
  });

  test("gives up on a client error without retrying, and never shows the secret path", async () => {
    receiver.failures = [{ status: 404 }, { status: 404 }];
    const error = await webhookSink(receiver.url, { baseDelayMs: 1 })
      .deliver(alertOf(finding("s")))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookError);
    expect(String(error)).toContain("HTTP 404");
    expect(String(error)).not.toContain("secret-path");
    expect(receiver.failures).toHaveLength(1);
  });

  test("rejects non-http URLs", () => {
    expect(() => webhookSink("file:///etc/passwd")).toThrow(WebhookError);
  });
});

describe("alert text and intervals", () => {
  test("alert text names severity, title, user, technique and finding id", () => {
    const text = alertText(alertOf({ ...finding("t"), privileged: true }));
    expect(text).toBe(
      "[HIGH] Device registered with attack-tool fingerprints — alice@contoso.com privileged: device DESKTOP-AB12CD34 registered from 203.0.113.66 (T1098.005; finding t)",
    );
  });

  test("parseInterval", () => {
    expect(parseInterval("5m")).toBe(300_000);
    expect(parseInterval("30s")).toBe(30_000);
    expect(parseInterval("1h")).toBe(3_600_000);
    expect(() => parseInterval("5 minutes")).toThrow(/30s, 5m or 1h/);
  });
});
