import { locateJsonError } from "./json-error.js";
import { peek } from "./peek.js";

/** One record read from a file, before it is recognised and mapped: a parsed value or why not. */
export type RawItem =
  | { line: number; value: unknown; context?: string; error?: undefined; json?: string }
  | { line: number; error: string; value?: undefined; context?: undefined };

/** Records beyond this size are refused: no Entra log record comes near it, a hostile file might. */
const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/**
 * Reads the records of a JSON file as batches. Two layouts:
 * - line-delimited (NDJSON / JSON Lines, Elastic and Log Analytics exports): one value per line,
 *   each parsed on its own, so one bad line costs only that line;
 * - one document (Graph `{"value":[…]}` pages, `{"records":[…]}` Event Hub batches, a JSON array,
 *   a single object): scanned in constant memory; each element of the record array is cut out and
 *   parsed on its own, so a huge document never needs to fit in memory.
 * Either way a wrapper's array is unpacked and its `@odata.context` kept as a hint of the kind.
 */
export type JsonLayout = "json-lines" | "json-document";

export async function* readJsonRecords(
  chunks: AsyncIterable<string>,
  onLayout?: (layout: JsonLayout) => void,
): AsyncGenerator<RawItem[]> {
  // Look at the first two non-empty lines (at most 1 MB) to choose the layout.
  const { head, text: rest } = await peek(
    chunks,
    (start) => /^\s*\S[^\n]*\n\s*\S[^\n]*\n/.test(start) || start.length > 1 << 20,
  );
  const [first = "", second = ""] = head
    .slice(0, 1 << 20)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  // A broken first record (it starts like an object but does not open a document: no trailing
  // `{` or `[`) followed by a whole object on the next line is still JSON Lines.
  const brokenFirstRecord = first.startsWith("{") && !/[[{]$/.test(first);
  const lines = isSelfContainedLine(first) || (brokenFirstRecord && isWholeObjectLine(second));
  onLayout?.(lines ? "json-lines" : "json-document");
  yield* lines ? readLines(rest) : readDocument(rest);
}

function isWholeObjectLine(line: string): boolean {
  if (!line.startsWith("{") || !line.endsWith("}") || line.length < 4) return false;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === "object" && Object.keys(value).length > 0;
  } catch {
    return false;
  }
}

function isSelfContainedLine(line: string): boolean {
  if (line.length < 2) return false;
  const open = line[0];
  const close = line[line.length - 1];
  if (!((open === "{" && close === "}") || (open === "[" && close === "]"))) return false;
  try {
    JSON.parse(line);
    return true;
  } catch {
    // A broken first line of an NDJSON file: still line-delimited if the next line starts a value.
    return false;
  }
}

/**
 * The Log Analytics query API's `{"tables":[{"columns":[{"name":…}],"rows":[[…]]}]}` as row
 * objects keyed by column name (what the portal's and the CLI's JSON exports hold).
 */
function queryApiRows(tables: unknown[]): Record<string, unknown>[] | undefined {
  const rows: Record<string, unknown>[] = [];
  for (const table of tables) {
    const t = table as { columns?: unknown; rows?: unknown } | null;
    if (!t || !Array.isArray(t.columns) || !Array.isArray(t.rows)) return undefined;
    const names = t.columns.map((c) => String((c as { name?: unknown } | null)?.name ?? ""));
    for (const row of t.rows) {
      if (!Array.isArray(row)) continue;
      const out: Record<string, unknown> = {};
      names.forEach((name, i) => {
        out[name] = row[i];
      });
      rows.push(out);
    }
  }
  return rows;
}

/** Unpacks `[…]`, `{"value":[…]}`, `{"records":[…]}` and query-API tables into their elements. */
function unwrap(value: unknown, line: number, out: RawItem[], context?: string): void {
  if (Array.isArray(value)) {
    for (const element of value)
      out.push(context === undefined ? { line, value: element } : { line, value: element, context });
    return;
  }
  if (value !== null && typeof value === "object") {
    const v = value as Record<string, unknown>;
    const list = Array.isArray(v.value)
      ? v.value
      : Array.isArray(v.records)
        ? v.records
        : Array.isArray(v.tables)
          ? queryApiRows(v.tables)
          : undefined;
    if (list) {
      const ctx = typeof v["@odata.context"] === "string" ? v["@odata.context"] : context;
      unwrap(list, line, out, ctx);
      return;
    }
  }
  out.push(context === undefined ? { line, value } : { line, value, context });
}

async function* readLines(chunks: AsyncIterable<string>): AsyncGenerator<RawItem[]> {
  let carry = "";
  let line = 0;
  let skippingLongLine = false;
  for await (const chunk of chunks) {
    const out: RawItem[] = [];
    let start = 0;
    let text = chunk;
    if (carry) {
      text = carry + chunk;
      carry = "";
    }
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      line++;
      if (skippingLongLine) skippingLongLine = false;
      else parseLine(text.slice(start, nl), line, out);
      start = nl + 1;
    }
    const tail = text.slice(start);
    if (!skippingLongLine && tail.length > MAX_RECORD_CHARS) {
      out.push({
        line: line + 1,
        error: `a record of more than ${MAX_RECORD_CHARS / (1024 * 1024)} M characters; skipped`,
      });
      skippingLongLine = true;
    } else if (!skippingLongLine) {
      carry = tail;
    }
    if (out.length) yield out;
  }
  if (carry && !skippingLongLine) {
    const out: RawItem[] = [];
    parseLine(carry, line + 1, out);
    if (out.length) yield out;
  }
}

