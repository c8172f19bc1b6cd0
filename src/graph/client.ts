import type { ODataCollection } from "./types.js";

/**
 * The contract every other module uses to reach Microsoft Graph. `src/graph` implements it (auth,
 * paging, $batch, per-endpoint budgets, Retry-After, backoff); nothing outside `src/graph` speaks
 * HTTP to Graph.
 */

export type GraphVersion = "v1.0" | "beta";
export type GraphMethod = "GET" | "POST" | "PATCH" | "DELETE";

export interface GraphRequest {
  method: GraphMethod;
  /** Path below the version root, e.g. `/users/{id}/authentication/methods` (segments already encoded). */
  path: string;
  /** Query options, e.g. `{ $select: "id,displayName", $filter: odataFilter }`; values are encoded by the client. */
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  version?: GraphVersion;
}

export interface GraphResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/** A non-2xx answer from Graph after the client's retries, with Graph's error `code` to branch on. */
export class GraphError extends Error {
  override name = "GraphError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly request: Pick<GraphRequest, "method" | "path">,
    readonly requestId?: string,
  ) {
    super(`${request.method} ${request.path}: ${status} ${code}: ${message}`);
  }
}

export interface GraphClient {
  /**
   * One request; retries throttling and transient failures; throws GraphError otherwise. A POST or
   * PATCH is retried only when Graph certainly did not process it; when the outcome is unknown it
   * throws GraphOutcomeUnknownError instead, and the caller reads the state before writing again.
   */
  request<T = unknown>(request: GraphRequest): Promise<GraphResponse<T>>;
  /** Follows `@odata.nextLink` until the collection ends, yielding each page's items. */
  pages<T = unknown>(request: GraphRequest): AsyncIterable<T[]>;
  /**
   * Many independent requests, sent as `$batch` of at most 20 with throttled items retried; results
   * come back in input order, a GraphError in place of each request that finally failed.
   */
  batch<T = unknown>(requests: GraphRequest[]): Promise<(GraphResponse<T> | GraphError)[]>;
  /** The application permissions (`roles` claim) of the current token, for permission preflights. */
  grantedRoles(): Promise<string[]>;
}

export type { ODataCollection };
