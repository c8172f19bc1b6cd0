import type { EmulatorState } from "../state/state.js";

/** Who is calling: the claims of a verified app-only access token. */
export interface Caller {
  appId: string;
  servicePrincipalId: string;
  tenantId: string;
  roles: string[];
  displayName: string;
}

/** One Graph request as a route handler sees it, whether it came over HTTPS or from inside a `$batch`. */
export interface EmuRequest {
  method: string;
  version: "v1.0" | "beta";
  /** Path below the version root, percent-decoded per segment, e.g. `/users/o'brien@contoso.com`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: unknown;
  /** `https://127.0.0.1:PORT`: absolute links (`@odata.nextLink`, `@odata.context`) point back here. */
  baseUrl: string;
  requestId: string;
  caller: Caller;
}

export interface EmuResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body; `text` wins when both are set. */
  body?: unknown;
  text?: string;
}

export interface RouteContext {
  req: EmuRequest;
  params: Record<string, string>;
  state: EmulatorState;
}

export type Handler = (ctx: RouteContext) => EmuResponse;
