import { GraphError, type GraphRequest } from "../graph/index.js";
import type { AuthenticationMethod, UserRegistrationDetails } from "../graph/types.js";
import { type CollectContext, graphProvenance, type PartOutcome } from "./context.js";
import { outcomeFromError, runPart } from "./outcome.js";
import { permissionGate } from "./preflight.js";
import { userIdsInScope } from "./users.js";

export const METHODS_CHECKPOINT = "methods";

/** Users per unit of work: 5 `$batch` envelopes; several units are in flight at once. */
const CHUNK_USERS = 100;
const CHUNKS_IN_FLIGHT = 6;

/**
 * `doneUpTo`: every user id ≤ it (in sorted order) has its methods in the case for the current
 * pass. Chunks finish out of order, so the mark only moves over a contiguous prefix; after a crash
 * at most the chunks that were in flight are fetched again.
 */
interface MethodsCheckpoint {
  doneUpTo?: string;
  completedAt?: string;
}

/** Every authentication method of every user in scope, 20 users per `$batch`. */
export async function collectMethods(ctx: CollectContext): Promise<PartOutcome> {
  const denied = permissionGate(ctx.granted, "methods", "methods");
  if (denied) return denied;
  const checkpoint = (ctx.store.getCheckpoint(METHODS_CHECKPOINT) as MethodsCheckpoint | undefined) ?? {};
  const ids = userIdsInScope(ctx);
  const start = checkpoint.doneUpTo === undefined ? 0 : ids.findIndex((id) => id > checkpoint.doneUpTo!);
  const todo = start < 0 ? [] : ids.slice(start);
  const chunks: string[][] = [];
  for (let index = 0; index < todo.length; index += CHUNK_USERS)
    chunks.push(todo.slice(index, index + CHUNK_USERS));

  ctx.progress.begin("methods", ids.length);
  ctx.progress.advance("methods", ids.length - todo.length);
  let records = 0;
  let failures = 0;
  const done = new Array<boolean>(chunks.length).fill(false);
  let contiguous = 0;
  let next = 0;

  const runChunk = async (chunkIndex: number) => {
    const chunk = chunks[chunkIndex]!;
    const requests: GraphRequest[] = chunk.map((id) => ({
      method: "GET",
      path: `/users/${encodeURIComponent(id)}/authentication/methods`,
    }));
    const results = await ctx.client.batch<{ value: AuthenticationMethod[] }>(requests);
    const provenance = graphProvenance("/users/{id}/authentication/methods");
    ctx.store.transaction(() => {
      results.forEach((result, index) => {
        const userId = chunk[index]!;
        if (result instanceof GraphError) {
          if (result.status === 403) throw result;
          // A user deleted since the listing has no methods left; other failures keep what the case had.
          if (result.status === 404) ctx.store.replaceInventory("methods", userId, [], provenance);
          else failures++;
          return;
        }
        const methods = result.body?.value ?? [];
        records += methods.length;
        ctx.store.replaceInventory("methods", userId, methods, provenance);
      });
      done[chunkIndex] = true;
      while (contiguous < chunks.length && done[contiguous]) contiguous++;
      if (contiguous > 0) {
        const lastChunk = chunks[contiguous - 1]!;
        ctx.store.setCheckpoint(METHODS_CHECKPOINT, {
          doneUpTo: lastChunk[lastChunk.length - 1],
        } satisfies MethodsCheckpoint);
      }
    });
    ctx.progress.advance("methods", chunk.length);
  };

  // The first failure stops the other workers from taking new chunks; all settle before we return.
  let failure: unknown;
  await Promise.allSettled(
    Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, chunks.length) }, async () => {
      while (failure === undefined && next < chunks.length) {
        try {
          await runChunk(next++);
        } catch (error) {
          failure ??= error;
        }
      }
    }),
  );
  if (failure !== undefined) {
    ctx.progress.end("methods", "failed");
    return outcomeFromError("methods", "methods", failure, records);
  }
  ctx.store.setCheckpoint(METHODS_CHECKPOINT, {
    completedAt: new Date().toISOString(),
  } satisfies MethodsCheckpoint);
  ctx.progress.end("methods", `${records} methods of ${ids.length} users`);
  return {
    stream: "methods",
    part: "methods",
    status: "collected",
    records,
    ...(failures
      ? { failures, reason: `methods of ${failures} user(s) could not be read after retries` }
      : {}),
  };
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
