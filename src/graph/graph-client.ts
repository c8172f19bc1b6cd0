import type { TokenCredential } from "@azure/identity";
import type { Logger } from "pino";
import { Agent, type Dispatcher, request as undiciRequest } from "undici";
import { log as productLog } from "../shared/log.js";
import { redactText, redactValue } from "../shared/redact.js";
import {
  addCharges,
  type BudgetLimits,
  type BudgetName,
  chargeFor,
  GraphBudgets,
  parseLimits,
  type RequestCharge,
  scopeOf,
  type TenantSize,
} from "./budgets.js";
import {
  type GraphClient,
  GraphError,
  type GraphMethod,
  type GraphRequest,
  type GraphResponse,
  type GraphVersion,
} from "./client.js";
import { type CredentialEnvironment, credentialFromEnvironment } from "./credential.js";
import {
  errorDetail,
  GraphOutcomeUnknownError,
  GraphRetriesExhaustedError,
  graphErrorFrom,
} from "./errors.js";
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF, delay, parseRetryAfter } from "./retry-timing.js";
import { type TokenIdentity, TokenSource } from "./token-source.js";

export const DEFAULT_GRAPH_URL = "https://graph.microsoft.com";
/** Graph's `$batch` limit. */
export const MAX_BATCH_SIZE = 20;

/** One page of a collection, with the link that continues it (for checkpoints). */
export interface Page<T> {
  items: T[];
  nextLink?: string;
  deltaLink?: string;
}

/** The GraphClient contract plus what collection and diagnostics need. */
export interface GraphConnector extends GraphClient {
  readonly graphUrl: string;
  readonly budgets: GraphBudgets;
  /** Like `pages`, but yields each page with its `@odata.nextLink`, and can resume from a saved one. */
  pageStream<T = unknown>(start: GraphRequest | { nextLink: string }): AsyncIterable<Page<T>>;
  /** Tenant, app id and granted application permissions of the current token. */
  identity(): Promise<TokenIdentity>;
  /** Closes the keep-alive connections. */
  close(): Promise<void>;
}

export interface GraphClientOptions {
  /** Graph root, e.g. `https://graph.microsoft.com`; default `MFA_EVICT_GRAPH_URL`, else the public cloud. */
  graphUrl?: string;
  /** Default: `credentialFromEnvironment(env)`. */
  credential?: TokenCredential;
  /** Where defaults come from; default `process.env`. */
  env?: CredentialEnvironment;
  /**
   * Override documented limits (tests, benchmarks), or pass a shared GraphBudgets; default: the
   * documented limits, with `MFA_EVICT_GRAPH_LIMITS` overrides (see `parseLimits`).
   */
  budgets?: Partial<BudgetLimits> | GraphBudgets;
  /** Directory budget size class until `budgets.setTenantSize` is called; default "S" (the smallest). */
  tenantSize?: TenantSize;
  userAgent?: string;
  logger?: Logger;
  /** Retries after the first attempt for throttling and transient failures; default 8. */
  maxRetries?: number;
  backoff?: BackoffPolicy;
  /** Per-request timeout for headers and for body inactivity; default 60 s (Graph's own limit). */
  timeoutMs?: number;
  /** Items per `$batch` (≤ 20). */
  batchSize?: number;
  /** `$batch` envelopes in flight at once; the budgets decide the actual rate. */
  batchConcurrency?: number;
  /** Keep-alive connections to Graph. */
  connections?: number;
}

