import { GraphError, type GraphRequest } from "../graph/index.js";
import type { AuthenticationMethod, UserRegistrationDetails } from "../graph/types.js";
import { type CollectContext, graphProvenance, type PartOutcome, scopesOf } from "./context.js";
import {
  auditTargets,
  changesMethods,
  completedCheckpoint,
  decidePass,
  type InventoryPlan,
  type PassCheckpoint,
} from "./inventory-pass.js";
import { outcomeFromError, runPart } from "./outcome.js";
import { permissionGate } from "./preflight.js";
import type { UserFeed } from "./user-feed.js";
import { userIdsInScope } from "./users.js";

export const METHODS_CHECKPOINT = "methods";

/** Users per unit of work: 5 `$batch` envelopes; several units are in flight at once. */
const CHUNK_USERS = 100;
const CHUNKS_IN_FLIGHT = 6;

const TAP_TYPE = "#microsoft.graph.temporaryAccessPassAuthenticationMethod";

/**
 * `collect_methods_done`: which users already have their methods in the case for the current run,
 * written in the same transaction as their methods, so after a crash the resumed run skips exactly
 * those, whatever order the users arrive in. Rows of earlier runs are dropped when a run starts its
 * pass.
 *
 * `collect_methods_known`: the users whose methods the case holds from a read (a user with no
 * method leaves no method record, so the methods themselves cannot tell), kept across runs and
 * written with the methods: an incremental pass reads every listed user not in it.
 */
const DONE_TABLE_MIGRATIONS = [
  "CREATE TABLE collect_methods_done (run TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (run, user_id)) WITHOUT ROWID",
  "CREATE TABLE collect_methods_known (user_id TEXT PRIMARY KEY) WITHOUT ROWID",
];

/**
 * The authentication methods of the users in scope, 20 users per `$batch`, starting as soon as
 * the first users arrive from `feed`.
 *
 * A full pass reads every user. An incremental pass (see inventory-pass.ts for when) reads only the
 * users whose methods may have changed since the last pass: users the case has never read (new in
 * the listing), users an audit record since then names as the target of a method change, and
 * holders of a Temporary Access Pass (its `isUsable` turns false when it expires, which no audit
 * records). Users gone from the listing lose their methods in both modes.
 */
