import { GraphError, inList, tenantSizeFor } from "../graph/index.js";
import type { User } from "../graph/types.js";
import { type CollectContext, graphProvenance, type PartOutcome } from "./context.js";
import { USER_FIELDS } from "./fields.js";
import { outcomeFromError } from "./outcome.js";
import { permissionGate } from "./preflight.js";
import type { UserFeed } from "./user-feed.js";

export const USERS_CHECKPOINT = "users";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Values per `in (…)` clause: keeps the URL well under Graph's length limit. */
const LIST_CHUNK = 15;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/** The `users` checkpoint: when the list was last complete, and the ids in scope for `--users`. */
export interface UsersCheckpoint {
  completedAt: string;
  scopedIds?: string[];
}

/**
 * Users with the properties detection reads (and `signInActivity` when the app may read audit logs
 * and the tenant is licensed). A full listing replaces the inventory, so deleted users disappear;
 * a `--users` scope only upserts. The list is small next to the budgets (999 per page), so an
 * interrupted listing simply starts again.
 */
export async function collectUsers(ctx: CollectContext, feed: UserFeed): Promise<PartOutcome[]> {
  try {
    return await listUsers(ctx, feed);
  } finally {
    feed.close();
  }
}

async function listUsers(ctx: CollectContext, feed: UserFeed): Promise<PartOutcome[]> {
  const denied = permissionGate(ctx.granted, "users", "users");
  if (denied) return [denied];
  const activityDenied = permissionGate(ctx.granted, "users", "signInActivity");
  ctx.progress.begin("users");
  let note = activityDenied ? `signInActivity not collected: ${activityDenied.reason}` : undefined;
  let users: User[];
  let failures = 0;
  try {
    try {
      ({ users, failures } = await fetchUsers(ctx, !activityDenied, feed));
    } catch (error) {
      // signInActivity needs Entra ID P1/P2: a tenant without it refuses the whole listing.
      if (activityDenied || !(error instanceof GraphError) || error.status !== 403) throw error;
      note = `signInActivity not collected: ${error.message}`;
      // Nothing was fed yet: the refusal comes with the first page.
      ({ users, failures } = await fetchUsers(ctx, false, feed));
    }
  } catch (error) {
    ctx.progress.end("users", "failed");
    return [outcomeFromError("users", "users", error)];
  }
  const provenance = graphProvenance("/users");
  ctx.store.transaction(() => {
    if (ctx.users) ctx.store.upsert("users", users, provenance);
    else ctx.store.replaceInventory("users", undefined, users, provenance);
    const checkpoint: UsersCheckpoint = {
      completedAt: provenance.collectedAt,
      ...(ctx.users ? { scopedIds: users.map((user) => user.id) } : {}),
    };
    ctx.store.setCheckpoint(USERS_CHECKPOINT, checkpoint);
  });
  feed.complete = true;
  if (!ctx.users) ctx.client.budgets.setTenantSize(tenantSizeFor(users.length));
  ctx.progress.end("users", `${users.length} users`);
  return [
    {
      stream: "users",
      part: "users",
      status: "collected",
      records: users.length,
      ...(note || failures
        ? {
            reason: [note, failures ? `${failures} named user(s) not found` : undefined]
              .filter(Boolean)
              .join("; "),
          }
        : {}),
      ...(failures ? { failures } : {}),
    },
  ];
}

async function fetchUsers(
  ctx: CollectContext,
  withActivity: boolean,
  feed: UserFeed,
): Promise<{ users: User[]; failures: number }> {
  const $select = [...USER_FIELDS, ...(withActivity ? ["signInActivity"] : [])].join(",");
  const scope = ctx.users;
  if (scope && "list" in scope) {
    // Ids and UPNs named on the command line: `id in (…)` / `userPrincipalName in (…)` clauses of
    // a few values each (URL length), built with the OData literal helpers.
    const ids = scope.list.filter((who) => GUID.test(who));
    const upns = scope.list.filter((who) => !GUID.test(who));
    const filters = [
      ...chunk(ids, LIST_CHUNK).map((values) => inList("id", values)),
      ...chunk(upns, LIST_CHUNK).map((values) => inList("userPrincipalName", values)),
    ];
    const users = new Map<string, User>();
    for (const $filter of filters) {
      for await (const items of ctx.client.pages<User>({
        method: "GET",
        path: "/users",
        query: { $select, $filter },
      })) {
        for (const user of items) users.set(user.id, user);
        feed.push(items.map((user) => user.id));
        ctx.progress.advance("users", items.length);
      }
    }
    const found = new Set(
      [...users.values()].flatMap((user) => [user.id, user.userPrincipalName.toLowerCase()]),
    );
    const failures = scope.list.filter((who) => !found.has(GUID.test(who) ? who : who.toLowerCase())).length;
    return { users: [...users.values()], failures };
  }
  const users: User[] = [];
  const query: Record<string, string> = { $select, $top: "999" };
  let headers: Record<string, string> | undefined;
  if (scope) {
    query.$filter = scope.filter;
    // `endswith`, `ne` and `not` are "advanced queries" on directory objects: Graph answers them
    // only with ConsistencyLevel: eventual and $count=true.
    if (/\b(endswith|ne|not)\b/i.test(scope.filter.replace(/'(?:[^']|'')*'/g, "''"))) {
      headers = { ConsistencyLevel: "eventual" };
      query.$count = "true";
    }
  }
  for await (const items of ctx.client.pages<User>({
    method: "GET",
    path: "/users",
    query,
    ...(headers ? { headers } : {}),
  })) {
    users.push(...items);
    feed.push(items.map((user) => user.id));
    ctx.progress.advance("users", items.length);
  }
  return { users, failures: 0 };
}

/** The user ids the per-user streams cover: the `--users` scope of the last listing, else every user in the case. */
export function userIdsInScope(ctx: CollectContext): string[] {
  if (ctx.users) {
    const checkpoint = ctx.store.getCheckpoint(USERS_CHECKPOINT) as UsersCheckpoint | undefined;
    return [...(checkpoint?.scopedIds ?? [])].sort();
  }
  const ids: string[] = [];
  for (const stored of ctx.store.iterate("users")) ids.push(stored.record.id);
  return ids.sort();
}
