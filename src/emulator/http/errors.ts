import type { EmuRequest, EmuResponse } from "./types.js";

/** A Graph error a handler raises; the dispatcher turns it into Graph's error envelope. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string): GraphHttpError =>
  new GraphHttpError(
    404,
    "Request_ResourceNotFound",
    `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const badRequest = (message: string, code = "Request_BadRequest"): GraphHttpError =>
  new GraphHttpError(400, code, message);

export const insufficientPrivileges = (): GraphHttpError =>
  new GraphHttpError(
    403,
    "Authorization_RequestDenied",
    "Insufficient privileges to complete the operation.",
  );

/** `{"error": {code, message, innerError: {date, request-id, client-request-id}}}` as Graph sends it. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  req: Pick<EmuRequest, "requestId" | "headers">,
  headers: Record<string, string> = {},
  extraInner: Record<string, string> = {},
): EmuResponse {
  const innerError: Record<string, string> = {
    ...extraInner,
    date: new Date().toISOString().slice(0, 19),
    "request-id": req.requestId,
    "client-request-id": req.headers["client-request-id"] ?? req.requestId,
  };
  return { status, headers, body: { error: { code, message, innerError } } };
}
