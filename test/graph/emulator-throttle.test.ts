import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { generateTenant } from "../../src/emulator/tenant/generator.js";
import { type BudgetLimits, createGraphClient, credentialFromEnvironment } from "../../src/graph/index.js";

/**
 * The connector against the emulator's own throttling (documented limits, on by default): with the
 * documented budgets it runs at the limit without a single 429; with budgets set too high it runs
 * into the limit and recovers — including the Conditional Access 429s that carry no Retry-After.
 */

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ tenant: generateTenant({ users: 10, days: 1, seed: "throttle" }) });
});

afterAll(async () => {
  await emulator?.close();
});

async function fireAtConditionalAccess(budgets: Partial<BudgetLimits> | undefined, count: number) {
  const events: { status?: number; at: number }[] = [];
  const logger = pino(
    { level: "debug" },
    new Writable({
      write(chunk, _encoding, done) {
        const graph = (JSON.parse(String(chunk)) as { graph?: { status?: number; path?: string } }).graph;
        if (graph?.path === "/identity/conditionalAccess/policies")
          events.push({ status: graph.status, at: Date.now() });
        done();
      },
    }),
  );
  const client = createGraphClient({
    env: emulator.env,
    credential: credentialFromEnvironment(emulator.env),
    logger,
    ...(budgets ? { budgets } : {}),
  });
  await client.identity();
  try {
    const results = await Promise.all(
      Array.from({ length: count }, () =>
        client.request({ method: "GET", path: "/identity/conditionalAccess/policies" }),
      ),
    );
    return { statuses: results.map((result) => result.status), events };
  } finally {
    await client.close();
  }
}

describe("budgets against the emulator's throttling", () => {
  it("with the documented limits: one Conditional Access request per second, no 429", async () => {
    const started = Date.now();
    const { statuses, events } = await fireAtConditionalAccess(undefined, 4);
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(events.map((event) => event.status)).toEqual([200, 200, 200, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
  });

  it("with budgets set too high: runs into 429s without Retry-After, backs off and still completes", async () => {
    const { statuses, events } = await fireAtConditionalAccess(
      { protection: { capacity: 50, windowMs: 1_000 } },
      4,
    );
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(events.some((event) => event.status === 429)).toBe(true);
  });
});