interface Call {
  method: GraphMethod | "POST";
  url: URL;
  /** Below the version root, for budgets and error messages. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  charge: RequestCharge;
  /** Whether a transient failure with an unknown outcome may be retried (see isReplayableMethod). */
  replayable: boolean;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Statuses worth another try: throttling and the transient 5xx family (and 408). */
function isTransientStatus(status: number): boolean {
  return (
    status === 429 || status === 408 || status === 500 || status === 502 || status === 503 || status === 504
  );
}

/*
 * Which failures a request may be repeated after. A read (GET) is repeated after any transient
 * failure. So is DELETE: it is idempotent in effect (RFC 9110 §9.2.2), and the only trace of a
 * repeat after a delete that landed is a 404, which every caller that deletes already treats as
 * "already gone". A POST or PATCH is not: on Graph a 500/502/504, a reset or a timeout can arrive
 * after the workload committed the write, and a repeat would set a second password or replace the
 * Temporary Access Pass just issued. Those are repeated only when Graph certainly did not process
 * them:
 *   - 429: throttling is decided before the request reaches the workload (graph-entra.md §11.1), so
 *     a throttled request was rejected, not processed;
 *   - 401: the token was refused before anything ran;
 *   - a failure to connect (refused, unreachable, connect timeout, DNS): nothing was sent.
 * 503 counts as an unknown outcome even though Graph's error table calls it transient and the SDKs'
 * RetryHandler repeats it (graph-entra.md §1.6, §11.1): "retry later" says nothing about whether
 * this write ran, Graph's front end answers 503 for workloads behind it, and a 503 on a create whose
 * object was nevertheless created has been reported (msgraph-beta-sdk-dotnet issue 522). A needless
 * "unknown" costs the caller one read; a wrong repeat costs a credential nobody knows.
 */

/** Methods whose repeat after an unknown outcome has the same effect as one request. */
function isReplayableMethod(method: GraphMethod): boolean {
  return method === "GET" || method === "DELETE";
}

/** Network errors raised before the request left this process: the service never saw it. */
const NOT_SENT_NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EADDRNOTAVAIL",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** TLS trust failures are configuration, not weather: retrying would only hide them. */
const PERMANENT_NETWORK_CODES =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS_CERT|ERR_INVALID_URL|ENOTFOUND)/;

function networkCode(error: unknown): string {
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } }).code ??
    (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === "string" ? code : "networkError";
}

/**
 * Failures that another attempt cannot fix: TLS trust and DNS problems, a credential that is not
 * configured, and sign-in refusals (4xx from the token endpoint). A token endpoint that is down or
 * throttling (5xx, no status) is weather and is retried like Graph itself.
 */
function isPermanentFailure(error: unknown, code: string): boolean {
  if (PERMANENT_NETWORK_CODES.test(code)) return true;
  const { name, statusCode } = error as { name?: string; statusCode?: number };
  if (name === "CredentialUnavailableError" || name === "AggregateAuthenticationError") return true;
  if (name === "AuthenticationError")
    return statusCode !== undefined && statusCode >= 400 && statusCode < 500 && statusCode !== 429;
  return false;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) out[key.toLowerCase()] = String(value);
  return out;
}

/** `?$select=a,b&$filter=…` with values percent-encoded (RFC 3986) and `$`-names kept readable. */
export function queryString(query: Record<string, string> | undefined): string {
  const entries = Object.entries(query ?? {});
  if (entries.length === 0) return "";
  return `?${entries.map(([key, value]) => `${encodeURIComponent(key).replaceAll("%24", "$")}=${encodeURIComponent(value)}`).join("&")}`;
}

/**
 * Creates the Graph connector: bearer tokens from the credential, undici with keep-alive, budgets
 * that keep every request within Graph's documented limits, `Retry-After` honoured, backoff with
 * jitter for transient failures (a POST or PATCH only when Graph certainly did not process it;
 * otherwise GraphOutcomeUnknownError), a retry cap, `$batch` of 20 with throttled items retried, and
 * request tracing at debug level with secrets redacted.
 */
