import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import {
  createGraphClient,
  type GraphConnector,
  GraphError,
  GraphOutcomeUnknownError,
  GraphRetriesExhaustedError,
} from "../../src/graph/index.js";
import { fakeCredential, json, type StubGraph, type StubHandler, startStubGraph } from "./stub-graph.js";

const FAST_BACKOFF = { baseMs: 5, maxMs: 40 };
const ROOMY = {
  directory: { capacity: 100_000, windowMs: 1_000 },
  reports: { capacity: 100_000, windowMs: 1_000 },
  protection: { capacity: 100_000, windowMs: 1_000 },
};

let stub: StubGraph | undefined;
let client: GraphConnector | undefined;

afterEach(async () => {
  await client?.close();
  await stub?.close();
  client = undefined;
  stub = undefined;
});

async function setup(handler: StubHandler, options: Parameters<typeof createGraphClient>[0] = {}) {
  stub = await startStubGraph(handler);
  client = createGraphClient({
    graphUrl: stub.url,
    credential: fakeCredential(["User.Read.All", "AuditLog.Read.All"]),
    backoff: FAST_BACKOFF,
    budgets: ROOMY,
    ...options,
  });
  return { stub, client };
}

/** Answers the first request with a 429 and `headers` (Retry-After…), every later one with `status` and `body`. */
function throttledOnce(headers: Record<string, string>, status: number, body: unknown): StubHandler {
  let calls = 0;
  return (_req, res) => {
    calls++;
    if (calls === 1)
      json(res, 429, { error: { code: "TooManyRequests", message: "Please retry again later." } }, headers);
    else json(res, status, body);
  };
}

