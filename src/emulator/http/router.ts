import type { Handler } from "./types.js";

/**
 * Which throttling bucket a route draws from (graph-entra.md §11): the identity-and-access
 * resource-unit model, the reports/audit-log limit, the Identity Protection / Conditional Access
 * limit, or none.
 */
export type ThrottleClass = "directory" | "reports" | "protection" | "methods" | "none";

export interface RouteSpec {
  method: "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
  /** Below the version root with `{name}` parameters, e.g. `/users/{userId}/authentication/methods`. */
  pattern: string;
  throttle: ThrottleClass;
  /** Base resource-unit cost for directory routes (graph-entra.md §11.2); 1 when omitted. */
  cost?: number;
  /** Served under /beta only (v1.0 has no equivalent the product needs). */
  betaOnly?: boolean;
  /** Served under both /v1.0 and /beta. */
  alsoBeta?: boolean;
  /** CSDL entity type of the response (items for collections), for the contract test. */
  responseType?: string;
  collection?: boolean;
  handler: Handler;
}

export interface Route extends RouteSpec {
  /** Permission-table key: method plus lower-cased pattern with every parameter as `{id}`. */
  permissionKey: string;
  segments: { literal?: string; param?: string }[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export function permissionKeyOf(method: string, pattern: string): string {
  return `${method} ${pattern.replace(/\{[^}]+\}/g, "{id}").toLowerCase()}`;
}

/** A small segment router: literal segments compare case-insensitively, as Graph's do. */
export class Router {
  private readonly bySegmentCount = new Map<number, Route[]>();
  readonly routes: Route[] = [];

  add(spec: RouteSpec): void {
    const segments = spec.pattern
      .split("/")
      .filter(Boolean)
      .map((part) => {
        const param = /^\{(\w+)\}$/.exec(part)?.[1];
        return param ? { param } : { literal: part.toLowerCase() };
      });
    const route: Route = { ...spec, permissionKey: permissionKeyOf(spec.method, spec.pattern), segments };
    this.routes.push(route);
    const list = this.bySegmentCount.get(segments.length) ?? [];
    list.push(route);
    this.bySegmentCount.set(segments.length, list);
  }

  addAll(specs: RouteSpec[]): void {
    for (const spec of specs) this.add(spec);
  }

  /** `rawSegments` are percent-decoded path segments below the version root. */
  match(
    method: string,
    version: "v1.0" | "beta",
    rawSegments: string[],
  ): RouteMatch | "methodNotAllowed" | undefined {
    const candidates = this.bySegmentCount.get(rawSegments.length);
    if (!candidates) return undefined;
    let pathMatched = false;
    for (const route of candidates) {
      if (version === "v1.0" && route.betaOnly) continue;
      if (version === "beta" && !route.betaOnly && !route.alsoBeta) continue;
      const params = matchSegments(route, rawSegments);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    return pathMatched ? "methodNotAllowed" : undefined;
  }
}

function matchSegments(route: Route, raw: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < raw.length; i++) {
    const segment = route.segments[i]!;
    const value = raw[i]!;
    if (segment.literal !== undefined) {
      if (segment.literal !== value.toLowerCase()) return undefined;
    } else if (segment.param) {
      params[segment.param] = value;
    }
  }
  return params;
}