export function createGraphClient(options: GraphClientOptions = {}): GraphConnector {
  const env = options.env ?? process.env;
  const graphUrl = (options.graphUrl ?? env.MFA_EVICT_GRAPH_URL ?? DEFAULT_GRAPH_URL).replace(/\/+$/, "");
  const origin = new URL(graphUrl).origin;
  const tokens = new TokenSource(options.credential ?? credentialFromEnvironment(env));
  const budgets =
    options.budgets instanceof GraphBudgets
      ? options.budgets
      : new GraphBudgets(
          options.budgets ?? (env.MFA_EVICT_GRAPH_LIMITS ? parseLimits(env.MFA_EVICT_GRAPH_LIMITS) : {}),
        );
  if (options.tenantSize) budgets.setTenantSize(options.tenantSize);
  const logger = options.logger ?? productLog;
  const maxRetries = options.maxRetries ?? 8;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const batchSize = Math.min(MAX_BATCH_SIZE, Math.max(1, options.batchSize ?? MAX_BATCH_SIZE));
  const batchConcurrency = Math.max(1, options.batchConcurrency ?? 8);
  const userAgent = options.userAgent ?? "mfa-evict/0.1";
  const agent: Dispatcher = new Agent({
    connections: options.connections ?? 32,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  function urlFor(version: GraphVersion, path: string, query?: Record<string, string>): URL {
    if (!path.startsWith("/")) throw new RangeError(`Graph path must start with '/': ${path}`);
    return new URL(`${graphUrl}/${version}${path}${queryString(query)}`);
  }

  /** The path below the version root and the query of an absolute Graph URL (a nextLink). */
  function splitGraphUrl(url: URL): { path: string; query: Record<string, string> } {
    if (url.origin !== origin) {
      throw new GraphError(0, "foreignNextLink", `refusing to follow a link to ${url.origin}`, {
        method: "GET",
        path: url.pathname,
      });
    }
    const base = new URL(graphUrl).pathname.replace(/\/+$/, "");
    const below = url.pathname.slice(base.length).replace(/^\/(v1\.0|beta)/, "");
    return { path: below, query: Object.fromEntries(url.searchParams) };
  }

  function trace(event: Record<string, unknown>): void {
    if (logger.isLevelEnabled("debug")) logger.debug(redactValue({ graph: event }) as object);
  }

  /**
   * Sends the call; `onHeaders` runs as soon as the status line and headers are in — Graph counted
   * the request before that, so the budget's window can start there rather than after the body.
   */
  async function transport(call: Call, token: string, onHeaders: () => void): Promise<RawResponse> {
    const response = await undiciRequest(call.url, {
      dispatcher: agent,
      method: call.method,
      headers: {
        ...call.headers,
        authorization: `Bearer ${token}`,
        "user-agent": userAgent,
        accept: "application/json",
        ...(call.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(call.body !== undefined ? { body: call.body } : {}),
    });
    onHeaders();
    const headers = flattenHeaders(response.headers);
    const text = await response.body.text();
    let body: unknown = text;
    if (text.length > 0 && (headers["content-type"] ?? "").includes("json")) {
      // A truncated JSON body (connection cut mid-body) is a transient failure, like a reset.
      body = JSON.parse(text);
    } else if (text.length === 0) {
      body = undefined;
    }
    return { status: response.statusCode, headers, body };
  }

  /**
   * Which budget a 429 says is exhausted: the write quotas when Graph says so
   * (`x-ms-throttle-information: WriteLimitExceeded`), else the path's scope.
   */
  function throttledBudget(charge: RequestCharge, path: string, headers: Record<string, string>): BudgetName {
    const information = headers["x-ms-throttle-information"] ?? "";
    if (/write/i.test(information) && charge.writes) return charge.deviceWrites ? "deviceWrites" : "writes";
    return scopeOf(path);
  }

  /** One call with budgets, retries and tracing; returns the final answer or throws GraphError. */
  async function send(call: Call): Promise<RawResponse> {
    const label = { method: call.method as GraphMethod, path: call.path };
    let last = { status: 0, code: "networkError", message: "no answer" } as {
      status: number;
      code: string;
      message: string;
      requestId?: string;
    };
    let refreshedToken = false;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      const waitStart = Date.now();
      const lease = await budgets.acquire(call.charge);
      const started = Date.now();
      let response: RawResponse;
      // Set once the request is handed to the network: a token failure before that sent nothing.
      let dispatched = false;
      try {
        const token = await tokens.token();
        dispatched = true;
        response = await transport(call, token, () => lease.release());
      } catch (error) {
        lease.release();
        const code = networkCode(error);
        const message = redactText(error instanceof Error ? error.message : String(error));
        if (isPermanentFailure(error, code)) throw new GraphError(0, code, message, label);
        last = { status: 0, code, message };
        if (!call.replayable && dispatched && !NOT_SENT_NETWORK_CODES.has(code)) {
          trace({ ...label, url: call.url.href, attempt, error: code, message, outcome: "unknown" });
          throw new GraphOutcomeUnknownError(last, label);
        }
        const wait = backoffDelay(attempt, backoff);
        trace({ ...label, url: call.url.href, attempt, error: code, message, retryInMs: wait });
        await delay(wait);
        continue;
      }
      lease.release();
      const requestId = response.headers["request-id"];
      trace({
        ...label,
        url: call.url.href,
        attempt,
        status: response.status,
        ms: Date.now() - started,
        budgetWaitMs: started - waitStart,
        requestId,
        ...(call.body !== undefined ? { requestBody: safeJson(call.body) } : {}),
        ...(response.status >= 400 ? { responseBody: response.body } : {}),
      });
      if (response.status < 300) return response;
      if (response.status === 401 && !refreshedToken) {
        refreshedToken = true;
        tokens.invalidate();
        continue;
      }
      const detail = errorDetail(response.status, response.body);
      if (!isTransientStatus(response.status))
        throw graphErrorFrom(response.status, response.body, label, requestId);
      last = { status: response.status, ...detail, ...(requestId ? { requestId } : {}) };
      if (!call.replayable && response.status !== 429) throw new GraphOutcomeUnknownError(last, label);
      const retryAfter = parseRetryAfter(response.headers["retry-after"]);
      let wait = retryAfter ?? backoffDelay(attempt, backoff);
      if (response.status === 429) {
        const budget = throttledBudget(call.charge, call.path, response.headers);
        // Without Retry-After (Identity Protection, CA), wait at least one whole window of that budget.
        if (retryAfter === undefined) wait = Math.max(wait, budgets.limit(budget).windowMs);
        budgets.pause(budget, Date.now() + wait);
      }
      await delay(wait);
    }
    throw new GraphRetriesExhaustedError(maxRetries + 1, last, label);
  }

  function callFor(request: GraphRequest): Call {
    const version = request.version ?? "v1.0";
    return {
      method: request.method,
      url: urlFor(version, request.path, request.query),
      path: request.path,
      headers: lowerKeys(request.headers),
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      charge: chargeFor(request),
      replayable: isReplayableMethod(request.method),
    };
  }

  async function requestOne<T>(request: GraphRequest): Promise<GraphResponse<T>> {
    const response = await send(callFor(request));
    return { status: response.status, headers: response.headers, body: response.body as T };
  }

  async function* pageStream<T>(start: GraphRequest | { nextLink: string }): AsyncIterable<Page<T>> {
    let call: Call;
    if ("nextLink" in start) {
      const url = new URL(start.nextLink);
      const { path, query } = splitGraphUrl(url);
      call = {
        method: "GET",
        url,
        path,
        headers: {},
        charge: chargeFor({ method: "GET", path, query }),
        replayable: true,
      };
    } else {
      if (start.method !== "GET")
        throw new RangeError(`pages() needs a GET, not ${start.method} ${start.path}`);
      call = callFor(start);
    }
    for (;;) {
      const response = await send(call);
      const body = response.body as
        | { value?: T[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string }
        | undefined;
      if (!body || !Array.isArray(body.value)) {
        throw new GraphError(response.status, "notACollection", "the answer has no `value` array", {
          method: "GET",
          path: call.path,
        });
      }
      const nextLink = body["@odata.nextLink"];
      const deltaLink = body["@odata.deltaLink"];
      yield { items: body.value, ...(nextLink ? { nextLink } : {}), ...(deltaLink ? { deltaLink } : {}) };
      if (!nextLink) return;
      const url = new URL(nextLink);
      const { path, query } = splitGraphUrl(url);
      call = { ...call, url, path, charge: chargeFor({ method: "GET", path, query }) };
    }
  }

  async function* pages<T>(request: GraphRequest): AsyncIterable<T[]> {
    for await (const page of pageStream<T>(request)) yield page.items;
  }

  /** One `$batch` envelope of ≤ 20 items of the same version; retries throttled/transient items. */
  async function runBatch<T>(
    version: GraphVersion,
    items: { index: number; request: GraphRequest }[],
    results: (GraphResponse<T> | GraphError)[],
  ): Promise<void> {
    let pending = items;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const body = {
        requests: pending.map(({ index, request }) => ({
          id: String(index),
          method: request.method,
          url: `${request.path}${queryString(request.query)}`,
          ...(request.body !== undefined
            ? {
                body: request.body,
                headers: { "content-type": "application/json", ...lowerKeys(request.headers) },
              }
            : request.headers
              ? { headers: lowerKeys(request.headers) }
              : {}),
        })),
      };
      let envelope: RawResponse;
      try {
        envelope = await send({
          method: "POST",
          url: urlFor(version, "/$batch"),
          path: "/$batch",
          headers: {},
          body: JSON.stringify(body),
          charge: addCharges(pending.map(({ request }) => chargeFor(request))),
          // The envelope is as replayable as its items: an envelope of reads is a read.
          replayable: pending.every(({ request }) => isReplayableMethod(request.method)),
        });
      } catch (error) {
        if (error instanceof GraphOutcomeUnknownError) {
          // Each item may or may not have run: say so per item, under the item's own method and path.
          for (const { index, request } of pending) {
            results[index] = new GraphOutcomeUnknownError(
              {
                status: error.status,
                code: error.code,
                message: "the $batch envelope carrying it failed",
                ...(error.requestId ? { requestId: error.requestId } : {}),
              },
              { method: request.method, path: request.path },
            );
          }
          return;
        }
        const failure =
          error instanceof GraphError
            ? error
            : new GraphError(0, "batchFailed", String(error), { method: "POST", path: "/$batch" });
        for (const { index } of pending) results[index] = failure;
        return;
      }
      const answers = new Map<string, { status: number; headers?: Record<string, string>; body?: unknown }>();
      for (const answer of (envelope.body as { responses?: { id: string; status: number }[] } | undefined)
        ?.responses ?? []) {
        answers.set(String(answer.id), answer);
      }
      const retry: { index: number; request: GraphRequest }[] = [];
      let wait = 0;
      for (const item of pending) {
        const answer = answers.get(String(item.index));
        const label = { method: item.request.method, path: item.request.path };
        if (answer && answer.status < 300) {
          results[item.index] = {
            status: answer.status,
            headers: lowerKeys(answer.headers),
            body: answer.body as T,
          };
          continue;
        }
        const status = answer?.status ?? 0;
        if (answer && !isTransientStatus(status)) {
          results[item.index] = graphErrorFrom(
            status,
            answer.body,
            label,
            lowerKeys(answer.headers)["request-id"],
          );
          continue;
        }
        if (!isReplayableMethod(item.request.method) && status !== 429) {
          // A write item that failed transiently (or got no answer) may have run: not repeated.
          const detail = answer
            ? errorDetail(status, answer.body)
            : { code: "missingBatchItem", message: "no answer for this item" };
          results[item.index] = new GraphOutcomeUnknownError({ status, ...detail }, label);
          continue;
        }
        if (attempt >= maxRetries) {
          const detail = answer
            ? errorDetail(status, answer.body)
            : { code: "missingBatchItem", message: "no answer for this item" };
          results[item.index] = new GraphRetriesExhaustedError(maxRetries + 1, { status, ...detail }, label);
          continue;
        }
        const headers = lowerKeys(answer?.headers);
        const retryAfter = parseRetryAfter(headers["retry-after"]);
        let itemWait = retryAfter ?? backoffDelay(attempt, backoff);
        if (status === 429) {
          const budget = throttledBudget(chargeFor(item.request), item.request.path, headers);
          if (retryAfter === undefined) itemWait = Math.max(itemWait, budgets.limit(budget).windowMs);
          budgets.pause(budget, Date.now() + itemWait);
        }
        wait = Math.max(wait, itemWait);
        retry.push(item);
      }
      if (retry.length > 0)
        trace({ method: "POST", path: "/$batch", retryItems: retry.length, retryInMs: wait });
      pending = retry;
      if (pending.length > 0) await delay(wait);
    }
  }

  async function batch<T>(requests: GraphRequest[]): Promise<(GraphResponse<T> | GraphError)[]> {
    const results = new Array<GraphResponse<T> | GraphError>(requests.length);
    const chunks: { version: GraphVersion; items: { index: number; request: GraphRequest }[] }[] = [];
    const open = new Map<GraphVersion, { index: number; request: GraphRequest }[]>();
    requests.forEach((request, index) => {
      const version = request.version ?? "v1.0";
      let chunk = open.get(version);
      if (!chunk || chunk.length >= batchSize) {
        chunk = [];
        open.set(version, chunk);
        chunks.push({ version, items: chunk });
      }
      chunk.push({ index, request });
    });
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++]!;
        await runBatch(chunk.version, chunk.items, results);
      }
    };
    await Promise.all(Array.from({ length: Math.min(batchConcurrency, chunks.length) }, worker));
    return results;
  }

  return {
    graphUrl,
    budgets,
    request: requestOne,
    pages,
    pageStream,
    batch,
    grantedRoles: async () => (await tokens.identity()).roles,
    identity: () => tokens.identity(),
    close: () => agent.close(),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return "[unparseable body]";
  }
}
