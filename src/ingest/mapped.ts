import type { RecordKind } from "../store/index.js";

/** What the importer does with one input record once it is recognised. */
export type Mapped =
  | { kind: RecordKind; record: Record<string, unknown>; scope?: string }
  | { skip: string }
  | { reject: string };

/** Where non-Graph fields of an export (Log Analytics columns, Event Hub envelope) are kept. */
export const EXTRA_FIELD = "@mfaEvict.source";

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Log Analytics serialises dynamic columns as JSON text; parse it, keep the text if it is not JSON. */
export function parseDynamic(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  const first = trimmed[0];
  if (first !== "{" && first !== "[") return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

/** "true"/"True"/true → true; anything else that is not a boolean → undefined. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (v === "true") return true;
    if (v === "false") return false;
  }
  return undefined;
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

const US_EXPORT_TIME =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*([AaPp][Mm])?$/;

/**
 * Export timestamps as ISO 8601 UTC. Accepts ISO (any offset) and the Log Analytics / portal CSV
 * form `4/28/2021, 2:08:45.221 PM` (always UTC in those exports). Returns undefined when unparseable.
 */
export function exportTime(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const text = value.trim();
  const us = US_EXPORT_TIME.exec(text);
  if (us) {
    const [, month, day, year, h, min, sec = "0", frac = "0", ampm] = us;
    let hour = Number(h);
    if (ampm) {
      const pm = ampm.toLowerCase() === "pm";
      if (hour === 12) hour = pm ? 12 : 0;
      else if (pm) hour += 12;
    }
    const ms = Date.UTC(
      Number(year),
      Number(month) - 1,
      Number(day),
      hour,
      Number(min),
      Number(sec),
      Number(frac.padEnd(3, "0").slice(0, 3)),
    );
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  // ISO without an offset in an export is UTC.
  const iso = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
    ? `${text.replace(" ", "T")}Z`
    : text;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Copies defined values only, so absent columns stay absent instead of becoming null. */
export function setDefined(target: JsonObject, key: string, value: unknown): void {
  if (value !== undefined && value !== "") target[key] = value;
}
