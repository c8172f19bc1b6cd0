import fs from "node:fs";
import path from "node:path";
import type { CaseStore, RecordKind, RecordWriter, UpsertItem } from "../store/index.js";
import { type CsvLayout, readCsvRecords } from "./csv-reader.js";
import { FileFormatError, isGzip, openText, type TextSource } from "./decode.js";
import { isEventHubRecord, mapEventHubRecord } from "./event-hub.js";
import { mapGraphRecord } from "./graph-json.js";
import { type JsonLayout, readJsonRecords } from "./json-reader.js";
import { isLogAnalyticsRow, mapLogAnalyticsRow } from "./log-analytics.js";
import { isObject, type Mapped } from "./mapped.js";
import { peek } from "./peek.js";
import { mapPortalAudit, mapPortalSignIn } from "./portal-csv.js";

export interface Rejection {
  line: number;
  reason: string;
}

export interface FileImportSummary {
  /** Absolute path, as recorded in the provenance of its records. */
  file: string;
  /** e.g. `json-lines`, `json-document`, `csv:log-analytics`, `csv:portal-signins`; `unknown` if unread. */
  format: string;
  compression: TextSource["compression"] | "unknown";
  encoding: TextSource["encoding"] | "unknown";
  /** Records new to the case. */
  imported: number;
  /** Records already in the case that this file changed or added a provenance to. */
  updated: number;
  /** Records already in the case from this very file (re-import). */
  duplicates: number;
  /** Well-formed records of a kind mfa-evict does not use (e.g. ProvisioningLogs), per reason. */
  skipped: number;
  skipReasons: Record<string, number>;
  /** Malformed, truncated or hostile records, and file-level failures. */
  rejected: number;
  /** The first `maxListedRejections` rejections, each with its line and reason. */
  rejections: Rejection[];
  byKind: Partial<Record<RecordKind, number>>;
  /** How records were recognised: `graph`, `event-hub`, `log-analytics`, `portal-csv`. */
  recordFormats: Record<string, number>;
}

export interface ImportSummary {
  files: FileImportSummary[];
  imported: number;
  updated: number;
  duplicates: number;
  skipped: number;
  rejected: number;
}

export interface ImportOptions {
  /** Called after each batch is committed. */
  onProgress?: (progress: { file: string; records: number }) => void;
  /** Rejections listed per file (all are counted). Default 100. */
  maxListedRejections?: number;
  /** At most this many records per batch written (one transaction each). Default 5000. */
  batchSize?: number;
}

/** Imports each file in turn; one file's failure never stops the others. */
export async function importFiles(
  store: CaseStore,
  files: readonly string[],
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    files: [],
    imported: 0,
    updated: 0,
    duplicates: 0,
    skipped: 0,
    rejected: 0,
  };
  for (const file of files) {
    const result = await importFile(store, file, options);
    summary.files.push(result);
    summary.imported += result.imported;
    summary.updated += result.updated;
    summary.duplicates += result.duplicates;
    summary.skipped += result.skipped;
    summary.rejected += result.rejected;
  }
  return summary;
}

/**
 * Batches read ahead of the writer. A batch is at most what the reader hands over at once (a 1 MB
 * chunk of JSON; up to 500 CSV rows, about 1 MB at most), so this bounds the memory they hold, while
 * it lets reading run ahead of a writer that is starting or committing.
 */
const MAX_BATCHES_IN_FLIGHT = 32;

interface Pending {
  kind: RecordKind;
  item: UpsertItem;
  line: number;
}

/**
 * Imports one exported log file into the case: detects compression, encoding and layout, maps every
 * record to its Graph shape and upserts it with provenance (file, line). Never throws for bad input:
 * everything that could not be imported is in the summary's rejections.
 */
