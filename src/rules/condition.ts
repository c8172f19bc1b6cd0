import { createHash } from "node:crypto";
import ipaddr from "ipaddr.js";
import type { Condition } from "./model.js";

/**
 * One condition tree, three meanings that must agree: evaluation on a record (here), a KQL
 * predicate (here) and a Sigma detection (./sigma.ts).
 */

/**
 * A phone number as it appears in audit details (e.g. StrongAuthenticationUserDetails' JSON inside a
 * JSON string, so quotes may be backslash-escaped). The same source text is a JS and an RE2 (KQL)
 * regular expression.
 */
export const PHONE_IN_TEXT = String.raw`\\?"[A-Za-z]*[Pp]hone[A-Za-z]*\\?"\s*:\s*\\?"(\+?[0-9][0-9 ()-]{5,}[0-9])`;

/** E.164-style key: "+" and the digits (formatting dropped), as both KQL and JS compute it. */
export function normalizePhone(raw: string): string {
  return `+${raw.replace(/[^0-9]/g, "")}`;
}

export function firstPhone(text: string): string | undefined {
  const match = new RegExp(PHONE_IN_TEXT).exec(text);
  return match?.[1] ? normalizePhone(match[1]) : undefined;
}

export function allPhones(text: string): string[] {
  return [...text.matchAll(new RegExp(PHONE_IN_TEXT, "g"))].map((m) => normalizePhone(m[1] ?? ""));
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function ipInCidrs(ip: string, cidrs: readonly string[]): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip);
  } catch {
    return false;
  }
  return cidrs.some((cidr) => {
    try {
      const [range, bits] = ipaddr.parseCIDR(cidr);
      return address.kind() === range.kind() && address.match([range, bits]);
    } catch {
      return false;
    }
  });
}

export function evaluateCondition<F extends string>(
  condition: Condition<F>,
  value: (field: F) => string | undefined,
): boolean {
  if ("all" in condition) return condition.all.every((c) => evaluateCondition(c, value));
  if ("any" in condition) return condition.any.some((c) => evaluateCondition(c, value));
  if ("not" in condition) return !evaluateCondition(condition.not, value);
  const actual = value(condition.field);
  if (actual === undefined || actual === "") return false;
  const lower = actual.toLowerCase();
  switch (condition.op) {
    case "in":
      return condition.values.some((v) => v.toLowerCase() === lower);
    case "contains":
      return condition.values.some((v) => lower.includes(v.toLowerCase()));
    case "inCidr":
      return ipInCidrs(actual, condition.values);
    case "phoneIn": {
      const phone = firstPhone(actual);
      return phone !== undefined && condition.values.includes(phone);
    }
    case "phoneSha256In": {
      const phone = firstPhone(actual);
      return phone !== undefined && condition.values.includes(sha256Hex(phone));
    }
  }
}

/** A KQL string literal (double-quoted, backslash and quote escaped). */
export function kqlString(value: string): string {
  return JSON.stringify(value);
}

function kqlList(values: readonly string[]): string {
  return values.map(kqlString).join(", ");
}

/** KQL for firstPhone(): the first phone number in a text column, normalized. */
export function kqlFirstPhone(column: string): string {
  return `strcat("+", replace_regex(extract(@'${PHONE_IN_TEXT}', 1, ${column}), @'[^0-9]', ""))`;
}

export function kqlCondition<F extends string>(
  condition: Condition<F>,
  column: (field: F) => string,
): string {
  if ("all" in condition) return `(${condition.all.map((c) => kqlCondition(c, column)).join(" and ")})`;
  if ("any" in condition) return `(${condition.any.map((c) => kqlCondition(c, column)).join(" or ")})`;
  if ("not" in condition) return `not(${kqlCondition(condition.not, column)})`;
  const col = column(condition.field);
  switch (condition.op) {
    case "in":
      return `${col} in~ (${kqlList(condition.values)})`;
    case "contains":
      return `(${condition.values.map((v) => `${col} contains ${kqlString(v)}`).join(" or ")})`;
    case "inCidr": {
      // ipv4_/ipv6_is_in_any_range return null for an address of the other family; coalesce so
      // that `not(...)` keeps such rows instead of dropping them.
      const v4 = condition.values.filter((c) => !c.includes(":"));
      const v6 = condition.values.filter((c) => c.includes(":"));
      const parts = [
        ...(v4.length ? [`coalesce(ipv4_is_in_any_range(${col}, dynamic([${kqlList(v4)}])), false)`] : []),
        ...(v6.length ? [`coalesce(ipv6_is_in_any_range(${col}, dynamic([${kqlList(v6)}])), false)`] : []),
      ];
      return parts.length ? `(${parts.join(" or ")})` : "false";
    }
    case "phoneIn":
      return `${kqlFirstPhone(col)} in (${kqlList(condition.values)})`;
    case "phoneSha256In":
      return `hash_sha256(${kqlFirstPhone(col)}) in (${kqlList(condition.values)})`;
  }
}

/** Every leaf field a condition reads. */
export function conditionFields<F extends string>(condition: Condition<F>): F[] {
  if ("all" in condition) return condition.all.flatMap(conditionFields);
  if ("any" in condition) return condition.any.flatMap(conditionFields);
  if ("not" in condition) return conditionFields(condition.not);
  return [condition.field];
}
