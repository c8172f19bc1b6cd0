import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { peek } from "./peek.js";
import { type PortalLayout, portalLayout } from "./portal-csv.js";

export type CsvLayout = PortalLayout | "log-analytics";

export type CsvItem = { line: number; row: Record<string, string> } | { line: number; error: string };

/** A batch is at most this many rows and, past the row that crosses it, this much text. */
const BATCH_ROWS = 500;
const BATCH_BYTES = 1 << 20;

/**
 * Reads a CSV export row by row (quoted multi-line cells included) into objects keyed by column.
 * Log Analytics headers are normalised: `CreatedDateTime [UTC]` → `CreatedDateTime`, and the
 * `X_dynamic` / `X_string` pair that the portal's "Export to CSV" splits a dynamic column into
 * becomes one `X` (the JSON text when present, else the plain string).
 */
export async function* readCsvRecords(
  chunks: AsyncIterable<string>,
  onLayout: (layout: CsvLayout) => void,
): AsyncGenerator<CsvItem[]> {
  const skipped: CsvItem[] = [];
  const { delimiter, text } = await sniffDelimiter(chunks);
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
  });
  parser.on("skip", (error: Error & { lines?: number }) => {
    skipped.push({ line: error.lines ?? 0, error: `malformed CSV: ${error.message.replace(/\s+/g, " ")}` });
  });
  Readable.from(text).pipe(parser);
  let header: string[] | undefined;
  let columns: { name: string; part: "whole" | "dynamic" | "string" }[] = [];
  let batch: CsvItem[] = [];
  let batchStart = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number; bytes: number };
  }>) {
    const line = info.lines - newlinesIn(record);
    if (!header) {
      header = record.map((h) => h.trim());
      const layout = portalLayout(header) ?? "log-analytics";
      onLayout(layout);
      columns = header.map((h) => (layout === "log-analytics" ? laColumn(h) : { name: h, part: "whole" }));
      continue;
    }
    if (record.length !== header.length) {
      batch.push({ line, error: `CSV row has ${record.length} fields, the header has ${header.length}` });
    } else {
      const row: Record<string, string> = {};
      columns.forEach((column, i) => {
        const value = record[i]!;
        if (column.part === "string" && row[column.name]) return;
        if (value !== "" || !(column.name in row)) row[column.name] = value;
      });
      batch.push({ line, row });
    }
    if (skipped.length) batch.push(...skipped.splice(0));
    if (batch.length >= BATCH_ROWS || info.bytes - batchStart >= BATCH_BYTES) {
      yield batch;
      batch = [];
      batchStart = info.bytes;
    }
  }
  batch.push(...skipped.splice(0));
  if (batch.length) yield batch;
}

function laColumn(header: string): { name: string; part: "whole" | "dynamic" | "string" } {
  const name = header.replace(/\s*\[UTC\]$/i, "");
  if (name.endsWith("_dynamic")) return { name: name.slice(0, -"_dynamic".length), part: "dynamic" };
  if (name.endsWith("_string")) return { name: name.slice(0, -"_string".length), part: "string" };
  return { name, part: "whole" };
}

function newlinesIn(record: readonly string[]): number {
  let n = 0;
  for (const field of record) for (let i = field.indexOf("\n"); i !== -1; i = field.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * Comma, or tab when the header line has more tabs than commas (Excel's "Unicode text" export is
 * tab-separated UTF-16). Returns the text again from its start.
 */
async function sniffDelimiter(
  chunks: AsyncIterable<string>,
): Promise<{ delimiter: string; text: AsyncIterable<string> }> {
  const { head, text } = await peek(chunks, (start) => start.includes("\n") || start.length >= 1 << 20);
  const firstLine = head.slice(0, head.indexOf("\n") === -1 ? head.length : head.indexOf("\n"));
  const tabs = firstLine.split("\t").length - 1;
  const commas = firstLine.split(",").length - 1;
  return { delimiter: tabs > commas ? "\t" : ",", text };
}