function parseLine(raw: string, line: number, out: RawItem[]): void {
  const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (text.trim() === "") return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    out.push({ line, error: locateJsonError(text).reason });
    return;
  }
  // A line that is one record keeps its text, so the store need not serialise it again.
  if (isPlainRecord(value)) out.push({ line, value, json: text });
  else unwrap(value, line, out);
}

function isPlainRecord(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return !Array.isArray(v.value) && !Array.isArray(v.records) && !Array.isArray(v.tables);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Incremental scanner for one (or several concatenated) JSON documents. It does not parse: it tracks
 * strings and nesting to find where each record starts and ends, cuts the record's text out and
 * hands it to JSON.parse, which is far faster than a token-by-token streaming parser.
 */
class DocumentScanner {
  private depth = 0;
  /** Container type (OPEN_OBJECT / OPEN_ARRAY) per depth; index 0 unused. */
  private readonly stack: number[] = [0];
  private inString = false;
  /** Odd number of backslashes at the end of the previous chunk, inside a string. */
  private escapeCarry = false;
  private line = 1;
  /** Depth of the array whose elements are records (1: top-level array; 2: a wrapper's array). */
  private recordArrayDepth = -1;
  private capturing = false;
  private captureParts: string[] = [];
  private captureSize = 0;
  private captureLine = 0;
  private captureDepth = 0;
  private oversize = false;
  /** Top-level object not yet known to be a wrapper: the key most recently read at depth 1. */
  private expectKey = false;
  private keyStart = -1;
  /** The part of a key read in earlier chunks (a key can straddle a chunk boundary). */
  private keyBuffer = "";
  private lastKey = "";
  private context: string | undefined;
  private afterComma = false;
  private garbageLine = -1;

  push(text: string, out: RawItem[]): void {
    const n = text.length;
    let captureStart = 0;
    let i = 0;
    while (i < n) {
      if (this.inString) {
        i = this.skipString(text, i);
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === NEWLINE) {
        this.line++;
        i++;
        continue;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i++;
        continue;
      }
      if (this.afterComma && this.depth === this.recordArrayDepth) {
        this.afterComma = false;
        if (c === CLOSE_ARRAY)
          out.push({ line: this.line, error: "invalid JSON: trailing comma before ']'" });
      }
      if (!this.capturing && this.startsRecord(c)) {
        this.capturing = true;
        this.captureParts = [];
        this.captureSize = 0;
        this.captureLine = this.line;
        this.captureDepth = this.depth;
        this.oversize = false;
        captureStart = i;
      }
      switch (c) {
        case QUOTE:
          this.inString = true;
          if (this.depth === 1 && this.stack[1] === OPEN_OBJECT && this.expectKey) {
            this.keyStart = i + 1;
            this.keyBuffer = "";
          }
          if (this.depth === 0) this.noteGarbage(out);
          else if (this.depth === this.recordArrayDepth && !this.capturing) {
            out.push({ line: this.line, error: "a record must be a JSON object, found a string" });
          }
          i++;
          continue;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (c === OPEN_ARRAY && this.depth === 1 && this.stack[1] === OPEN_OBJECT && this.isWrapperKey()) {
            // `{"value": [` / `{"records": [`: the object is a wrapper, its array holds the records.
            this.noteWrapperHead(text.slice(captureStart, i));
            this.capturing = false;
            this.recordArrayDepth = 2;
          } else if (this.depth === 0 && c === OPEN_ARRAY) {
            this.recordArrayDepth = 1;
            this.capturing = false;
          }
          this.depth++;
          this.stack[this.depth] = c;
          this.expectKey = c === OPEN_OBJECT;
          i++;
          continue;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY: {
          if (this.depth === 0) {
            this.noteGarbage(out);
            i++;
            continue;
          }
          if (this.depth === this.recordArrayDepth && c === CLOSE_ARRAY) this.recordArrayDepth = -1;
          this.depth--;
          this.expectKey = false;
          i++;
          if (this.capturing && this.depth === this.captureDepth) {
            this.finishCapture(text.slice(captureStart, i), out);
            captureStart = i;
          }
          if (this.depth === 0) this.context = undefined;
          continue;
        }
        case COMMA:
          if (this.depth === 1 && this.stack[1] === OPEN_OBJECT) this.expectKey = true;
          if (this.depth === this.recordArrayDepth) this.afterComma = true;
          i++;
          continue;
        case COLON:
          i++;
          continue;
        default:
          if (this.depth === 0) this.noteGarbage(out);
          else if (this.depth === this.recordArrayDepth && !this.capturing) {
            // A bare number/literal as a record: consume it and reject it.
            let j = i;
            while (j < n && !",]\n \t\r".includes(text[j]!)) j++;
            out.push({ line: this.line, error: "a record must be a JSON object, found a bare value" });
            i = j;
            continue;
          }
          i++;
      }
    }
    if (this.capturing) this.appendCapture(text.slice(captureStart), out);
    if (this.inString && this.keyStart !== -1) {
      // Only "value" / "records" matter; a longer key need not be kept whole.
      this.keyBuffer = (this.keyBuffer + text.slice(this.keyStart)).slice(0, 64);
      this.keyStart = 0;
    }
  }

  end(out: RawItem[]): void {
    if (this.capturing) {
      out.push({ line: this.captureLine, error: "the file ends inside this record (truncated)" });
    } else if (this.depth > 0) {
      out.push({ line: this.line, error: "the file ends inside the list of records (truncated)" });
    }
  }

  /** A value starting here is a record: inside the record array, or a top-level object. */
  private startsRecord(c: number): boolean {
    if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) return false;
    if (this.depth === this.recordArrayDepth) return true;
    return this.depth === 0 && c === OPEN_OBJECT;
  }

  private isWrapperKey(): boolean {
    return (this.lastKey === "value" || this.lastKey === "records") && this.captureDepth === 0;
  }

  private skipString(text: string, from: number): number {
    let i = from;
    for (;;) {
      const q = text.indexOf('"', i);
      if (q === -1) {
        let k = text.length - 1;
        let run = 0;
        while (k >= i && text.charCodeAt(k) === BACKSLASH) {
          run++;
          k--;
        }
        this.escapeCarry = k < i ? this.escapeCarry !== (run % 2 === 1) : run % 2 === 1;
        return text.length;
      }
      let k = q - 1;
      let run = 0;
      while (k >= i && text.charCodeAt(k) === BACKSLASH) {
        run++;
        k--;
      }
      let escaped = run % 2 === 1;
      if (k < i && from === 0 && i === 0 && this.escapeCarry) escaped = !escaped;
      this.escapeCarry = false;
      if (!escaped) {
        this.inString = false;
        if (this.keyStart !== -1) {
          this.lastKey = this.keyBuffer + text.slice(this.keyStart, q);
          this.keyStart = -1;
          this.expectKey = false;
        }
        return q + 1;
      }
      i = q + 1;
    }
  }

  private appendCapture(part: string, out: RawItem[]): void {
    if (this.oversize) return;
    this.captureSize += part.length;
    if (this.captureSize > MAX_RECORD_CHARS) {
      this.oversize = true;
      this.captureParts = [];
      out.push({
        line: this.captureLine,
        error: `a record of more than ${MAX_RECORD_CHARS / (1024 * 1024)} M characters; skipped`,
      });
      return;
    }
    this.captureParts.push(part);
  }

  private finishCapture(part: string, out: RawItem[]): void {
    this.appendCapture(part, out);
    this.capturing = false;
    if (this.oversize) return;
    const text = this.captureParts.length === 1 ? this.captureParts[0]! : this.captureParts.join("");
    this.captureParts = [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const { lineOffset, reason } = locateJsonError(text);
      out.push({ line: this.captureLine + lineOffset, error: reason });
      return;
    }
    // A top-level object that turned out not to be a wrapper is itself a record (or a small page).
    unwrap(value, this.captureLine, out, this.context);
  }

  private noteWrapperHead(head: string): void {
    const prefix = this.captureParts.join("") + head;
    this.captureParts = [];
    const match = /"@odata\.context"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(prefix);
    this.context = match ? match[1] : undefined;
  }

  private noteGarbage(out: RawItem[]): void {
    if (this.garbageLine === this.line) return;
    this.garbageLine = this.line;
    out.push({ line: this.line, error: "text outside any JSON value" });
  }
}

async function* readDocument(chunks: AsyncIterable<string>): AsyncGenerator<RawItem[]> {
  const scanner = new DocumentScanner();
  for await (const chunk of chunks) {
    const out: RawItem[] = [];
    scanner.push(chunk, out);
    if (out.length) yield out;
  }
  const out: RawItem[] = [];
  scanner.end(out);
  if (out.length) yield out;
}
