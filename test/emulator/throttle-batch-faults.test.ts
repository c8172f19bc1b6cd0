import { afterEach, describe, expect, test } from "vitest";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { graphAs, tokenFor } from "../support/emulator-client.js";
import { DEVICES, RESPONDER, tinyTenant, USERS } from "../support/emulator-tenant.js";

/** Throttling with the documented limits, $batch rules, and seeded latency/faults. */

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function start(options: EmulatorOptions = {}) {
  const emu = await startEmulator({ tenant: tinyTenant(), auditDelayMs: 0, ...options });
  running.push(emu);
  return { emu, graph: graphAs(emu, await tokenFor(emu, RESPONDER.appId, RESPONDER.secret)) };
}

describe("throttling (on by default)", () => {
  test("audit logs: 5 requests per 10 s, then 429 with Retry-After", async () => {
    const { graph } = await start();
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof graph>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await graph("GET", "/v1.0/auditLogs/directoryAudits");
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const retryAfter = Number(last!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(last!.body.error.code).toBe("TooManyRequests");
    // Sign-ins share the same reports bucket.
    expect((await graph("GET", "/v1.0/auditLogs/signIns")).status).toBe(429);
  });

  test("Conditional Access: 1 request per second, 429 without Retry-After", async () => {
    const { graph } = await start();
    expect((await graph("GET", "/v1.0/identity/conditionalAccess/policies")).status).toBe(200);
    const second = await graph("GET", "/v1.0/identity/conditionalAccess/namedLocations");
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBeNull();
  });

  test("directory routes report their resource-unit cost", async () => {
    const { graph } = await start();
    expect((await graph("GET", "/v1.0/users")).headers.get("x-ms-resource-unit")).toBe("2");
    expect((await graph("GET", "/v1.0/users?$select=id")).headers.get("x-ms-resource-unit")).toBe("1");
    expect(
      (await graph("GET", "/v1.0/devices?$expand=registeredOwners")).headers.get("x-ms-resource-unit"),
    ).toBe("2");
  });

  test("resource units run out at the configured quota with scope and information headers", async () => {
    const { graph } = await start({ throttle: { resourceUnitsPer10s: 6 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await graph("GET", "/v1.0/users")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const r = await graph("GET", "/v1.0/users");
    expect(r.headers.get("x-ms-throttle-information")).toBe("ResourceUnitLimitExceeded");
    expect(r.headers.get("x-ms-throttle-scope")).toMatch(/^Tenant_Application\/ReadWrite\//);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  test("device writes: 25 per 10 s per user", async () => {
    const { graph } = await start();
    const statuses: number[] = [];
    for (let i = 0; i < 26; i++) {
      statuses.push(
        (await graph("PATCH", `/v1.0/devices/${DEVICES.bobLaptop}`, { accountEnabled: i % 2 === 0 })).status,
      );
    }
    expect(statuses.slice(0, 25).every((s) => s === 204)).toBe(true);
    expect(statuses[25]).toBe(429);
  });

  test("per-user method reads count against the reports limit only when switched on", async () => {
    const off = await start();
    for (let i = 0; i < 7; i++)
      expect((await off.graph("GET", `/v1.0/users/${USERS.bob}/authentication/methods`)).status).toBe(200);
    const on = await start({ behaviour: { methodReadsCountAsReports: true } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await on.graph("GET", `/v1.0/users/${USERS.bob}/authentication/methods`)).status);
    expect(statuses.at(-1)).toBe(429);
  });

  test("throttle: false turns every limit off", async () => {
    const { graph } = await start({ throttle: false });
    for (let i = 0; i < 8; i++)
      expect((await graph("GET", "/v1.0/auditLogs/directoryAudits")).status).toBe(200);
  });
});

describe("$batch", () => {
  const item = (id: string, url: string, extra: Record<string, unknown> = {}) => ({
    id,
    method: "GET",
    url,
    ...extra,
  });

  test("items are dispatched in-process with their own status, headers and body", async () => {
    const { graph } = await start({ throttle: false });
    const r = await graph("POST", "/v1.0/$batch", {
      requests: [
        item("1", `/users/${USERS.bob}/authentication/methods`),
        item("2", "/users/nobody@contoso.test"),
      ],
    });
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.responses.map((x: { id: string }) => [x.id, x]));
    expect(byId["1"].status).toBe(200);
    expect(byId["1"].body.value.length).toBeGreaterThan(3);
    expect(byId["1"].headers["x-ms-resource-unit"]).toBe("1");
    expect(byId["2"].status).toBe(404);
    expect(byId["2"].body.error.code).toBe("Request_ResourceNotFound");
  });

  test("more than 20 requests, duplicate ids, or a body without Content-Type are a 400", async () => {
    const { graph } = await start({ throttle: false });
    const many = Array.from({ length: 21 }, (_, i) => item(String(i), "/users"));
    expect((await graph("POST", "/v1.0/$batch", { requests: many })).status).toBe(400);
    expect(
      (await graph("POST", "/v1.0/$batch", { requests: [item("a", "/users"), item("A", "/users")] })).status,
    ).toBe(400);
    const noType = {
      id: "1",
      method: "PATCH",
      url: `/devices/${DEVICES.bobLaptop}`,
      body: { accountEnabled: false },
    };
    expect((await graph("POST", "/v1.0/$batch", { requests: [noType] })).status).toBe(400);
  });

  test("dependsOn runs in order and fails dependents of a failed request with 424", async () => {
    const { graph } = await start({ throttle: false });
    const r = await graph("POST", "/v1.0/$batch", {
      requests: [
        item("1", "/users/nobody@contoso.test"),
        item("2", `/users/${USERS.bob}`, { dependsOn: ["1"] }),
      ],
    });
    const byId = Object.fromEntries(
      r.body.responses.map((x: { id: string; status: number }) => [x.id, x.status]),
    );
    expect(byId).toEqual({ "1": 404, "2": 424 });
  });

  test("items are throttled one by one: the sixth audit read inside a batch is a 429 with its own Retry-After", async () => {
    const { graph } = await start();
    const requests = Array.from({ length: 6 }, (_, i) =>
      item(String(i + 1), "/auditLogs/directoryAudits?$top=1"),
    );
    const r = await graph("POST", "/v1.0/$batch", { requests });
    expect(r.status).toBe(200);
    const throttled = r.body.responses.filter((x: { status: number }) => x.status === 429);
    expect(throttled).toHaveLength(1);
    expect(Number(throttled[0].headers["Retry-After"])).toBeGreaterThan(0);
  });

  test("the throttled-item status is switchable to 424", async () => {
    const { graph } = await start({ behaviour: { batchThrottledItemStatus: 424 } });
    const requests = Array.from({ length: 6 }, (_, i) => item(String(i + 1), "/auditLogs/signIns?$top=1"));
    const r = await graph("POST", "/v1.0/$batch", { requests });
    expect(r.body.responses.map((x: { status: number }) => x.status).sort()).toEqual([
      200, 200, 200, 200, 200, 424,
    ]);
  });
});

describe("latency and faults", () => {
  async function outcomes(seed: number): Promise<string[]> {
    const { graph } = await start({ throttle: false, faultRate: 0.4, seed, latencyMs: 1 });
    const out: string[] = [];
    for (let i = 0; i < 24; i++) {
      try {
        const r = await graph("GET", `/v1.0/users/${USERS.bob}?$select=id`);
        out.push(String(r.status));
      } catch {
        out.push("reset");
      }
    }
    return out;
  }

  test("the same seed gives the same faults; faults include 5xx and resets", async () => {
    const a = await outcomes(7);
    const b = await outcomes(7);
    expect(a).toEqual(b);
    expect(a.filter((s) => s === "200").length).toBeGreaterThan(5);
    expect(a.some((s) => /^50[0234]$/.test(s) || s === "reset")).toBe(true);
  });
});

describe("faults on writes: before or after processing", () => {
  /** Sets a new password a number of times; per attempt, whether the answer was lost and whether the password took. */
  async function rotations(options: EmulatorOptions) {
    const { emu, graph } = await start({
      throttle: false,
      faultRate: 1,
      faultMethods: ["PATCH"],
      seed: 3,
      ...options,
    });
    const out: { failed: boolean; applied: boolean }[] = [];
    for (let i = 0; i < 12; i++) {
      const password = `Fault-${i}-Aa1!pass`;
      let failed: boolean;
      try {
        const r = await graph("PATCH", `/v1.0/users/${USERS.bob}`, {
          passwordProfile: { password, forceChangePasswordNextSignIn: true },
        });
        failed = r.status >= 500;
      } catch {
        failed = true; // reset
      }
      out.push({ failed, applied: emu.state.passwordMatches(USERS.bob, password) });
    }
    // Only PATCH is faulted here: reads are answered.
    expect((await graph("GET", `/v1.0/users/${USERS.bob}?$select=id`)).status).toBe(200);
    return out;
  }

  test("by default a faulted write is refused unprocessed", async () => {
    const out = await rotations({});
    expect(out.some((o) => o.failed)).toBe(true);
    for (const o of out) expect(o.applied).toBe(!o.failed);
  });

  test("afterProcessing: the write is committed and only its answer (5xx or reset) is lost", async () => {
    const out = await rotations({ writeFaultTiming: "afterProcessing" });
    expect(out.filter((o) => o.failed).length).toBeGreaterThan(5);
    expect(out.every((o) => o.applied)).toBe(true);
  });

  test("a TAP's code is remembered for tests, and only the current TAP's code matches", async () => {
    const { emu, graph } = await start({ throttle: false });
    const path = `/v1.0/users/${USERS.bob}/authentication/temporaryAccessPassMethods`;
    const first = await graph("POST", path, { lifetimeInMinutes: 60, isUsableOnce: true });
    expect(emu.state.tapCodeMatches(USERS.bob, first.body.temporaryAccessPass)).toBe(true);
    const second = await graph("POST", path, { lifetimeInMinutes: 60, isUsableOnce: true });
    expect(emu.state.tapCodeMatches(USERS.bob, second.body.temporaryAccessPass)).toBe(true);
    expect(emu.state.tapCodeMatches(USERS.bob, first.body.temporaryAccessPass)).toBe(false);
  });
});
