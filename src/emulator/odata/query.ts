import { badRequest, type GraphHttpError } from "../http/errors.js";
import type { EmuResponse, RouteContext } from "../http/types.js";
import { evaluate, FilterSyntaxError, filterUsage, parseFilter } from "./filter.js";

/**
 * How one collection endpoint answers OData query options: which properties filter with which
 * operators, which sort, its page sizes, and whether the directory's "advanced query" rules apply.
 */
export interface ListSpec<T> {
  /** Entity name for error messages, e.g. `User`. */
  entityName: string;
  /** `@odata.context` fragment after `$metadata#`, e.g. `users`. */
  contextPath: string;
  /** Property path (lambda bodies as `coll/any/prop`, bare lambda variable as `coll/any`) → operators. */
  filter?: Readonly<Record<string, readonly string[]>>;
  orderBy?: readonly string[];
  defaultTop: number;
  maxTop: number;
  /** The service returns at most this many items per page whatever `$top` asks (e.g. 120 with signInActivity). */
  pageCap?: number;
  /** Directory-object collections: `ne`/`not`/`endswith` and `$count` need ConsistencyLevel + `$count=true`. */
  directory?: boolean;
  /** CSDL names of the entity: `$select` of anything else is a 400 (when given). */
  properties?: ReadonlySet<string>;
  /** Properties returned when the caller sends no `$select`. */
  defaultSelect?: readonly string[];
  /** `$expand` names this endpoint supports, with the values they expand to. */
  expand?: Readonly<Record<string, (item: T) => unknown>>;
  /** The wire shape of a stored record (strips internal or version-specific fields). */
  project?: (item: T) => Record<string, unknown>;
}

const ADVANCED_OPERATORS = new Set(["ne", "not", "endswith"]);

function isAdvanced(ctx: RouteContext): boolean {
  return (
    ctx.req.headers.consistencylevel?.toLowerCase() === "eventual" && ctx.req.query.get("$count") === "true"
  );
}

function unsupportedFilter(spec: ListSpec<unknown>, property: string): GraphHttpError {
  return spec.directory
    ? badRequest(
        `Unsupported or invalid query filter clause specified for property '${property}' of resource '${spec.entityName}'.`,
        "Request_UnsupportedQuery",
      )
    : badRequest(
        `Invalid filter clause: the property '${property}' does not support this filter.`,
        "BadRequest",
      );
}

/** Applies `$filter` (with this endpoint's capabilities) and returns the matching items. */
export function applyFilter<T>(ctx: RouteContext, items: T[], spec: ListSpec<T>): T[] {
  const text = ctx.req.query.get("$filter");
  if (!text) return items;
  let node: ReturnType<typeof parseFilter>;
  try {
    node = parseFilter(text);
  } catch (error) {
    const reason = error instanceof FilterSyntaxError ? error.message : String(error);
    throw badRequest(
      `Invalid filter clause: ${reason}`,
      spec.directory ? "Request_BadRequest" : "BadRequest",
    );
  }
  const allowed = spec.filter ?? {};
  for (const { path, op } of filterUsage(node)) {
    if (op === "not") {
      if (!spec.directory || !isAdvanced(ctx)) throw unsupportedFilter(spec as ListSpec<unknown>, "not");
      continue;
    }
    const ops = allowed[path];
    if (!ops?.includes(op)) throw unsupportedFilter(spec as ListSpec<unknown>, path);
    if (spec.directory && ADVANCED_OPERATORS.has(op) && !isAdvanced(ctx)) {
      throw badRequest(
        `Operator '${op}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header.`,
        "Request_UnsupportedQuery",
      );
    }
  }
  return items.filter((item) => evaluate(node, item));
}

function applyOrderBy<T>(ctx: RouteContext, items: T[], spec: ListSpec<T>): T[] {
  const text = ctx.req.query.get("$orderby");
  if (!text) return items;
  const keys = text.split(",").map((part) => {
    const [path = "", direction = "asc"] = part.trim().split(/\s+/);
    if (!spec.orderBy?.includes(path)) {
      throw badRequest(
        `Sorting on property '${path}' of resource '${spec.entityName}' is not supported.`,
        spec.directory ? "Request_UnsupportedQuery" : "BadRequest",
      );
    }
    if (direction !== "asc" && direction !== "desc")
      throw badRequest(`Invalid $orderby direction '${direction}'.`);
    return { path, sign: direction === "desc" ? -1 : 1 };
  });
  const value = (item: T, path: string): unknown =>
    path
      .split("/")
      .reduce<unknown>(
        (v, p) => (v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined),
        item,
      );
  return [...items].sort((a, b) => {
    for (const { path, sign } of keys) {
      const va = value(a, path);
      const vb = value(b, path);
      if (va === vb) continue;
      if (va === undefined || va === null) return sign;
      if (vb === undefined || vb === null) return -sign;
      const cmp =
        typeof va === "string" && typeof vb === "string"
          ? va.localeCompare(vb)
          : (va as number) < (vb as number)
            ? -1
            : 1;
      if (cmp !== 0) return cmp * sign;
    }
    return 0;
  });
}

export function pageSize(
  ctx: RouteContext,
  spec: { defaultTop: number; maxTop: number; directory?: boolean },
): number {
  const text = ctx.req.query.get("$top");
  if (text === null) return spec.defaultTop;
  const top = Number(text);
  if (!Number.isInteger(top) || top < 1 || top > spec.maxTop) {
    if (spec.directory || !Number.isInteger(top) || top < 1) {
      throw badRequest(
        `Invalid page size specified: '${text}'. Must be between 1 and ${spec.maxTop} inclusive.`,
      );
    }
    return spec.maxTop;
  }
  return top;
}

