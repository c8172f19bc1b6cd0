import type { GraphConnector } from "../graph/index.js";
import type { CaseStore, Provenance, RecordKind } from "../store/index.js";
import type { ProgressReporter } from "./progress.js";

/** Everything a stream collector needs; one per `collect` run. */
export interface CollectContext {
  client: GraphConnector;
  store: CaseStore;
  /** Start of the log window. */
  since: Date;
  /** The run's "as of" instant: log windows end here, so a resumed run ends where it would have. */
  asOf: Date;
  /** Only these users (ids or UPNs, or an OData filter); undefined = the whole tenant. */
  users?: UserScope;
  /** Application permissions of the token, lower-cased. */
  granted: readonly string[];
  progress: ProgressReporter;
}

export type UserScope = { filter: string } | { list: string[] };

/** What happened to one part of a stream (a stream can have several, e.g. risky users and detections). */
export interface PartOutcome {
  stream: string;
  part: string;
  status: "collected" | "skipped" | "failed";
  /** Records written (fetched and stored) by this run. */
  records: number;
  /** Why it was skipped or failed, or a note (e.g. "signInActivity not collected: …"). */
  reason?: string;
  /** Items that failed while the rest went on (e.g. users whose methods could not be read). */
  failures?: number;
  /** Inventory passes (methods, devices): whether every object was read or only the changed ones. */
  mode?: "full" | "incremental";
}

export function graphProvenance(endpoint: string): Extract<Provenance, { source: "graph" }> {
  return { source: "graph", collectedAt: new Date().toISOString(), endpoint };
}

/** The parent ids (users, devices, groups) a scoped kind currently has records for. */
export function scopesOf(ctx: CollectContext, kind: RecordKind): Set<string> {
  const scopes = new Set<string>();
  for (const stored of ctx.store.iterate(kind)) if (stored.scope) scopes.add(stored.scope);
  return scopes;
}