export async function importFile(
  store: CaseStore,
  file: string,
  options: ImportOptions = {},
): Promise<FileImportSummary> {
  const absolute = path.resolve(file);
  const maxListed = options.maxListedRejections ?? 100;
  const batchSize = options.batchSize ?? 5000;
  const summary: FileImportSummary = {
    file: absolute,
    format: "unknown",
    compression: "unknown",
    encoding: "unknown",
    imported: 0,
    updated: 0,
    duplicates: 0,
    skipped: 0,
    skipReasons: {},
    rejected: 0,
    rejections: [],
    byKind: {},
    recordFormats: {},
  };
  const reject = (line: number, reason: string) => {
    summary.rejected++;
    if (summary.rejections.length < maxListed) summary.rejections.push({ line, reason });
  };
  let pending: Pending[] = [];
  // Batches handed to the writer and not yet written, oldest first: reading and parsing go on while
  // the case is written, up to MAX_BATCHES_IN_FLIGHT batches ahead.
  const inFlight: Promise<void>[] = [];
  const flush = (writer: RecordWriter) => {
    if (pending.length === 0) return;
    const byKind = new Map<RecordKind, Pending[]>();
    for (const p of pending) {
      const list = byKind.get(p.kind);
      if (list) list.push(p);
      else byKind.set(p.kind, [p]);
    }
    pending = [];
    for (const [kind, list] of byKind) {
      // Only the line numbers are kept until the batch is written: holding the parsed records that
      // long would move them to the old generation of the heap, where collecting them costs more.
      const lines = list.map((p) => p.line);
      const written = writer
        .write(
          kind,
          list.map((p) => p.item),
        )
        .then((result) => {
          summary.imported += result.inserted;
          summary.updated += result.updated;
          summary.duplicates += result.unchanged;
          summary.byKind[kind] = (summary.byKind[kind] ?? 0) + lines.length - result.rejected.length;
          for (const r of result.rejected) reject(lines[r.index]!, r.reason);
          options.onProgress?.({
            file: absolute,
            records: summary.imported + summary.updated + summary.duplicates,
          });
        });
      // Awaited below, in order; until then a failure must not count as unhandled.
      written.catch(() => {});
      inFlight.push(written);
    }
  };
  const settle = async (limit: number) => {
    while (inFlight.length > limit) await inFlight.shift();
  };
  const take = (writer: RecordWriter, line: number, mapped: Mapped, format: string, json?: string) => {
    if ("reject" in mapped) {
      reject(line, mapped.reject);
      return;
    }
    if ("skip" in mapped) {
      summary.skipped++;
      summary.skipReasons[mapped.skip] = (summary.skipReasons[mapped.skip] ?? 0) + 1;
      return;
    }
    summary.recordFormats[format] = (summary.recordFormats[format] ?? 0) + 1;
    const provenance = { source: "file", file: absolute, line } as const;
    const item: UpsertItem = { record: mapped.record, provenance };
    if (mapped.scope !== undefined) item.scope = mapped.scope;
    if (json !== undefined) item.json = json;
    pending.push({ kind: mapped.kind, item, line });
    if (pending.length >= batchSize) flush(writer);
  };

  await store.bulkLoad(estimatedRecords(absolute), async (writer) => {
    // Called between the reader's batches (a chunk of the file each): the records read are handed on
    // while they are young, and the reader waits when the writer falls behind.
    const progress = async () => {
      flush(writer);
      await settle(MAX_BATCHES_IN_FLIGHT);
    };
    try {
      const source = await openText(absolute);
      summary.compression = source.compression;
      summary.encoding = source.encoding;
      const { head, text: chunks } = await peek(source.chunks, (start) => /\S/.test(start));
      const first = /\S/.exec(head)?.[0];
      if (first === "{" || first === "[") {
        for await (const items of readJsonRecords(chunks, (layout: JsonLayout) => {
          summary.format = layout;
        })) {
          for (const item of items) {
            if ("error" in item && item.error !== undefined) reject(item.line, item.error);
            else {
              const [mapped, format] = guarded(() => mapJsonValue(item.value, item.context));
              // The line's text is the stored JSON only when the record was taken as it is.
              const json = "record" in mapped && mapped.record === item.value ? item.json : undefined;
              take(writer, item.line, mapped, format, json);
            }
          }
          await progress();
        }
      } else if (first !== undefined) {
        const fileName = path.basename(absolute);
        let layout: CsvLayout = "log-analytics";
        for await (const items of readCsvRecords(chunks, (l) => {
          layout = l;
          summary.format = `csv:${l}`;
        })) {
          for (const item of items) {
            if ("error" in item) reject(item.line, item.error);
            else take(writer, item.line, ...guarded(() => mapCsvRow(item.row, layout, fileName)));
          }
          await progress();
        }
        if (summary.format === "unknown")
          throw new FileFormatError("not a recognised log export (no CSV header)");
      } else {
        summary.format = "empty";
      }
    } catch (error) {
      if (error instanceof FileFormatError) reject(error.line ?? 0, error.message);
      else if (isCsvError(error))
        reject(error.lines ?? 0, `malformed CSV, the rest of the file is unreadable: ${error.message}`);
      else if (isSystemError(error)) reject(0, `cannot read the file: ${error.message}`);
      else throw error;
    } finally {
      // Everything read before a failure is still written.
      flush(writer);
      await settle(0);
    }
  });
  summary.rejections.sort((a, b) => a.line - b.line);
  return summary;
}

/**
 * About how many records a file holds, to let the store prepare a bulk load; 0 if unknown. A record
 * is about 1 KB of text, and exported logs shrink about tenfold or more in gzip. A wrong estimate
 * costs only speed: too low forgoes the store's writer thread, too high pays for its start-up.
 */
function estimatedRecords(file: string): number {
  try {
    const head = Buffer.alloc(2);
    const fd = fs.openSync(file, "r");
    try {
      fs.readSync(fd, head, 0, 2, 0);
    } finally {
      fs.closeSync(fd);
    }
    return (fs.statSync(file).size * (isGzip(head) ? 10 : 1)) / 1024;
  } catch {
    return 0;
  }
}

/** A record no mapper anticipated must cost only itself, never the rest of the file. */
function guarded(map: () => [Mapped, string]): [Mapped, string] {
  try {
    return map();
  } catch (error) {
    return [
      { reject: `cannot map this record: ${error instanceof Error ? error.message : String(error)}` },
      "unknown",
    ];
  }
}

function mapJsonValue(value: unknown, context: string | undefined): [Mapped, string] {
  if (!isObject(value)) return [{ reject: "a record must be a JSON object" }, "json"];
  if (isEventHubRecord(value)) return [mapEventHubRecord(value), "event-hub"];
  if (isLogAnalyticsRow(value)) return [mapLogAnalyticsRow(value), "log-analytics"];
  return [mapGraphRecord(value, context), "graph"];
}

function mapCsvRow(row: Record<string, string>, layout: CsvLayout, fileName: string): [Mapped, string] {
  if (layout === "portal-signins") return [mapPortalSignIn(row, fileName), "portal-csv"];
  if (layout === "portal-audits") return [mapPortalAudit(row), "portal-csv"];
  if (!isLogAnalyticsRow(row)) {
    return [{ reject: "CSV row is neither a Log Analytics row nor a portal download row" }, "log-analytics"];
  }
  return [mapLogAnalyticsRow(row), "log-analytics"];
}

/** csv-parse's fatal errors (codes `CSV_…`), with the line it stopped at. */
function isCsvError(error: unknown): error is Error & { lines?: number } {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith("CSV_");
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}
