/**
 * Reading and writing tenant files. JSON or YAML by extension; every load is validated against the
 * schema and errors name the file and the path of the bad field.
 *
 * JSON is written one array element per line, streamed, so that a 50,000-user tenant (gigabytes)
 * never has to exist as one string; files too large for one string are read back line by line in
 * that same layout.
 */
import { closeSync, openSync, readFileSync, readSync, statSync, writeSync } from "node:fs";
import { extname } from "node:path";
import YAML from "yaml";
import type { z } from "zod";
import { TENANT_SCHEMA_VERSION, type TenantDocument, tenantDocumentSchema } from "./schema.js";

export class TenantFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`tenant file ${path}: ${message}`);
    this.name = "TenantFileError";
  }
}

/** Above this size a JSON file is read line by line (V8 strings stop at about 512 MiB). */
const WHOLE_FILE_LIMIT = 256 * 1024 * 1024;

function isYaml(path: string): boolean {
  const ext = extname(path).toLowerCase();
  return ext === ".yaml" || ext === ".yml";
}

function formatPath(path: PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || "(document)";
}

/** Validates a parsed document; the error lists up to ten bad fields by path. */
export function parseTenantDocument(data: unknown, source: string): TenantDocument {
  if (
    data &&
    typeof data === "object" &&
    "schemaVersion" in data &&
    data.schemaVersion !== TENANT_SCHEMA_VERSION
  ) {
    throw new TenantFileError(
      source,
      `schemaVersion ${JSON.stringify(data.schemaVersion)} is not supported (this version reads ${TENANT_SCHEMA_VERSION})`,
    );
  }
  const result = tenantDocumentSchema.safeParse(data);
  // The schema only validates (no defaults, no transforms), so the input itself is the document:
  // keeping it preserves key order (byte-stable re-export) and avoids copying millions of records.
  if (result.success) return data as TenantDocument;
  const issues = result.error.issues as z.core.$ZodIssue[];
  const lines = issues.slice(0, 10).map((i) => `  ${formatPath(i.path)}: ${i.message}`);
  if (issues.length > 10) lines.push(`  … and ${issues.length - 10} more`);
  throw new TenantFileError(source, `does not match the tenant schema:\n${lines.join("\n")}`);
}

export function loadTenantFile(path: string): TenantDocument {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new TenantFileError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let data: unknown;
  if (isYaml(path)) {
    try {
      data = YAML.parse(readFileSync(path, "utf8"), { maxAliasCount: 1000 });
    } catch (err) {
      throw new TenantFileError(path, `is not valid YAML: ${(err as Error).message}`);
    }
  } else if (size > WHOLE_FILE_LIMIT) {
    data = readTenantLineLayout(path);
  } else {
    try {
      data = JSON.parse(readFileSync(path, "utf8"));
    } catch (err) {
      throw new TenantFileError(path, `is not valid JSON: ${(err as Error).message}`);
    }
  }
  return parseTenantDocument(data, path);
}

/** Writes the tenant as JSON (streamed, one element per line) or YAML (by extension). */
export function exportTenantFile(tenant: TenantDocument, path: string): void {
  if (isYaml(path)) {
    const fd = openSync(path, "w");
    try {
      writeSync(fd, YAML.stringify(tenant, { aliasDuplicateObjects: false, lineWidth: 0 }));
    } finally {
      closeSync(fd);
    }
    return;
  }
  const fd = openSync(path, "w");
  let buffer = "";
  const write = (text: string) => {
    buffer += text;
    if (buffer.length > 1 << 20) {
      writeSync(fd, buffer);
      buffer = "";
    }
  };
  try {
    const entries = Object.entries(tenant);
    write("{\n");
    entries.forEach(([key, value], i) => {
      const comma = i < entries.length - 1 ? "," : "";
      if (Array.isArray(value)) {
        if (value.length === 0) {
          write(`${JSON.stringify(key)}: []${comma}\n`);
          return;
        }
        write(`${JSON.stringify(key)}: [\n`);
        for (let j = 0; j < value.length; j++)
          write(`${JSON.stringify(value[j])}${j < value.length - 1 ? "," : ""}\n`);
        write(`]${comma}\n`);
      } else {
        write(`${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}\n`);
      }
    });
    write("}\n");
    writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
}

/** Calls `onLine` for every line of a file, reading it in chunks. */
function forEachLine(path: string, onLine: (line: string, lineNo: number) => void): void {
  const fd = openSync(path, "r");
  const chunk = Buffer.allocUnsafe(8 << 20);
  let carry = "";
  let lineNo = 0;
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      // Decoding per chunk could split a UTF-8 sequence: cut at the last newline byte instead.
      const lastNl = chunk.lastIndexOf(10, n - 1);
      if (lastNl < 0) {
        carry += chunk.toString("utf8", 0, n);
        continue;
      }
      const text = carry + chunk.toString("utf8", 0, lastNl);
      carry = chunk.toString("utf8", lastNl + 1, n);
      for (const line of text.split("\n")) onLine(line, ++lineNo);
    }
    if (carry) onLine(carry, ++lineNo);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the exporter's JSON layout line by line: one top-level key per line, or one array element
 * per line. loadTenantFile uses it for files too large to read as one string.
 */
export function readTenantLineLayout(path: string): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  let array: unknown[] | null = null;
  const fail = (lineNo: number, why: string): never => {
    throw new TenantFileError(
      path,
      `line ${lineNo}: ${why} (files over ${WHOLE_FILE_LIMIT >> 20} MiB must use the layout written by --export-tenant)`,
    );
  };
  forEachLine(path, (raw, lineNo) => {
    const line = raw.trimEnd();
    if (line === "{" || line === "}" || line === "") return;
    if (array) {
      if (line === "]" || line === "],") {
        array = null;
        return;
      }
      try {
        array.push(JSON.parse(line.endsWith(",") ? line.slice(0, -1) : line));
      } catch (err) {
        fail(lineNo, `array element is not valid JSON: ${(err as Error).message}`);
      }
      return;
    }
    const m = /^("(?:[^"\\]|\\.)*"):\s*(.*?),?$/.exec(line);
    if (!m) return fail(lineNo, "expected a top-level key");
    const key = JSON.parse(m[1]!) as string;
    if (m[2] === "[") {
      array = [];
      doc[key] = array;
      return;
    }
    try {
      doc[key] = JSON.parse(m[2]!);
    } catch (err) {
      fail(lineNo, `value of ${key} is not valid JSON: ${(err as Error).message}`);
    }
  });
  return doc;
}
