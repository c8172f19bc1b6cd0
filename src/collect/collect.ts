import type { GraphConnector } from "../graph/index.js";
import type { CaseStore } from "../store/index.js";
import type { CollectContext, PartOutcome, UserScope } from "./context.js";
import { collectDevices } from "./devices.js";
import { DEFAULT_INVENTORY_MAX_AGE_MS, type InventoryPlan } from "./inventory-pass.js";
import { collectAudits, collectRisk, collectSignIns } from "./logs.js";
import { collectMethods, collectRegistrationDetails } from "./methods.js";
import { outcomeFromError } from "./outcome.js";
import { collectPolicies } from "./policies.js";
import { type PreflightResult, preflight } from "./preflight.js";
import { type ProgressReporter, silentProgress } from "./progress.js";
import { collectGroups, collectRoles } from "./roles.js";
import { COLLECT_STREAMS, type CollectStream } from "./streams.js";
import { UserFeed } from "./user-feed.js";
import { collectUsers, userIdsInScope } from "./users.js";

export interface CollectOptions {
  client: GraphConnector;
  store: CaseStore;
  /** Streams to collect; default all. */
  only?: readonly CollectStream[];
  /** Start of the log window. */
  since: Date;
  users?: UserScope;
  progress?: ProgressReporter;
  /** Called once the token's permissions are checked, before anything is collected. */
  onPreflight?: (result: PreflightResult) => void;
  /** `--full`: re-read every user's methods and every device's owners, not only what changed. */
  full?: boolean;
  /** Longest time since the last full inventory pass before the next one is full (default 7 days). */
  inventoryMaxAgeMs?: number;
}

export interface CollectSummary {
  tenantId?: string;
  appId?: string;
  /** The run's "as of" instant (kept from the interrupted run when resuming). */
  asOf: string;
  since: string;
  /** True when this invocation finished a run that an earlier one had started. */
  resumed: boolean;
  preflight: PreflightResult;
  outcomes: PartOutcome[];
  durationMs: number;
}

export const RUN_CHECKPOINT = "collect.run";

/** An unfinished run: its fixed end of the log windows, and the streams already done. */
interface RunCheckpoint {
  asOf: string;
  done: CollectStream[];
}

/**
 * Collects the requested streams into the case, as fast as the budgets allow: streams that draw on
 * different Graph throttling scopes (directory, reports, Identity Protection/CA) run at the same
 * time; methods follow the users listing page by page; roles and policies come before group members.
 *
 * A run that is interrupted (kill -9, a closed laptop) is resumed by the next invocation: the same
 * "as of" instant, finished streams skipped, unfinished ones continued from their checkpoints.
 */
export async function collectCase(options: CollectOptions): Promise<CollectSummary> {
  const started = Date.now();
  const { client, store } = options;
  const only = options.only ?? COLLECT_STREAMS;
  const progress = options.progress ?? silentProgress;
  const identity = await client.identity();
  if (identity.tenantId) store.setMeta("tenantId", identity.tenantId);
  if (identity.appId) store.setMeta("collectorAppId", identity.appId);

  const previous = store.getCheckpoint(RUN_CHECKPOINT) as RunCheckpoint | undefined;
  const run: RunCheckpoint = previous ?? { asOf: new Date().toISOString(), done: [] };
  if (!previous) store.setCheckpoint(RUN_CHECKPOINT, run);
  const ctx: CollectContext = {
    client,
    store,
    since: options.since,
    asOf: new Date(run.asOf),
    ...(options.users ? { users: options.users } : {}),
    granted: identity.roles,
    progress,
  };
  const checked = preflight(only, identity.roles);
  options.onPreflight?.(checked);
  const outcomes: PartOutcome[] = [];

  const stream = async (
    name: CollectStream,
    work: () => Promise<PartOutcome | PartOutcome[]>,
  ): Promise<void> => {
    if (!only.includes(name)) return;
    if (run.done.includes(name)) {
      outcomes.push({
        stream: name,
        part: name,
        status: "collected",
        records: 0,
        reason: "already collected by the interrupted run",
      });
      return;
    }
    let result: PartOutcome | PartOutcome[];
    try {
      result = await work();
    } catch (error) {
      // Collectors turn Graph failures into outcomes themselves; this catches the unexpected (a
      // store error, a bug) so the other streams still finish and the run is still summarised.
      result = outcomeFromError(name, name, error);
    }
    outcomes.push(...(Array.isArray(result) ? result : [result]));
    store.transaction(() => {
      run.done.push(name);
      store.setCheckpoint(RUN_CHECKPOINT, run);
    });
  };

  // The directory lane orders itself; the reports and protection lanes overlap it. Methods start
  // with the first page of users when users are listed now, else from the users in the case.
  // Users are always listed in full (one request per 999 users): that is how deleted users leave
  // the case and signInActivity stays current, and Graph's /users/delta cannot return
  // signInActivity, so an incremental listing would save little and lose that.
  const listing = only.includes("users") && !run.done.includes("users");
  const feed = listing ? new UserFeed() : UserFeed.of(only.includes("methods") ? userIdsInScope(ctx) : []);
  const usersDone = stream("users", () => collectUsers(ctx, feed));
  const policiesDone = stream("policies", () => collectPolicies(ctx));
  const auditsDone = stream("audits", () => collectAudits(ctx));
  // Incremental inventory passes read this run's audits, so they wait for that stream (itself
  // incremental, hence short) once they know they may go incremental.
  const inventory: InventoryPlan = {
    full: options.full === true,
    maxAgeMs: options.inventoryMaxAgeMs ?? DEFAULT_INVENTORY_MAX_AGE_MS,
    ...(only.includes("audits") ? { audits: auditsDone } : {}),
  };
  await Promise.all([
    usersDone,
    policiesDone,
    auditsDone,
    stream("methods", async () => {
      // The report is tenant-wide and starts at once; with a --users scope it waits for the scope.
      const registration = ctx.users
        ? usersDone.then(() => collectRegistrationDetails(ctx))
        : collectRegistrationDetails(ctx);
      return [await collectMethods(ctx, feed, inventory), await registration];
    }),
    stream("devices", () => collectDevices(ctx, inventory, only.includes("users") ? usersDone : undefined)),
    stream("roles", async () => {
      const roles = await collectRoles(ctx);
      await policiesDone;
      return [roles, await collectGroups(ctx)];
    }),
    stream("risk", () => collectRisk(ctx)),
    stream("signins", () => collectSignIns(ctx)),
  ]);
  progress.stop();
  store.deleteCheckpoint(RUN_CHECKPOINT);

  outcomes.sort(
    (a, b) =>
      COLLECT_STREAMS.indexOf(a.stream as CollectStream) - COLLECT_STREAMS.indexOf(b.stream as CollectStream),
  );
  return {
    ...(identity.tenantId ? { tenantId: identity.tenantId } : {}),
    ...(identity.appId ? { appId: identity.appId } : {}),
    asOf: run.asOf,
    since: options.since.toISOString(),
    resumed: previous !== undefined,
    preflight: checked,
    outcomes,
    durationMs: Date.now() - started,
  };
}