describe("createGraphClient", () => {
  it("sends the bearer token and encodes query values, keeping $-names", async () => {
    const { stub, client } = await setup((_req, res) => json(res, 200, { value: [] }));
    await client.request({
      method: "GET",
      path: "/users",
      query: { $filter: "userPrincipalName eq 'o''brien@x.com'", $select: "id,userPrincipalName" },
    });
    const sent = stub.requests[0]!;
    expect(sent.url).toBe(
      "/v1.0/users?$filter=userPrincipalName%20eq%20%27o%27%27brien%40x.com%27&$select=id%2CuserPrincipalName",
    );
    expect(sent.headers.authorization).toMatch(/^Bearer eyJ/);
    expect(new URL(sent.url, "http://x").searchParams.get("$filter")).toBe(
      "userPrincipalName eq 'o''brien@x.com'",
    );
  });

  it("follows @odata.nextLink across pages and can resume from a saved link", async () => {
    const { client } = await setup((req, res) => {
      const page = Number(req.url.searchParams.get("page") ?? "0");
      const next = page < 2 ? `${stub!.url}/v1.0/users?page=${page + 1}` : undefined;
      json(res, 200, { value: [{ id: `u${page}` }], ...(next ? { "@odata.nextLink": next } : {}) });
    });
    const seen: string[] = [];
    for await (const items of client.pages<{ id: string }>({ method: "GET", path: "/users" })) {
      seen.push(...items.map((item) => item.id));
    }
    expect(seen).toEqual(["u0", "u1", "u2"]);
    const resumed: string[] = [];
    for await (const page of client.pageStream<{ id: string }>({
      nextLink: `${stub!.url}/v1.0/users?page=2`,
    })) {
      resumed.push(...page.items.map((item) => item.id));
    }
    expect(resumed).toEqual(["u2"]);
  });

  it("refuses to send the token to a nextLink on another host", async () => {
    const { client } = await setup((_req, res) =>
      json(res, 200, { value: [], "@odata.nextLink": "https://evil.example/v1.0/users?x=1" }),
    );
    const consume = async () => {
      for await (const _ of client.pages({ method: "GET", path: "/users" })) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow(/refusing to follow a link to https:\/\/evil.example/);
  });

  it("waits as long as Retry-After says after a 429", async () => {
    const { stub, client } = await setup(throttledOnce({ "retry-after": "0.3" }, 200, { ok: true }));
    const response = await client.request({ method: "GET", path: "/auditLogs/directoryAudits" });
    expect(response.body).toEqual({ ok: true });
    expect(stub.requests[1]!.at - stub.requests[0]!.at).toBeGreaterThanOrEqual(290);
  });

  it("retries 5xx, connection resets and truncated bodies, then succeeds", async () => {
    let calls = 0;
    const { client } = await setup((_req, res) => {
      calls++;
      if (calls === 1) json(res, 503, { error: { code: "serviceNotAvailable", message: "busy" } });
      else if (calls === 2) res.socket?.destroy();
      else if (calls === 3) {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"value": [');
        res.socket?.destroy();
      } else json(res, 200, { done: true });
    });
    const response = await client.request({ method: "GET", path: "/devices" });
    expect(response.body).toEqual({ done: true });
    expect(calls).toBe(4);
  });

  it("stops at the retry cap with an error that says so", async () => {
    const { stub, client } = await setup(
      (_req, res) => json(res, 503, { error: { code: "serviceNotAvailable", message: "still busy" } }),
      {
        maxRetries: 2,
      },
    );
    const failure = await client
      .request({ method: "GET", path: "/devices" })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GraphRetriesExhaustedError);
    expect((failure as Error).message).toBe(
      "GET /devices: 503 serviceNotAvailable: gave up after 3 attempts (the retry cap); last answer: still busy",
    );
    expect(stub.requests).toHaveLength(3);
  });

  it("does not retry a permanent error and keeps Graph's code", async () => {
    const { stub, client } = await setup((_req, res) =>
      json(res, 403, {
        error: {
          code: "Authorization_RequestDenied",
          message: "Insufficient privileges to complete the operation.",
        },
      }),
    );
    const failure = (await client
      .request({ method: "DELETE", path: "/devices/d1" })
      .catch((error: unknown) => error)) as GraphError;
    expect(failure).toBeInstanceOf(GraphError);
    expect(failure.status).toBe(403);
    expect(failure.code).toBe("Authorization_RequestDenied");
    expect(stub.requests).toHaveLength(1);
  });

  it("renews the token once on 401", async () => {
    const credential = fakeCredential();
    let calls = 0;
    const { client } = await setup(
      (_req, res) => {
        calls++;
        if (calls === 1)
          json(res, 401, { error: { code: "InvalidAuthenticationToken", message: "expired" } });
        else json(res, 200, {});
      },
      { credential },
    );
    await client.request({ method: "GET", path: "/users/u1" });
    expect(credential.calls).toBe(2);
  });

  it("reads the granted application permissions from the token", async () => {
    const { client } = await setup((_req, res) => json(res, 200, {}));
    expect(await client.grantedRoles()).toEqual(["User.Read.All", "AuditLog.Read.All"]);
    expect(await client.identity()).toMatchObject({ tenantId: "tenant-1", appId: "app-1" });
  });
});

describe("$batch", () => {
  it("splits into envelopes of 20, returns results in input order, retries throttled items only", async () => {
    const throttledOnce = new Set<string>();
    const { stub, client } = await setup((req, res) => {
      const { requests } = JSON.parse(req.body) as { requests: { id: string; url: string }[] };
      json(res, 200, {
        responses: requests.reverse().map((item) => {
          const n = Number(item.url.split("/")[2]);
          if (n % 7 === 3 && !throttledOnce.has(item.url)) {
            throttledOnce.add(item.url);
            return {
              id: item.id,
              status: 429,
              headers: { "Retry-After": "0.05" },
              body: { error: { code: "TooManyRequests", message: "slow down" } },
            };
          }
          if (n === 44)
            return {
              id: item.id,
              status: 404,
              body: { error: { code: "Request_ResourceNotFound", message: "gone" } },
            };
          return { id: item.id, status: 200, body: { n } };
        }),
      });
    });
    const requests = Array.from({ length: 45 }, (_, n) => ({
      method: "GET" as const,
      path: `/users/${n}/authentication/methods`,
    }));
    const results = await client.batch<{ n: number }>(requests);
    const firstRound = stub.requests
      .slice(0, 3)
      .map((r) => (JSON.parse(r.body) as { requests: unknown[] }).requests.length);
    expect(firstRound.sort((a, b) => b - a)).toEqual([20, 20, 5]);
    expect(stub.requests.every((r) => r.url === "/v1.0/$batch")).toBe(true);
    for (let n = 0; n < 44; n++) expect(results[n]).toMatchObject({ status: 200, body: { n } });
    expect(results[44]).toBeInstanceOf(GraphError);
    expect((results[44] as GraphError).code).toBe("Request_ResourceNotFound");
    // 7 throttled items (3, 10, 17, 24, 31, 38) were re-sent, and only they.
    const resent = stub.requests
      .slice(3)
      .flatMap((r) => (JSON.parse(r.body) as { requests: { url: string }[] }).requests);
    expect(resent.map((item) => item.url).sort()).toEqual([...throttledOnce].sort());
  });
});

describe("writes whose outcome is unknown", () => {
  const PASSWORD = "Xq7!never-in-errors";
  const rotate = {
    method: "PATCH" as const,
    path: "/users/u1",
    body: { passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: true } },
  };
  const issueTap = {
    method: "POST" as const,
    path: "/users/u1/authentication/temporaryAccessPassMethods",
    body: { lifetimeInMinutes: 60, isUsableOnce: true },
  };

  async function failure(promise: Promise<unknown>): Promise<GraphError> {
    return (await promise.then(
      () => {
        throw new Error("expected a failure");
      },
      (error: unknown) => error,
    )) as GraphError;
  }

  it.each([500, 502, 503, 504])("does not repeat a PATCH or a POST after %i", async (status) => {
    const { stub, client } = await setup((_req, res) =>
      json(
        res,
        status,
        { error: { code: `http${status}`, message: "upstream trouble" } },
        { "retry-after": "0" },
      ),
    );
    for (const request of [rotate, issueTap]) {
      const error = await failure(client.request(request));
      expect(error).toBeInstanceOf(GraphOutcomeUnknownError);
      expect(error.status).toBe(status);
      expect(error.request).toEqual({ method: request.method, path: request.path });
      expect(error.message).toMatch(new RegExp(`^${request.method} ${request.path}: ${status} `));
      expect(error.message).not.toContain(PASSWORD);
    }
    expect(stub.requests.map((r) => r.method)).toEqual(["PATCH", "POST"]);
  });

  it("does not repeat a write after a connection reset, a truncated answer or a timeout", async () => {
    let calls = 0;
    const { stub, client } = await setup(
      (_req, res) => {
        calls++;
        if (calls === 1) res.socket?.destroy();
        else if (calls === 2) {
          res.writeHead(201, { "content-type": "application/json", "content-length": "100" });
          res.write('{"id": "tap-1", "temporaryAccessPass": "');
          res.socket?.destroy();
        }
        // Third: never answers (the client's timeout fires).
      },
      { timeoutMs: 300 },
    );
    const reset = await failure(client.request(rotate));
    expect(reset).toBeInstanceOf(GraphOutcomeUnknownError);
    expect(reset.status).toBe(0);
    expect(reset.message).not.toContain(PASSWORD);
    expect(await failure(client.request(issueTap))).toBeInstanceOf(GraphOutcomeUnknownError);
    const timeout = await failure(client.request(issueTap));
    expect(timeout).toBeInstanceOf(GraphOutcomeUnknownError);
    expect(timeout.code).toBe("UND_ERR_HEADERS_TIMEOUT");
    expect(stub.requests).toHaveLength(3);
  });

  it("repeats a write that Graph throttled (429: rejected before processing)", async () => {
    const { stub, client } = await setup(
      throttledOnce({ "retry-after": "0.05", "x-ms-throttle-information": "WriteLimitExceeded" }, 201, {
        id: "tap-1",
      }),
    );
    const created = await client.request(issueTap);
    expect(created.body).toEqual({ id: "tap-1" });
    expect(stub.requests.map((r) => r.method)).toEqual(["POST", "POST"]);
  });

  it("repeats a write that never reached the service (connection refused)", async () => {
    const { stub } = await setup((_req, res) => json(res, 200, {}));
    const closedUrl = stub.url;
    await stub.close();
    const unreachable = createGraphClient({
      graphUrl: closedUrl,
      credential: fakeCredential(),
      backoff: FAST_BACKOFF,
      budgets: ROOMY,
      maxRetries: 2,
    });
    try {
      const error = await failure(unreachable.request(rotate));
      expect(error).toBeInstanceOf(GraphRetriesExhaustedError);
      expect(error.code).toBe("ECONNREFUSED");
      expect((error as GraphRetriesExhaustedError).attempts).toBe(3);
    } finally {
      await unreachable.close();
    }
  });

  it("repeats a DELETE (idempotent: a repeat after a delete that landed answers 404)", async () => {
    let calls = 0;
    const { stub, client } = await setup((_req, res) => {
      calls++;
      if (calls === 1) json(res, 504, { error: { code: "GatewayTimeout", message: "slow" } });
      else json(res, 404, { error: { code: "Request_ResourceNotFound", message: "gone" } });
    });
    const error = await failure(client.request({ method: "DELETE", path: "/devices/d1" }));
    expect(error).not.toBeInstanceOf(GraphOutcomeUnknownError);
    expect(error.status).toBe(404);
    expect(stub.requests).toHaveLength(2);
  });

  it("$batch: an envelope of reads is retried; a write item that failed transiently is not", async () => {
    let envelopes = 0;
    let throttled = false;
    const { stub, client } = await setup((req, res) => {
      envelopes++;
      const { requests } = JSON.parse(req.body) as { requests: { id: string; method: string }[] };
      if (requests.every((item) => item.method === "GET") && envelopes === 1) {
        json(res, 504, { error: { code: "GatewayTimeout", message: "slow" } });
        return;
      }
      json(res, 200, {
        responses: requests.map((item) => {
          if (item.method === "GET") return { id: item.id, status: 200, body: { read: item.id } };
          if (item.method === "POST" && !throttled) {
            throttled = true;
            return { id: item.id, status: 429, headers: { "Retry-After": "0.01" }, body: {} };
          }
          return {
            id: item.id,
            status: 502,
            body: { error: { code: "BadGateway", message: "lost" } },
          };
        }),
      });
    });
    const reads = await client.batch([
      { method: "GET", path: "/users/a" },
      { method: "GET", path: "/users/b" },
    ]);
    expect(reads.map((r) => (r as { status: number }).status)).toEqual([200, 200]);
    const writes = await client.batch([
      { method: "POST", path: "/users/a/revokeSignInSessions" },
      { method: "PATCH", path: "/devices/d1", body: { accountEnabled: false } },
    ]);
    expect(writes[0]).toBeInstanceOf(GraphOutcomeUnknownError);
    expect(writes[1]).toBeInstanceOf(GraphOutcomeUnknownError);
    expect((writes[1] as GraphError).request).toEqual({ method: "PATCH", path: "/devices/d1" });
    // Envelopes: the reads twice (504, then 200); the writes once, then the throttled item alone.
    const sent = stub.requests.map((r) =>
      (JSON.parse(r.body) as { requests: { method: string }[] }).requests.map((i) => i.method).join(","),
    );
    expect(sent).toEqual(["GET,GET", "GET,GET", "POST,PATCH", "POST"]);
  });
});

