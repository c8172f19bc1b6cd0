import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type RunningConsole, startConsole } from "../../src/web/server.js";
import { FakeBackend } from "./fake-backend.js";

let backend: FakeBackend;
let server: RunningConsole;

beforeEach(async () => {
  backend = new FakeBackend();
  server = await startConsole({ backend });
});
afterEach(() => server.close());

const auth = () => ({ authorization: `Bearer ${server.token}` });
const form = (fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const item of [v].flat()) body.append(k, item);
  return {
    method: "POST",
    body,
    headers: { ...auth(), "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual" as const,
  };
};

describe("triage console", () => {
  test("refuses every request without the token, and with a wrong one", async () => {
    expect((await fetch(`${server.url}/`)).status).toBe(401);
    expect((await fetch(`${server.url}/findings/f-high`)).status).toBe(401);
    expect((await fetch(`${server.url}/`, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
    expect((await fetch(`${server.url}/plans`, { method: "POST" })).status).toBe(401);
  });

  test("trades the URL token for an HttpOnly SameSite cookie and strips it from the address", async () => {
    const res = await fetch(server.loginUrl, { redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${server.url}/`, { headers: { cookie: cookie.split(";")[0]! } });
    expect(page.status).toBe(200);
  });

  test("answers only on its loopback host name (DNS rebinding) and refuses cross-origin writes", async () => {
    const { request } = await import("undici");
    const rebinding = await request(`${server.url}/`, { headers: { ...auth(), host: "evil.example:80" } });
    expect(rebinding.statusCode).toBe(421);
    await rebinding.body.dump();
    const csrf = await fetch(`${server.url}/findings/f-high/triage`, {
      ...form({ verdict: "falsePositive" }),
      headers: { ...form({}).headers, origin: "http://evil.example" },
    });
    expect(csrf.status).toBe(403);
    expect(backend.triage).toEqual([]);
  });

  test("lists findings sorted by severity, filters them, and escapes tenant data", async () => {
    const all = await (await fetch(`${server.url}/`, { headers: auth() })).text();
    expect(all.indexOf("f-high")).toBeLessThan(all.indexOf("f-low"));
    expect(all).not.toMatch(/<script>document/);
    expect(all).not.toMatch(/<img/);
    expect(all).toContain("o&#39;brien@contoso.com");
    const high = await (await fetch(`${server.url}/?minSeverity=high`, { headers: auth() })).text();
    expect(high).toContain("f-high");
    expect(high).not.toContain("f-low");
    expect(high).toContain("1 of 2 finding(s)");
  });

  test("stores a triage verdict with its reason", async () => {
    const res = await fetch(
      `${server.url}/findings/f-high/triage`,
      form({ verdict: "falsePositive", reason: "user travelling" }),
    );
    expect(res.status).toBe(303);
    expect(backend.triage).toMatchObject([
      { findingId: "f-high", verdict: "falsePositive", reason: "user travelling" },
    ]);
    const bad = await fetch(`${server.url}/findings/f-high/triage`, form({ verdict: "maybe" }));
    expect(bad.status).toBe(400);
  });

  test("builds a plan from selected findings and applies it only after the typed confirmation matches", async () => {
    const created = await fetch(`${server.url}/plans`, form({ finding: ["f-high", "f-low"] }));
    expect(created.status).toBe(303);
    const location = created.headers.get("location")!;
    const plan = await (await fetch(`${server.url}${location}`, { headers: auth() })).text();
    expect(plan).toContain("PATCH /v1.0/users/u1");
    expect(plan).toContain("Nothing has been written to the tenant.");

    const wrong = await fetch(`${server.url}${location}/apply`, form({ confirm: "ana@contoso.com" }));
    expect(wrong.status).toBe(400);
    expect(backend.applied).toEqual([]);

    const right = await fetch(
      `${server.url}${location}/apply`,
      form({ confirm: "o'brien@contoso.com, ana@contoso.com" }),
    );
    expect(right.status).toBe(200);
    expect(await right.text()).toContain("2 user(s) evicted and verified");
    expect(backend.applied).toEqual(["plan-1"]);
  });

  test("sends a strict content security policy with every page", async () => {
    const res = await fetch(`${server.url}/`, { headers: auth() });
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
  });
});

describe("user pages", () => {
  test("search users and show one user's inventory and findings, escaped", async () => {
    const list = await (await fetch(`${server.url}/users?text=brien`, { headers: auth() })).text();
    expect(list).toContain('href="/users/u1"');
    expect(list).not.toContain("ana@contoso.com");
    const page = await (await fetch(`${server.url}/users/u1`, { headers: auth() })).text();
    expect(page).not.toMatch(/<script>document|<img/);
    expect(page).toContain('href="/findings/f-high"');
    expect((await fetch(`${server.url}/users/nobody`, { headers: auth() })).status).toBe(404);
  });
});
