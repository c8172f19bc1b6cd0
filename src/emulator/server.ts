import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { jwks, verifyAccessToken } from "./auth/jwt.js";
import { handleTokenRequest, isThisTenant } from "./auth/token-endpoint.js";
import { handleControl } from "./control.js";
import type { FaultInjector } from "./faults.js";
import { errorResponse } from "./http/errors.js";
import type { EmuRequest, EmuResponse } from "./http/types.js";
import type { RequestLogger } from "./log.js";
import type { GraphPipeline } from "./pipeline.js";
import type { EmulatorState } from "./state/state.js";

/**
 * The HTTPS front: routes each request to the identity platform (token, OpenID configuration,
 * instance discovery, keys), the Graph pipeline (/v1.0, /beta) or the emulator's control
 * endpoints, adds latency and faults, and writes Graph's headers.
 */

export interface ServerDeps {
  state: EmulatorState;
  pipeline: GraphPipeline;
  faults: FaultInjector;
  log?: RequestLogger;
  /** Filled in once the server listens: `https://127.0.0.1:PORT`. */
  baseUrl: () => string;
}

const JSON_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
const MAX_BODY = 4 * 1024 * 1024;

export function createEmulatorServer(tls: { key: string; cert: string }, deps: ServerDeps): Server {
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const started = performance.now();
    handle(req, res, deps)
      .catch((error: unknown) => {
        if (!res.headersSent) {
          send(
            res,
            {
              status: 500,
              body: {
                error: { code: "InternalServerError", message: "The emulator failed to handle the request." },
              },
            },
            "",
          );
        }
        deps.log?.(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
      })
      .finally(() => {
        deps.log?.(
          `${req.method} ${req.url} -> ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`,
        );
      });
  });
  server.keepAliveTimeout = 30_000;
  return server;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function decodeSegments(path: string): string[] | undefined {
  try {
    return path.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): Promise<void> {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
  const segments = decodeSegments(rawPath);
  const method = req.method ?? "GET";
  const requestId = randomUUID();
  const clientRequestId = headerValue(req, "client-request-id") ?? requestId;
  const idHeaders = { "request-id": requestId, "client-request-id": clientRequestId };
  const text = method === "GET" || method === "HEAD" ? "" : await readBody(req);
  if (!segments) {
    send(
      res,
      {
        status: 400,
        body: { error: { code: "BadRequest", message: "Malformed percent-encoding in the URL." } },
      },
      clientRequestId,
    );
    return;
  }
  const first = segments[0] ?? "";

  if (first === "_emulator") {
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      send(res, { status: 400, body: { error: "request body is not JSON" } }, clientRequestId);
      return;
    }
    const result = handleControl(deps.state, method, segments.slice(1), query, body);
    send(res, { status: result.status, body: result.body }, clientRequestId);
    return;
  }
  if (first === "v1.0" || first === "beta") {
    await handleGraph(req, res, deps, {
      method,
      version: first,
      segments: segments.slice(1),
      query,
      text,
      requestId,
      clientRequestId,
    });
    return;
  }
  const identity = handleIdentity(deps, method, segments, query, text, headerValue(req, "authorization"));
  send(res, { ...identity, headers: { ...identity.headers, ...idHeaders } }, clientRequestId);
}

/** The identity-platform endpoints MSAL calls (graph-entra.md §1.5 and appendix B). */
function handleIdentity(
  deps: ServerDeps,
  method: string,
  segments: string[],
  query: URLSearchParams,
  text: string,
  authorization: string | undefined,
): EmuResponse {
  const base = deps.baseUrl();
  const [tenant = "", ...rest] = segments;
  const route = rest.join("/").toLowerCase();
  if (tenant === "common" && route === "discovery/instance") {
    const host = new URL(base).host;
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${base}/{tenant}/v2.0/.well-known/openid-configuration`,
        "api-version": query.get("api-version") ?? "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
    };
  }
  const known = tenant === "common" || tenant === "organizations" || isThisTenant(deps.state, tenant);
  if (
    (route === "v2.0/.well-known/openid-configuration" || route === ".well-known/openid-configuration") &&
    method === "GET"
  ) {
    if (!known) {
      return {
        status: 400,
        body: {
          error: "invalid_tenant",
          error_description: `AADSTS90002: Tenant '${tenant}' not found.`,
          error_codes: [90002],
        },
      };
    }
    const tid = tenant === "common" || tenant === "organizations" ? "{tenantid}" : deps.state.tenant.id;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/${tid}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          "client_secret_post",
          "private_key_jwt",
          "client_secret_basic",
        ],
        jwks_uri: `${base}/${tid}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        issuer: `${base}/${tid}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${base}/oidc/userinfo`,
        authorization_endpoint: `${base}/${tid}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/${tid}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/${tid}/oauth2/v2.0/logout`,
        claims_supported: ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "roles"],
        tenant_region_scope: "EU",
        cloud_instance_name: "microsoftonline.com",
        cloud_graph_host_name: "graph.windows.net",
        msgraph_host: base.replace(/^https:\/\//, ""),
      },
    };
  }
  if (route === "discovery/v2.0/keys" || route === "discovery/keys") return { status: 200, body: jwks() };
  if (route === "oauth2/v2.0/token" && method === "POST") {
    const result = handleTokenRequest(
      deps.state,
      tenant,
      new URLSearchParams(text),
      authorization,
      `${base}/${tenant}/oauth2/v2.0/token`,
    );
    return {
      status: result.status,
      body: result.body,
      headers: { "Cache-Control": "no-store, no-cache", Pragma: "no-cache" },
    };
  }
  return {
    status: 404,
    body: {
      error: "not_found",
      error_description: `The emulator does not serve ${method} /${segments.join("/")}.`,
    },
  };
}