describe("budgets", () => {
  it("keeps the reports bucket at its limit: never more than N requests in any window", async () => {
    const { stub, client } = await setup((_req, res) => json(res, 200, { value: [] }), {
      budgets: { ...ROOMY, reports: { capacity: 2, windowMs: 300 } },
    });
    await Promise.all(
      Array.from({ length: 6 }, () => client.request({ method: "GET", path: "/auditLogs/signIns" })),
    );
    const times = stub.requests.map((r) => r.at).sort((a, b) => a - b);
    for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 2]!).toBeGreaterThanOrEqual(300);
    // …and not far beneath it: 6 requests at 2 per 300 ms take about two windows.
    expect(times.at(-1)! - times[0]!).toBeLessThan(900);
  });
});

describe("tracing", () => {
  it("logs requests at debug level with tokens, secrets and TAP codes redacted", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: "debug" }, sink);
    const { client } = await setup(
      (req, res) => {
        if (req.method === "POST") {
          json(res, 400, {
            error: { code: "badRequest", message: "temporaryAccessPass: +drkzqAD rejected" },
          });
        } else json(res, 200, {});
      },
      { logger },
    );
    await client
      .request({
        method: "POST",
        path: "/users/u1/authentication/temporaryAccessPassMethods",
        body: { temporaryAccessPass: "+drkzqAD", passwordProfile: { password: "S3cret!pass" } },
      })
      .catch(() => undefined);
    const text = lines.join("");
    expect(text).toContain("temporaryAccessPassMethods");
    expect(text).not.toContain("+drkzqAD");
    expect(text).not.toContain("S3cret!pass");
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});
