import { and, type GraphConnector, GraphError, type GraphVersion, ge, le } from "../graph/index.js";
import type { RecordKind } from "../store/index.js";
import { type CollectContext, graphProvenance } from "./context.js";

/**
 * One append-only log (audits, a kind of sign-in, risk detections) pulled by time window.
 *
 * The checkpoint holds the time range already in the case (`coverage`) and, while a window is being
 * paged, that window and the `@odata.nextLink` of the next page. Each page and its checkpoint are
 * written in one transaction, so after a crash the run resumes at the page it had not stored yet; a
 * window's end is fixed when the window starts, so a resumed run ends where the interrupted one
 * would have. A later run only asks for what lies outside the coverage (plus a small overlap, as
 * Entra logs arrive late), which makes re-running incremental; records are upserted, so overlap
 * costs requests but never duplicates.
 */
export interface LogStreamSpec {
  /** Checkpoint name, e.g. `signins.nonInteractive`. */
  name: string;
  kind: Extract<RecordKind, "audits" | "signIns" | "riskDetections">;
  version: GraphVersion;
  path: string;
  /** The property the window filters on. */
  timeProperty: string;
  /** Extra `$filter` clause built with the OData helpers (e.g. the sign-in event type). */
  filter?: string;
  /** Page size to ask for (the endpoint's maximum), if the endpoint accepts `$top`. */
  top?: number;
  /** Progress task name. */
  task: string;
}

export interface TimeRange {
  from: string;
  to: string;
}

export interface LogCheckpoint {
  coverage?: TimeRange;
  window?: TimeRange & { nextLink?: string };
}

/** Logs can land in Entra minutes after the event; re-read this much before the covered end. */
export const LATE_ARRIVAL_MS = 15 * 60_000;

export interface LogStreamResult {
  records: number;
  rejected: number;
  windows: TimeRange[];
}

/** The windows still to fetch for [since, asOf] given what the case already covers. */
export function windowsToFetch(coverage: TimeRange | undefined, since: Date, asOf: Date): TimeRange[] {
  const from = since.toISOString();
  const to = asOf.toISOString();
  if (!coverage) return from < to ? [{ from, to }] : [];
  const windows: TimeRange[] = [];
  if (from < coverage.from) windows.push({ from, to: coverage.from });
  const lateStart = new Date(
    Math.max(since.getTime(), Date.parse(coverage.to) - LATE_ARRIVAL_MS),
  ).toISOString();
  if (to > coverage.to) windows.push({ from: lateStart, to });
  return windows;
}

/**
 * The coverage after a window (ISO strings sort as times). A window that touches the coverage
 * extends it; one that leaves a gap (a `--since` later than the end of the coverage) replaces it,
 * since one range cannot say "except the gap" and the coverage must never claim records the case
 * may lack (incremental inventory passes trust it).
 */
function union(coverage: TimeRange | undefined, window: TimeRange): TimeRange {
  if (!coverage || window.from > coverage.to || window.to < coverage.from)
    return { from: window.from, to: window.to };
  const froms = [window.from, coverage.from].sort();
  const tos = [window.to, coverage.to].sort();
  return { from: froms[0]!, to: tos[1]! };
}

export async function collectLogStream(ctx: CollectContext, spec: LogStreamSpec): Promise<LogStreamResult> {
  const { store } = ctx;
  let checkpoint = (store.getCheckpoint(spec.name) as LogCheckpoint | undefined) ?? {};
  const result: LogStreamResult = { records: 0, rejected: 0, windows: [] };
  const save = (next: LogCheckpoint) => {
    store.setCheckpoint(spec.name, next);
    checkpoint = next;
  };

  const runWindow = async (window: TimeRange, resumeFrom?: string) => {
    result.windows.push({ from: window.from, to: window.to });
    const pages = resumeFrom
      ? resumablePages(ctx.client, spec, window, resumeFrom)
      : windowPages(ctx.client, spec, window);
    for await (const page of pages) {
      const provenance = graphProvenance(`/${spec.version}${spec.path}`);
      store.transaction(() => {
        const upserted = store.upsert(spec.kind, page.items, provenance);
        result.rejected += upserted.rejected.length;
        save({
          ...(checkpoint.coverage ? { coverage: checkpoint.coverage } : {}),
          window: { from: window.from, to: window.to, ...(page.nextLink ? { nextLink: page.nextLink } : {}) },
        });
      });
      result.records += page.items.length;
      ctx.progress.advance(spec.task, page.items.length);
    }
    save({ coverage: union(checkpoint.coverage, window) });
  };

  if (checkpoint.window) await runWindow(checkpoint.window, checkpoint.window.nextLink);
  for (const window of windowsToFetch(checkpoint.coverage, ctx.since, ctx.asOf)) await runWindow(window);
  return result;
}

function windowPages(client: GraphConnector, spec: LogStreamSpec, window: TimeRange) {
  const query: Record<string, string> = {
    $filter: and(ge(spec.timeProperty, window.from), le(spec.timeProperty, window.to), spec.filter),
  };
  if (spec.top) query.$top = String(spec.top);
  return client.pageStream<unknown>({ method: "GET", path: spec.path, version: spec.version, query });
}

/** Continues from a saved nextLink; if Graph no longer honours it, the window starts again. */
async function* resumablePages(
  client: GraphConnector,
  spec: LogStreamSpec,
  window: TimeRange,
  nextLink: string,
) {
  try {
    yield* client.pageStream<unknown>({ nextLink });
  } catch (error) {
    if (!(error instanceof GraphError) || error.status < 400 || error.status >= 500 || error.status === 403)
      throw error;
    yield* windowPages(client, spec, window);
  }
}