interface GraphCall {
  method: string;
  version: "v1.0" | "beta";
  segments: string[];
  query: URLSearchParams;
  text: string;
  requestId: string;
  clientRequestId: string;
}

async function handleGraph(
  req: IncomingMessage,
  res: ServerResponse,
  deps: ServerDeps,
  call: GraphCall,
): Promise<void> {
  // Node lower-cases header names; only set-cookie arrives as an array, and Graph ignores it.
  const headers = req.headers as Record<string, string | undefined>;
  const reqLike = { requestId: call.requestId, headers };
  const plan = deps.faults.active ? deps.faults.next(faultMethod(call)) : undefined;
  if (plan && plan.latencyMs > 0) await sleep(plan.latencyMs);
  /** Ends the exchange with the planned reset or error status instead of the real answer. */
  const deliverFault = (): boolean => {
    if (plan?.fault?.kind === "reset") {
      req.socket.destroy();
      return true;
    }
    if (plan?.fault?.kind !== "status") return false;
    const status = plan.fault.status;
    const codes: Record<number, string> = {
      500: "InternalServerError",
      502: "BadGateway",
      503: "serviceNotAvailable",
      504: "GatewayTimeout",
    };
    const extra: Record<string, string> = status === 503 ? { "Retry-After": "1" } : {};
    send(
      res,
      errorResponse(
        status,
        codes[status] ?? "InternalServerError",
        "The service is temporarily unavailable (injected fault).",
        reqLike,
        extra,
      ),
      call.clientRequestId,
      call.requestId,
    );
    return true;
  };
  if (!plan?.afterProcessing && deliverFault()) return;

  const authorization = headers.authorization ?? "";
  const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
  const check = token
    ? verifyAccessToken(token, deps.state.tenant.id)
    : { ok: false as const, message: "Access token is empty." };
  if (!check.ok) {
    const response = errorResponse(401, "InvalidAuthenticationToken", check.message, reqLike, {
      "WWW-Authenticate": `Bearer realm="", authorization_uri="${deps.baseUrl()}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
    });
    send(res, response, call.clientRequestId, call.requestId);
    return;
  }
  let body: unknown;
  if (call.text) {
    try {
      body = JSON.parse(call.text);
    } catch {
      send(
        res,
        errorResponse(
          400,
          "BadRequest",
          "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
          reqLike,
        ),
        call.clientRequestId,
        call.requestId,
      );
      return;
    }
  }
  const claims = check.claims;
  const emuReq: EmuRequest = {
    method: call.method,
    version: call.version,
    path: `/${call.segments.join("/")}`,
    query: call.query,
    headers,
    body,
    baseUrl: deps.baseUrl(),
    requestId: call.requestId,
    caller: {
      appId: claims.appid,
      servicePrincipalId: claims.oid,
      tenantId: claims.tid,
      roles: claims.roles,
      displayName: claims.app_displayname,
    },
  };
  const response = deps.pipeline.handle(emuReq);
  // The write is committed; only its answer is lost.
  if (plan?.afterProcessing && deliverFault()) return;
  if (plan?.fault?.kind === "slowBody") {
    await sendSlowly(res, response, call.clientRequestId, call.requestId, plan.fault.chunkDelayMs);
    return;
  }
  send(res, response, call.clientRequestId, call.requestId);
}

/** The method faults see: the request's, except that a `$batch` of reads only is a read (GET). */
function faultMethod(call: GraphCall): string {
  if (call.method !== "POST" || call.segments.length !== 1 || call.segments[0] !== "$batch")
    return call.method;
  try {
    const items = (JSON.parse(call.text) as { requests?: { method?: unknown }[] }).requests;
    const reads =
      Array.isArray(items) && items.every((item) => String(item?.method ?? "GET").toUpperCase() === "GET");
    return reads ? "GET" : call.method;
  } catch {
    return call.method;
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function payload(response: EmuResponse): { text: string; type: string } | undefined {
  if (response.text !== undefined) return { text: response.text, type: "text/plain;charset=utf-8" };
  if (response.body === undefined) return undefined;
  return { text: JSON.stringify(response.body), type: JSON_TYPE };
}

function baseHeaders(
  response: EmuResponse,
  clientRequestId: string,
  requestId?: string,
): Record<string, string> {
  const headers: Record<string, string> = { ...response.headers };
  if (requestId) {
    headers["request-id"] = requestId;
    headers["client-request-id"] = clientRequestId;
    headers["OData-Version"] = "4.0";
    headers["x-ms-ags-diagnostic"] =
      '{"ServerInfo":{"DataCenter":"Local Emulator","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"EMULATOR"}}';
  }
  return headers;
}

function send(res: ServerResponse, response: EmuResponse, clientRequestId: string, requestId?: string): void {
  const headers = baseHeaders(response, clientRequestId, requestId);
  const body = payload(response);
  if (body) {
    headers["Content-Type"] = body.type;
    headers["Content-Length"] = String(Buffer.byteLength(body.text));
  }
  res.writeHead(response.status, headers);
  res.end(body?.text);
}

/** A body trickled out in chunks: clients with read timeouts must cope. */
async function sendSlowly(
  res: ServerResponse,
  response: EmuResponse,
  clientRequestId: string,
  requestId: string,
  delayMs: number,
): Promise<void> {
  const headers = baseHeaders(response, clientRequestId, requestId);
  const body = payload(response);
  if (body) headers["Content-Type"] = body.type;
  res.writeHead(response.status, headers);
  const text = body?.text ?? "";
  const size = Math.max(1, Math.ceil(text.length / 4));
  for (let i = 0; i < text.length; i += size) {
    if (res.destroyed) return;
    res.write(text.slice(i, i + size));
    await sleep(delayMs / 4);
  }
  res.end();
}
