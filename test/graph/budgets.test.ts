import { describe, expect, it } from "vitest";
import { chargeFor, GraphBudgets, resourceUnits, scopeOf, tenantSizeFor } from "../../src/graph/budgets.js";
import { WindowBudget } from "../../src/graph/window-budget.js";

describe("request classification", () => {
  it("puts each path in its Graph throttling scope", () => {
    expect(scopeOf("/auditLogs/signIns")).toBe("reports");
    expect(scopeOf("/reports/authenticationMethods/userRegistrationDetails")).toBe("reports");
    expect(scopeOf("/identityProtection/riskyUsers")).toBe("protection");
    expect(scopeOf("/identity/conditionalAccess/namedLocations")).toBe("protection");
    expect(scopeOf("/policies/authenticationMethodsPolicy")).toBe("directory");
    expect(scopeOf("/users/u1/authentication/methods")).toBe("directory");
  });

  it("prices directory requests in resource units as documented", () => {
    expect(resourceUnits({ method: "GET", path: "/users" })).toBe(2);
    expect(resourceUnits({ method: "GET", path: "/users", query: { $select: "id" } })).toBe(1);
    expect(resourceUnits({ method: "GET", path: "/devices", query: { $expand: "registeredOwners" } })).toBe(
      2,
    );
    expect(resourceUnits({ method: "GET", path: "/groups/g1/transitiveMembers" })).toBe(5);
    expect(
      resourceUnits({ method: "GET", path: "/groups/g1/members", query: { $top: "10", $select: "id" } }),
    ).toBe(1);
    expect(chargeFor({ method: "DELETE", path: "/devices/d1" })).toEqual({
      directory: 1,
      writes: 1,
      deviceWrites: 1,
    });
    expect(chargeFor({ method: "POST", path: "/users/u1/revokeSignInSessions" })).toEqual({
      directory: 1,
      writes: 1,
    });
    expect(chargeFor({ method: "GET", path: "/auditLogs/directoryAudits" })).toEqual({ reports: 1 });
  });

  it("sizes the tenant by its user count", () => {
    expect(tenantSizeFor(10)).toBe("S");
    expect(tenantSizeFor(500)).toBe("M");
    expect(tenantSizeFor(501)).toBe("L");
    const budgets = new GraphBudgets();
    expect(budgets.limit("directory").capacity).toBe(3_500);
    budgets.setTenantSize("L");
    expect(budgets.limit("directory").capacity).toBe(8_000);
  });
});

describe("WindowBudget", () => {
  it("holds units while in flight and for a window after the response", async () => {
    const budget = new WindowBudget("test", { capacity: 2, windowMs: 200 });
    const first = await budget.acquire(1);
    const second = await budget.acquire(1);
    let thirdGranted = 0;
    const third = budget.acquire(1).then((lease) => {
      thirdGranted = Date.now();
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(thirdGranted).toBe(0); // both still in flight
    const released = Date.now();
    first.release();
    second.release();
    (await third).release();
    expect(thirdGranted - released).toBeGreaterThanOrEqual(195);
  });

  it("as a token bucket, refills answered units gradually instead of a window later", async () => {
    // 10 units per 1,000 ms: after a burst of 10, the 11th unit is back 100 ms after the answers,
    // where the window mode would wait the full 1,000 ms.
    const budget = new WindowBudget("writes", { capacity: 10, windowMs: 1_000, refill: "bucket" });
    const burst = await Promise.all(Array.from({ length: 10 }, () => budget.acquire(1)));
    let granted = 0;
    const next = budget.acquire(1).then((lease) => {
      granted = Date.now();
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(granted).toBe(0); // in-flight units refill nothing
    const answered = Date.now();
    for (const lease of burst) lease.release();
    (await next).release();
    expect(granted - answered).toBeGreaterThanOrEqual(90);
    expect(granted - answered).toBeLessThan(600);
    expect(new GraphBudgets().limit("writes").refill).toBe("bucket");
  });

  it("pauses every caller after a 429 until the given time", async () => {
    const budget = new WindowBudget("test", { capacity: 100, windowMs: 1000 });
    budget.pauseUntil(Date.now() + 150);
    const started = Date.now();
    (await budget.acquire(1)).release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