export async function collectMethods(
  ctx: CollectContext,
  feed: UserFeed,
  plan: InventoryPlan,
): Promise<PartOutcome> {
  const denied = permissionGate(ctx.granted, "methods", "methods");
  if (denied) return denied;
  const { store } = ctx;
  const run = ctx.asOf.toISOString();
  store.ensureSchema("collect", DONE_TABLE_MIGRATIONS);
  ctx.progress.begin("methods");
  const previous = store.getCheckpoint(METHODS_CHECKPOINT) as Partial<PassCheckpoint> | undefined;
  // Waits for this run's audits when an incremental pass is possible; the feed queues meanwhile.
  const decision = await decidePass(ctx, METHODS_CHECKPOINT, plan, async () =>
    ctx.users ? "a --users scope is read in full" : undefined,
  );
  const wanted = decision.mode === "incremental" ? usersToReread(ctx, decision.auditsSince!) : undefined;
  store.db.prepare("DELETE FROM collect_methods_done WHERE run <> ?").run(run);
  const alreadyDone = new Set(
    (
      store.db.prepare("SELECT user_id FROM collect_methods_done WHERE run = ?").all(run) as {
        user_id: string;
      }[]
    ).map((row) => row.user_id),
  );
  const markDone = store.db.prepare(
    "INSERT OR IGNORE INTO collect_methods_done (run, user_id) VALUES (?, ?)",
  );
  const markKnown = store.db.prepare("INSERT OR IGNORE INTO collect_methods_known (user_id) VALUES (?)");

  let records = 0;
  let failures = 0;
  let seen = 0;
  let read = 0;

  const runChunk = async (chunk: string[]) => {
    const requests: GraphRequest[] = chunk.map((id) => ({
      method: "GET",
      path: `/users/${encodeURIComponent(id)}/authentication/methods`,
    }));
    const results = await ctx.client.batch<{ value: AuthenticationMethod[]; "@odata.nextLink"?: string }>(
      requests,
    );
    // A user with more methods than one page holds (rare) continues outside the batch.
    const extra = new Map<string, AuthenticationMethod[]>();
    for (const [index, result] of results.entries()) {
      const nextLink = result instanceof GraphError ? undefined : result.body?.["@odata.nextLink"];
      if (!nextLink) continue;
      const more: AuthenticationMethod[] = [];
      for await (const page of ctx.client.pageStream<AuthenticationMethod>({ nextLink }))
        more.push(...page.items);
      extra.set(chunk[index]!, more);
    }
    const provenance = graphProvenance("/users/{id}/authentication/methods");
    store.transaction(() => {
      results.forEach((result, index) => {
        const userId = chunk[index]!;
        if (result instanceof GraphError) {
          if (result.status === 403) throw result;
          // A user deleted since the listing has no methods left; other failures keep what the case had.
          if (result.status === 404) store.replaceInventory("methods", userId, [], provenance);
          else {
            failures++;
            return;
          }
        } else {
          const methods = [...(result.body?.value ?? []), ...(extra.get(userId) ?? [])];
          records += methods.length;
          store.replaceInventory("methods", userId, methods, provenance);
        }
        markDone.run(run, userId);
        markKnown.run(userId);
      });
    });
    ctx.progress.advance("methods", chunk.length);
  };

  // Chunks are cut from the feed as users arrive; at most CHUNKS_IN_FLIGHT run at once, and the
  // first failure stops new chunks (all in flight settle before we return).
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  const dispatch = (chunk: string[]) => {
    const task: Promise<void> = runChunk(chunk)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };
  let pending: string[] = [];
  const listed = new Set<string>();
  for await (const ids of feed) {
    seen += ids.length;
    for (const id of ids) listed.add(id);
    if (feed.isClosed) ctx.progress.setTotal("methods", feed.count);
    const fresh = ids.filter((id) => !alreadyDone.has(id) && (!wanted || wanted(id)));
    read += fresh.length;
    ctx.progress.advance("methods", ids.length - fresh.length);
    pending.push(...fresh);
    while (pending.length >= CHUNK_USERS && failure === undefined) {
      while (inFlight.size >= CHUNKS_IN_FLIGHT) await Promise.race(inFlight);
      dispatch(pending.slice(0, CHUNK_USERS));
      pending = pending.slice(CHUNK_USERS);
    }
    if (failure !== undefined) break;
  }
  if (failure === undefined && pending.length > 0) dispatch(pending);
  await Promise.allSettled([...inFlight]);
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);

  if (failure !== undefined) {
    ctx.progress.end("methods", "failed");
    return outcomeFromError("methods", "methods", failure, records);
  }
  // A pass that saw the whole tenant and read every user it meant to is the base of the next
  // incremental pass; one that did not leaves the previous base, so the next pass looks back further.
  const wholeTenant = !ctx.users && feed.complete && failures === 0;
  store.transaction(() => {
    // Methods of users who no longer exist go too.
    if (wholeTenant) {
      for (const scope of scopesOf(ctx, "methods")) {
        if (!listed.has(scope))
          store.replaceInventory("methods", scope, [], graphProvenance("/users/{id}/authentication/methods"));
      }
      const forget = store.db.prepare("DELETE FROM collect_methods_known WHERE user_id = ?");
      const known = store.db.prepare("SELECT user_id FROM collect_methods_known").all() as {
        user_id: string;
      }[];
      for (const { user_id } of known) if (!listed.has(user_id)) forget.run(user_id);
    }
    store.setCheckpoint(METHODS_CHECKPOINT, completedCheckpoint(ctx, previous, decision, wholeTenant));
  });
  ctx.progress.end("methods", `${records} methods of ${read} users`);
  const mode =
    decision.mode === "incremental"
      ? `incremental, ${read} of ${seen} users re-read (${decision.reason})`
      : `full pass: ${decision.reason}`;
  return {
    stream: "methods",
    part: "methods",
    status: "collected",
    records,
    mode: decision.mode,
    reason: failures ? `${mode}; methods of ${failures} user(s) could not be read after retries` : mode,
    ...(failures ? { failures } : {}),
  };
}

/**
 * Whom an incremental pass reads: users the case has never read, users named as targets of
 * method-changing audits since `auditsSince`, and Temporary Access Pass holders.
 */
function usersToReread(ctx: CollectContext, auditsSince: string): (userId: string) => boolean {
  const known = new Set(
    (ctx.store.db.prepare("SELECT user_id FROM collect_methods_known").all() as { user_id: string }[]).map(
      (row) => row.user_id,
    ),
  );
  const changed = auditTargets(ctx, auditsSince, "User", changesMethods);
  for (const stored of ctx.store.iterate("methods")) {
    if (stored.scope && stored.record["@odata.type"] === TAP_TYPE) changed.add(stored.scope);
  }
  return (userId) => !known.has(userId) || changed.has(userId);
}

/** The registration report (reports bucket): a fast per-user summary of registered method types. */
export async function collectRegistrationDetails(ctx: CollectContext): Promise<PartOutcome> {
  const denied = permissionGate(ctx.granted, "methods", "registrationDetails");
  if (denied) return denied;
  ctx.progress.begin("registrationDetails");
  const outcome = await runPart("methods", "registrationDetails", async (count) => {
    const rows: UserRegistrationDetails[] = [];
    const path = "/reports/authenticationMethods/userRegistrationDetails";
    for await (const items of ctx.client.pages<UserRegistrationDetails>({ method: "GET", path })) {
      rows.push(...items);
      ctx.progress.advance("registrationDetails", items.length);
    }
    const inScope = ctx.users ? new Set(userIdsInScope(ctx)) : undefined;
    const kept = inScope ? rows.filter((row) => inScope.has(row.id)) : rows;
    const provenance = graphProvenance(path);
    if (inScope) ctx.store.upsert("registrationDetails", kept, provenance);
    else ctx.store.replaceInventory("registrationDetails", undefined, kept, provenance);
    count(kept.length);
    return undefined;
  });
  ctx.progress.end(
    "registrationDetails",
    outcome.status === "collected" ? `${outcome.records} users` : outcome.status,
  );
  return outcome;
}
