import { badRequest } from "../http/errors.js";
import type { RouteSpec } from "../http/router.js";
import type { EmuRequest, EmuResponse, RouteContext } from "../http/types.js";

/**
 * `POST /$batch` (graph-entra.md §10): at most 20 requests, unique ids, `dependsOn` ordering with
 * 424 for dependents of a failed request, and each item authorized and throttled on its own.
 */

export const MAX_BATCH_REQUESTS = 20;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

export type Dispatch = (req: EmuRequest) => EmuResponse;

function parseItems(body: unknown): BatchItem[] {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests))
    throw badRequest("Invalid batch payload format: 'requests' must be an array.", "BadRequest");
  if (requests.length === 0) throw badRequest("Invalid batch payload format: no requests.", "BadRequest");
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw badRequest(
      `Invalid batch payload format: a batch can contain at most ${MAX_BATCH_REQUESTS} requests.`,
      "BadRequest",
    );
  }
  const seen = new Set<string>();
  return requests.map((raw, index) => {
    const item = raw as Partial<BatchItem>;
    if (typeof item.id !== "string" || typeof item.method !== "string" || typeof item.url !== "string") {
      throw badRequest(
        `Invalid batch payload format: request ${index} needs string id, method and url.`,
        "BadRequest",
      );
    }
    const key = item.id.toLowerCase();
    if (seen.has(key))
      throw badRequest(`Invalid batch payload format: duplicate request id '${item.id}'.`, "BadRequest");
    seen.add(key);
    if (
      item.body !== undefined &&
      !Object.keys(item.headers ?? {}).some((h) => h.toLowerCase() === "content-type")
    ) {
      throw badRequest(
        `Invalid batch payload format: request '${item.id}' has a body but no Content-Type header.`,
        "BadRequest",
      );
    }
    return item as BatchItem;
  });
}

function innerRequest(outer: EmuRequest, item: BatchItem): EmuRequest {
  const url = item.url.startsWith("/") ? item.url : `/${item.url}`;
  const [pathPart = "", queryPart = ""] = url.split("?", 2);
  const path = pathPart
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(item.headers ?? {})) headers[key.toLowerCase()] = value;
  return {
    method: item.method.toUpperCase(),
    version: outer.version,
    path,
    query: new URLSearchParams(queryPart),
    headers,
    body: item.body,
    baseUrl: outer.baseUrl,
    requestId: crypto.randomUUID(),
    caller: outer.caller,
  };
}

export function batchRoute(dispatch: () => Dispatch): RouteSpec {
  return {
    method: "POST",
    pattern: "/$batch",
    throttle: "none",
    alsoBeta: true,
    handler: (ctx: RouteContext) => {
      const items = parseItems(ctx.req.body);
      const results = new Map<string, EmuResponse>();
      const byId = new Map(items.map((i) => [i.id.toLowerCase(), i]));
      const run = (item: BatchItem, trail: Set<string>): EmuResponse => {
        const done = results.get(item.id.toLowerCase());
        if (done) return done;
        let response: EmuResponse | undefined;
        for (const dependency of item.dependsOn ?? []) {
          const target = byId.get(dependency.toLowerCase());
          if (!target || trail.has(dependency.toLowerCase())) {
            throw badRequest(
              `Invalid batch payload format: request '${item.id}' depends on unknown or circular '${dependency}'.`,
              "BadRequest",
            );
          }
          const status = run(target, new Set([...trail, item.id.toLowerCase()])).status;
          if (status >= 400) {
            response = {
              status: 424,
              body: {
                error: {
                  code: "FailedDependency",
                  message: `Request '${dependency}' that this request depends on failed.`,
                },
              },
            };
          }
        }
        response ??= dispatch()(innerRequest(ctx.req, item));
        results.set(item.id.toLowerCase(), response);
        return response;
      };
      const responses = items.map((item) => {
        const response = run(item, new Set());
        const headers: Record<string, string> = { ...(response.headers ?? {}) };
        if (response.body !== undefined || response.text !== undefined) {
          headers["Content-Type"] =
            response.text !== undefined
              ? "text/plain"
              : "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8";
        }
        const entry: Record<string, unknown> = { id: item.id, status: response.status, headers };
        if (response.text !== undefined) entry.body = response.text;
        else if (response.body !== undefined) entry.body = response.body;
        return entry;
      });
      return { status: 200, body: { responses } };
    },
  };
}