const SKIPTOKEN_PREFIX = "RU1V";

function encodeSkipToken(offset: number): string {
  return SKIPTOKEN_PREFIX + Buffer.from(`o=${offset}`).toString("base64url");
}

function decodeSkipToken(token: string): number {
  const offset = token.startsWith(SKIPTOKEN_PREFIX)
    ? Number(/^o=(\d+)$/.exec(Buffer.from(token.slice(SKIPTOKEN_PREFIX.length), "base64url").toString())?.[1])
    : Number.NaN;
  if (!Number.isInteger(offset)) throw badRequest("Invalid $skiptoken.", "Request_BadRequest");
  return offset;
}

export function parseSelect(ctx: RouteContext): string[] | undefined {
  const text = ctx.req.query.get("$select");
  if (!text) return undefined;
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Keeps the selected (or default) properties; `@odata.type` always travels. */
export function selectProperties(
  item: Record<string, unknown>,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  if (!select) return item;
  const out: Record<string, unknown> = {};
  if (item["@odata.type"] !== undefined) out["@odata.type"] = item["@odata.type"];
  for (const key of select) out[key] = item[key] ?? null;
  return out;
}

function expandItem<T>(ctx: RouteContext, item: T, shaped: Record<string, unknown>, spec: ListSpec<T>): void {
  const text = ctx.req.query.get("$expand");
  if (!text) return;
  for (const name of text.split(",").map((s) => s.trim().split("(")[0]!)) {
    const expander = spec.expand?.[name];
    if (!expander) {
      throw badRequest(
        `Could not find a property named '${name}' on type 'microsoft.graph.${lowerFirst(spec.entityName)}'.`,
      );
    }
    shaped[name] = expander(item);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function checkSelect<T>(select: readonly string[] | undefined, spec: ListSpec<T>): void {
  if (!select || !spec.properties) return;
  const unknown = select.find((name) => !spec.properties!.has(name));
  if (unknown !== undefined) {
    throw badRequest(
      `Could not find a property named '${unknown}' on type 'microsoft.graph.${lowerFirst(spec.entityName)}'.`,
    );
  }
}

export function shapeItem<T>(ctx: RouteContext, item: T, spec: ListSpec<T>): Record<string, unknown> {
  const projected = spec.project ? spec.project(item) : (item as Record<string, unknown>);
  const select = parseSelect(ctx);
  checkSelect(select, spec);
  const shaped = selectProperties(projected, select ?? spec.defaultSelect);
  expandItem(ctx, item, shaped, spec);
  return shaped;
}

export function contextUrl(ctx: RouteContext, fragment: string): string {
  return `${ctx.req.baseUrl}/${ctx.req.version}/$metadata#${fragment}`;
}

/** A collection answer: filter, sort, count, one page, select, `@odata.nextLink` when more remain. */
export function listResponse<T>(ctx: RouteContext, items: T[], spec: ListSpec<T>): EmuResponse {
  // Directory collections have no $skip; $search is not implemented here, so it is refused rather
  // than silently ignored (which would return wrong results).
  if (ctx.req.query.has("$skip"))
    throw badRequest("'$skip' is not supported by the service.", "Request_BadRequest");
  if (ctx.req.query.has("$search")) {
    throw badRequest(
      "$search is not supported by the emulator on this endpoint; use $filter.",
      "Request_UnsupportedQuery",
    );
  }
  const wantsCount = ctx.req.query.get("$count") === "true";
  if (wantsCount && spec.directory && ctx.req.headers.consistencylevel?.toLowerCase() !== "eventual") {
    throw badRequest("$count is not currently supported.");
  }
  checkSelect(parseSelect(ctx), spec);
  const top = Math.min(pageSize(ctx, spec), spec.pageCap ?? Number.POSITIVE_INFINITY);
  const skiptoken = ctx.req.query.get("$skiptoken");
  const offset = skiptoken ? decodeSkipToken(skiptoken) : 0;
  const matched = applyOrderBy(ctx, applyFilter(ctx, items, spec), spec);
  const page = matched.slice(offset, offset + top);
  const body: Record<string, unknown> = { "@odata.context": contextUrl(ctx, spec.contextPath) };
  if (wantsCount) body["@odata.count"] = matched.length;
  if (offset + top < matched.length) {
    const next = new URLSearchParams(ctx.req.query);
    next.delete("$skiptoken");
    next.set("$skiptoken", encodeSkipToken(offset + top));
    // Graph writes `$` literally in its links.
    body["@odata.nextLink"] =
      `${ctx.req.baseUrl}/${ctx.req.version}${encodePath(ctx.req.path)}?${next.toString().replace(/%24/g, "$")}`;
  }
  body.value = page.map((item) => shapeItem(ctx, item, spec));
  return { status: 200, body };
}

/** A single-entity answer with `$select`/`$expand` applied. */
export function itemResponse<T>(ctx: RouteContext, item: T, spec: ListSpec<T>, status = 200): EmuResponse {
  return {
    status,
    body: { "@odata.context": contextUrl(ctx, `${spec.contextPath}/$entity`), ...shapeItem(ctx, item, spec) },
  };
}

export function encodePath(path: string): string {
  return path
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}
