/**
 * The one place where OData query text is built from values. Everything that puts a value into a
 * `$filter` goes through these helpers, so quotes are always escaped (`o'brien` → `'o''brien'`) and
 * property paths and dates are checked before they reach Graph.
 */

/** An OData string literal: single quotes, with every embedded single quote doubled. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** An OData `DateTimeOffset` literal (unquoted, UTC, as Graph's log filters expect it). */
export function odataDateTime(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date/time: ${String(value)}`);
  return date.toISOString();
}

const PROPERTY_PATH = /^[A-Za-z_][\w]*(\/[A-Za-z_][\w]*)*$/;

function property(path: string): string {
  if (!PROPERTY_PATH.test(path)) throw new RangeError(`not an OData property path: ${path}`);
  return path;
}

type Literal = string | number | boolean | Date;

function literal(value: Literal): string {
  if (typeof value === "string") return odataString(value);
  if (value instanceof Date) return odataDateTime(value);
  if (typeof value === "number" && !Number.isFinite(value))
    throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

/** `path eq value` (strings are quoted and escaped). */
export function eq(path: string, value: Literal): string {
  return `${property(path)} eq ${literal(value)}`;
}

/** `path in ('a', 'b')` — one clause for a list of values. */
export function inList(path: string, values: readonly Literal[]): string {
  if (values.length === 0) throw new RangeError(`an 'in' clause on ${path} needs at least one value`);
  return `${property(path)} in (${values.map(literal).join(", ")})`;
}

/** `path ge dateTime` — for log time windows. */
export function ge(path: string, value: Date | string): string {
  return `${property(path)} ge ${odataDateTime(value)}`;
}

/** `path lt dateTime` — the exclusive end of a log time window. */
export function lt(path: string, value: Date | string): string {
  return `${property(path)} lt ${odataDateTime(value)}`;
}

/** `path le dateTime`. */
export function le(path: string, value: Date | string): string {
  return `${property(path)} le ${odataDateTime(value)}`;
}

/** `startswith(path, 'value')`. */
export function startsWith(path: string, value: string): string {
  return `startswith(${property(path)}, ${odataString(value)})`;
}

/** `collection/any(x: x eq 'value')` — e.g. sign-in event types on the beta endpoint. */
export function anyEq(collection: string, value: string): string {
  return `${property(collection)}/any(t: t eq ${odataString(value)})`;
}

/**
 * Joins clauses with `and`; a clause containing a top-level `or` is parenthesised so it keeps its
 * meaning (checked on the text outside quoted literals).
 */
export function and(...clauses: (string | undefined)[]): string {
  const present = clauses.filter((clause): clause is string => Boolean(clause));
  return present
    .map((clause) => (/ or /.test(clause.replace(/'(?:[^']|'')*'/g, "''")) ? `(${clause})` : clause))
    .join(" and ");
}
