import { redactText } from "../shared/redact.js";
import { GraphError, type GraphRequest } from "./client.js";

/** Graph answered with a transient failure (throttling, 5xx, reset, timeout) on every allowed attempt. */
export class GraphRetriesExhaustedError extends GraphError {
  override name = "GraphRetriesExhaustedError";
  constructor(
    readonly attempts: number,
    last: { status: number; code: string; message: string; requestId?: string },
    request: Pick<GraphRequest, "method" | "path">,
  ) {
    super(
      last.status,
      last.code,
      `gave up after ${attempts} attempts (the retry cap); last answer: ${last.message}`,
      request,
      last.requestId,
    );
  }
}

/**
 * A write (POST, PATCH) whose outcome is unknown: Graph answered 500/502/503/504/408, or the
 * connection broke or timed out after the request was sent, so Graph may have processed it or not.
 * The connector does not retry it — repeating a non-idempotent write could set a second password or
 * replace a Temporary Access Pass — and the caller must read the current state before deciding.
 * The message names the method, path and what went wrong, never the request body (it may hold a
 * password).
 */
export class GraphOutcomeUnknownError extends GraphError {
  override name = "GraphOutcomeUnknownError";
  constructor(
    last: { status: number; code: string; message: string; requestId?: string },
    request: Pick<GraphRequest, "method" | "path">,
  ) {
    super(
      last.status,
      last.code,
      `the write may or may not have been applied (${last.message}); not retried: read the current state before writing again`,
      request,
      last.requestId,
    );
  }
}

/** Builds a GraphError from Graph's error envelope (`{"error": {"code", "message"}}`), secrets scrubbed. */
export function graphErrorFrom(
  status: number,
  body: unknown,
  request: Pick<GraphRequest, "method" | "path">,
  requestId?: string,
): GraphError {
  const { code, message } = errorDetail(status, body);
  return new GraphError(status, code, redactText(message), request, requestId);
}

export function errorDetail(status: number, body: unknown): { code: string; message: string } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof error?.code === "string" ? error.code : `http${status}`;
  const message =
    typeof error?.message === "string"
      ? error.message
      : typeof body === "string" && body.length > 0
        ? body.slice(0, 300)
        : `HTTP ${status}`;
  return { code, message: redactText(message) };
}
