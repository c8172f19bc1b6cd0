import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { GraphClient } from "../graph/client.js";
import { GraphError } from "../graph/client.js";
import { GraphOutcomeUnknownError } from "../graph/errors.js";
import type { AuthenticationMethod, Device } from "../graph/types.js";
import { canonicalJson, sha256Hex } from "../journal/canonical.js";
import type { Journal, JournalEntry } from "../journal/journal.js";
import { type LiveTargets, readLiveFingerprints } from "./drift.js";
import { saveForensics } from "./forensics.js";
import { generatePassword } from "./password.js";
import type { EvictionPlan, PlanStep, UserPlan } from "./plan.js";
import { requiredAppRole, roleName, satisfies } from "./privilege.js";
import type { SecretSink } from "./secrets-file.js";
import { historyOf, type StepHistory } from "./step-history.js";
import { handlerFor, type StepContext } from "./steps.js";
import type { EvictStore } from "./store.js";
import { type UserVerification, verifyUser } from "./verify.js";

/**
 * Applies an approved plan: exactly its steps, in order per user, many users at once (the Graph
 * client's budgets pace the writes), each step journaled before and after. A step first reads the
 * current state, so a re-run — after a failure or a kill -9 at any instant — records what is
 * already done instead of repeating it, and repeats nothing non-idempotent (password, TAP).
 */

export const JOURNAL_ACTOR = "evict";

export interface ApplyOptions {
  plan: EvictionPlan;
  graph: GraphClient;
  journal: Journal;
  store: EvictStore;
  /** Where generated passwords and TAP codes go (`--reveal-secrets`); nowhere otherwise. */
  secrets?: SecretSink;
  /** The app's directory roles read live (undefined: unknown, Graph's 403 decides). */
  appDirectoryRoles?: string[];
  concurrency?: number;
  /** Apply at most this many users (those not finished yet) in this run. */
  maxUsers?: number;
  now?: () => Date;
  generatePassword?: () => string;
  /** Wait after Graph loses a write's answer before reading whether it landed (default 3 s). */
  outcomeSettleMs?: number;
  onEvent?: (event: ApplyEvent) => void;
}

export type ApplyEvent =
  | {
      type: "step";
      user: string;
      stepId: string;
      kind: PlanStep["kind"];
      outcome: StepOutcome["outcome"];
      detail: string;
    }
  | { type: "user"; user: string; status: UserOutcome["status"]; reason?: string };

export interface StepOutcome {
  stepId: string;
  kind: PlanStep["kind"];
  outcome: "done" | "alreadyDone" | "failed" | "notRun";
  detail: string;
  /** Graph's status when the step failed on a Graph answer. */
  status?: number;
  /** Graph lost the answer to a write and the state could not tell whether it landed: the user stops here. */
  unresolved?: true;
}

export interface UserOutcome {
  userId: string;
  userPrincipalName: string;
  status: "done" | "failed" | "refused" | "skipped";
  reason?: string;
  steps: StepOutcome[];
  verification?: UserVerification;
}

export interface ApplySummary {
  planId: string;
  users: UserOutcome[];
  counts: Record<UserOutcome["status"], number>;
}

/** The whole plan was refused before any write: too old, drifted, or the app cannot do it. */
export class ApplyRefusedError extends Error {
  override name = "ApplyRefusedError";
  constructor(readonly reasons: string[]) {
    super(`apply refused, nothing was changed:\n  - ${reasons.join("\n  - ")}`);
  }
}

/** Steps whose failure stops the user's later steps: without them, deletions would leave the attacker a way back. */
const GATING = new Set<PlanStep["kind"]>(["rotatePassword", "revokeSessions"]);

/** A refusal (4xx other than throttling/timeouts) means Graph changed nothing; anything else may have landed. */
function isDefiniteRefusal(error: unknown): boolean {
  return (
    error instanceof GraphError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408 &&
    error.status !== 429
  );
}

function explain(error: unknown, user: UserPlan, step: PlanStep): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof GraphError && error.status === 403 && user.privilegedRoles.length > 0) {
    return `${message} — the target holds ${user.privilegedRoles.map((r) => r.name).join(", ")}; the app's service principal needs Privileged Authentication Administrator`;
  }
  if (error instanceof GraphError && step.kind === "deleteMethod" && step.isDefault && error.status === 400) {
    return `${message} — it is the user's default method: see the plan's MANUAL step for ${user.userPrincipalName}, then apply again`;
  }
  return message;
}

export function planHash(plan: EvictionPlan): string {
  return sha256Hex(canonicalJson(plan));
}

export async function applyPlan(options: ApplyOptions): Promise<ApplySummary> {
  // The lock comes first: the journal state this run acts on must not change under it.
  const self = { host: os.hostname(), pid: process.pid };
  const started = (options.now ?? (() => new Date()))();
  const holder = options.store.acquireLock(options.plan.id, self, started, isProcessAlive);
  if (holder) {
    throw new ApplyRefusedError([
      `another apply (plan ${holder.planId}, pid ${holder.pid} on ${holder.host}, since ${holder.acquiredAt}) is running on this case; wait for it to finish`,
    ]);
  }
  try {
    return await applyUnderLock(options, started);
  } finally {
    options.store.releaseLock(self);
  }
}

async function applyUnderLock(options: ApplyOptions, started: Date): Promise<ApplySummary> {
  const { plan, graph, journal } = options;

  // ── Whole-plan refusals, before any write ──
  const reasons: string[] = [];
  const ageMinutes = (started.getTime() - new Date(plan.createdAt).getTime()) / 60_000;
  if (ageMinutes > plan.maxAgeMinutes) {
    reasons.push(
      `the plan is ${Math.round(ageMinutes)} min old, older than its limit of ${plan.maxAgeMinutes} min: re-run plan`,
    );
  }
  const byStep = groupBySubject(journal.entries({ runId: plan.id, actor: JOURNAL_ACTOR }));
  const userStarted = (user: UserPlan) => user.steps.some((s) => byStep.has(s.id));
  // Finished = every step completed and the end state verified (a kill between the two re-verifies).
  const userFinished = (user: UserPlan) =>
    user.steps.every((s) => historyOf(byStep.get(s.id) ?? []).completed) &&
    (byStep.get(user.userId) ?? []).some((e) => e.kind === "user.verified" && e.payload.ok === true);

  let candidates = plan.users.filter((u) => u.status === "ready" && !userFinished(u));
  if (options.maxUsers !== undefined) candidates = candidates.slice(0, options.maxUsers);

  const granted = await graph.grantedRoles();
  const missing = new Set<string>();
  for (const user of candidates) {
    for (const step of user.steps) {
      if (!step.permissions.some((p) => granted.includes(p)))
        missing.add(`${step.kind} needs one of ${step.permissions.join(", ")}`);
    }
  }
  for (const m of missing) reasons.push(`the app lacks a permission: ${m}`);
  if (reasons.length > 0) throw new ApplyRefusedError(reasons);

  // Drift: users not yet touched by this plan must look exactly as they did when it was made.
  const fresh = candidates.filter((u) => !userStarted(u));
  const live = await readLiveFingerprints(graph, fresh);
  const drifted = fresh.filter((u) => live.get(u.userId)?.fingerprint !== u.fingerprint);
  if (drifted.length > 0) {
    throw new ApplyRefusedError(
      drifted.map(
        (u) =>
          `${u.userPrincipalName}: methods or targeted devices changed since the plan was made (${live.get(u.userId)?.summary ?? "unreadable"}): re-run plan`,
      ),
    );
  }

  return runLocked(options, candidates, byStep, live, started, userFinished);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function runLocked(
  options: ApplyOptions,
  candidates: UserPlan[],
  byStep: Map<string, JournalEntry[]>,
  live: Map<string, LiveTargets>,
  started: Date,
  userFinished: (user: UserPlan) => boolean,
): Promise<ApplySummary> {
  const { plan, journal, store } = options;
  store.recordPlan(plan, started);
  journal.append({
    actor: JOURNAL_ACTOR,
    runId: plan.id,
    kind: "run.start",
    payload: { planHash: planHash(plan), users: candidates.length, secretsRevealed: !!options.secrets },
  });

  const outcomes = new Map<string, UserOutcome>();
  for (const user of plan.users) {
    if (user.status === "refused") {
      outcomes.set(user.userId, {
        userId: user.userId,
        userPrincipalName: user.userPrincipalName,
        status: "refused",
        reason: user.refusals.join("; "),
        steps: [],
      });
    } else if (!candidates.includes(user)) {
      outcomes.set(user.userId, {
        userId: user.userId,
        userPrincipalName: user.userPrincipalName,
        status: "skipped",
        reason: userFinished(user) ? "already complete (earlier run)" : "beyond --max-users",
        steps: [],
      });
    }
  }

  const worker = async (user: UserPlan) => {
    const outcome = await applyUser(options, user, byStep, live.get(user.userId)?.objects);
    outcomes.set(user.userId, outcome);
    options.onEvent?.({
      type: "user",
      user: user.userPrincipalName,
      status: outcome.status,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    });
  };
  await runPool(candidates, options.concurrency ?? 16, worker);

  const users = plan.users.map((u) => outcomes.get(u.userId)!);
  const counts = { done: 0, failed: 0, refused: 0, skipped: 0 };
  for (const u of users) counts[u.status] += 1;
  journal.append({ actor: JOURNAL_ACTOR, runId: plan.id, kind: "run.end", payload: { counts } });
  return { planId: plan.id, users, counts };
}

function groupBySubject(entries: JournalEntry[]): Map<string, JournalEntry[]> {
  const map = new Map<string, JournalEntry[]>();
  for (const entry of entries) {
    if (!entry.subject) continue;
    const list = map.get(entry.subject) ?? [];
    list.push(entry);
    map.set(entry.subject, list);
  }
  return map;
}

async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

async function applyUser(
  options: ApplyOptions,
  user: UserPlan,
  byStep: Map<string, JournalEntry[]>,
  liveObjects: { methods: AuthenticationMethod[]; devices: Device[] } | undefined,
): Promise<UserOutcome> {
  const { plan, graph, journal } = options;
  const base = { userId: user.userId, userPrincipalName: user.userPrincipalName };
  const steps: StepOutcome[] = [];

  // A live role check refuses an administrator target before its first write.
  if (options.appDirectoryRoles) {
    const requirement = requiredAppRole(user.privilegedRoles.map((r) => r.id));
    if (!satisfies(requirement, options.appDirectoryRoles)) {
      const reason = `the app's service principal needs ${requirement.anyOf.map((r) => roleName(r)).join(" or ")}: ${requirement.reason}`;
      journal.append({
        actor: JOURNAL_ACTOR,
        runId: plan.id,
        kind: "user.refused",
        subject: user.userId,
        payload: { reason },
      });
      return { ...base, status: "refused", reason, steps };
    }
  }

  try {
    await saveForensics(options, user, liveObjects);
  } catch (error) {
    const reason = `could not save the forensic copy before the first write: ${error instanceof Error ? error.message : String(error)}`;
    return { ...base, status: "failed", reason, steps };
  }

  let failure: string | undefined;
  let stopped = false;
  for (const step of user.steps) {
    if (stopped) {
      steps.push({
        stepId: step.id,
        kind: step.kind,
        outcome: "notRun",
        detail: "not run: an earlier gating or unresolved step failed",
      });
      continue;
    }
    const history = historyOf(byStep.get(step.id) ?? []);
    if (history.completed) {
      const detail = String(history.completed.payload.detail ?? "done in an earlier run");
      steps.push({ stepId: step.id, kind: step.kind, outcome: "alreadyDone", detail });
      continue;
    }
    const outcome = await runStep(options, user, step, history);
    steps.push(outcome);
    options.onEvent?.({
      type: "step",
      user: user.userPrincipalName,
      stepId: step.id,
      kind: step.kind,
      outcome: outcome.outcome,
      detail: outcome.detail,
    });
    if (outcome.outcome === "failed") {
      failure ??= `${step.kind}: ${outcome.detail}`;
      if (GATING.has(step.kind) || outcome.unresolved) stopped = true;
    }
  }

  // Graph refusing the very first write (403: the app lacks a role for this target) changed nothing: a refusal.
  const first = steps[0];
  if (failure && first?.outcome === "failed" && first.status === 403) {
    return { ...base, status: "refused", reason: failure, steps };
  }
  if (failure) return { ...base, status: "failed", reason: failure, steps };
  let verification: UserVerification;
  try {
    verification = await verifyUser(graph, plan, user);
  } catch (error) {
    return {
      ...base,
      status: "failed",
      reason: `verification could not read the user: ${error instanceof Error ? error.message : String(error)}`,
      steps,
    };
  }
  journal.append({
    actor: JOURNAL_ACTOR,
    runId: plan.id,
    kind: "user.verified",
    subject: user.userId,
    payload: { ok: verification.ok, checks: verification.checks },
  });
  return verification.ok
    ? { ...base, status: "done", steps, verification }
    : {
        ...base,
        status: "failed",
        reason: `verification: ${verification.checks
          .filter((c) => !c.ok)
          .map((c) => `${c.name} (${c.detail})`)
          .join("; ")}`,
        steps,
        verification,
      };
}

/** Answers lost in a row after which a step stops for this run (the journal keeps it resumable). */
const MAX_LOST_ANSWERS = 5;
/**
 * How long to wait after a lost answer before reading the state: a gateway that timed out may still
 * be waiting on a workload that is finishing the write, and a read too early would call it not done.
 */
export const DEFAULT_OUTCOME_SETTLE_MS = 3_000;

/**
 * One step, to completion or failure. When Graph loses the answer to the write (the connector's
 * GraphOutcomeUnknownError: a 5xx, reset or timeout after the request was sent), the attempt is
 * journaled as not definite — exactly what a kill -9 mid-write leaves — and the step goes straight
 * through the resume path a re-run would take: read the state against the attempt's pre-image, then
 * record it done or write again. A password is never changed to one that is not in the secrets
 * file: a repeated rotation resends the password the lost attempt recorded, so whichever of the two
 * writes lands last, the recorded one is in force.
 */
async function runStep(
  options: ApplyOptions,
  user: UserPlan,
  step: PlanStep,
  history: StepHistory,
): Promise<StepOutcome> {
  const { plan, journal } = options;
  const generate = options.generatePassword ?? generatePassword;
  let sentPassword: string | undefined;
  const generateAndKeep = () => {
    sentPassword = generate();
    return sentPassword;
  };
  let current = history;
  let lost: GraphOutcomeUnknownError | undefined;
  for (let lostAnswers = 0; ; ) {
    const result = await attemptStep(options, user, step, current, {
      generatePassword: generateAndKeep,
      ...(sentPassword ? { retryPassword: sentPassword } : {}),
      ...(lost ? { lost } : {}),
    });
    if (!("lost" in result)) return result.outcome;
    lost = result.lost;
    lostAnswers += 1;
    if (lostAnswers >= MAX_LOST_ANSWERS) {
      return {
        stepId: step.id,
        kind: step.kind,
        outcome: "failed",
        detail: `step ${step.id} (${step.kind}) stopped: Graph lost the answer to ${lostAnswers} writes in a row (last: ${lost.message}); whether the last one took effect is unknown — run apply again, it reads the state before writing`,
        status: lost.status,
        unresolved: true,
      };
    }
    await sleep(options.outcomeSettleMs ?? DEFAULT_OUTCOME_SETTLE_MS);
    // The same history a re-run would read: the lost attempt is now the uncertain one.
    current = historyOf(journal.entries({ runId: plan.id, actor: JOURNAL_ACTOR, subject: step.id }));
  }
}

/** One attempt of a step: read, pre-image, begin, write, end. A lost answer is returned, not ended. */
async function attemptStep(
  options: ApplyOptions,
  user: UserPlan,
  step: PlanStep,
  history: StepHistory,
  attempt: {
    generatePassword: () => string;
    retryPassword?: string;
    /** The lost answer of this run's previous attempt, when this attempt is its verification. */
    lost?: GraphOutcomeUnknownError;
  },
): Promise<{ outcome: StepOutcome } | { lost: GraphOutcomeUnknownError }> {
  const { plan, graph, journal } = options;
  const handler = handlerFor(step);
  const ctx: StepContext = {
    graph,
    planId: plan.id,
    user,
    ...(history.uncertain
      ? { uncertain: { preimage: (history.uncertain.payload.preimage ?? {}) as Record<string, unknown> } }
      : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    generatePassword: attempt.generatePassword,
    ...(attempt.retryPassword ? { retryPassword: attempt.retryPassword } : {}),
  };
  const afterLost = attempt.lost
    ? { afterLostAnswer: { status: attempt.lost.status, code: attempt.lost.code } }
    : {};
  const journalEntry = (kind: "step.begin" | "step.end", payload: Record<string, unknown>) =>
    journal.append({
      actor: JOURNAL_ACTOR,
      runId: plan.id,
      kind,
      subject: step.id,
      payload: { userId: user.userId, kind: step.kind, ...payload },
    });
  const end = (
    outcome: StepOutcome["outcome"],
    detail: string,
    extra: Record<string, unknown> = {},
  ): { outcome: StepOutcome } => {
    journalEntry("step.end", { outcome, detail, ...extra });
    return {
      outcome: {
        stepId: step.id,
        kind: step.kind,
        outcome,
        detail,
        ...(typeof extra.status === "number" ? { status: extra.status } : {}),
        ...(extra.unresolved === true ? { unresolved: true } : {}),
      },
    };
  };
  const lostNote = attempt.lost
    ? `Graph lost the answer to the write (${attempt.lost.status || attempt.lost.code}); a read shows: `
    : "";
  let begun = false;
  try {
    // 1. Current state (and whether an interrupted attempt landed): nothing to write means no attempt.
    const state = await handler.check(step, ctx);
    if (state.done) {
      if (history.uncertain) options.secrets?.confirm(step.id, state.detail);
      return end("alreadyDone", `${lostNote}${state.detail}`, afterLost);
    }
    // 2. The pre-image and the begin entry, durable before the write leaves this process.
    const preimage = handler.preimage ? await handler.preimage(step, ctx) : undefined;
    journalEntry("step.begin", {
      attempt: history.attempts + 1,
      resumed: !!history.uncertain,
      ...afterLost,
      ...(preimage ? { preimage } : {}),
    });
    begun = true;
    // 3. The write, then the end entry.
    const result = await handler.write(step, ctx);
    return end("done", result.detail, result.record ? { result: result.record } : {});
  } catch (error) {
    if (begun && error instanceof GraphOutcomeUnknownError) {
      // Like a kill -9 between begin and end: the attempt may have landed; the caller reads and decides.
      end("failed", `outcome unknown: ${error.message}`, {
        definite: false,
        outcomeUnknown: true,
        status: error.status,
        code: error.code,
      });
      return { lost: error };
    }
    // Before the begin entry nothing was written: the failure is definite whatever the error.
    const definite = !begun || isDefiniteRefusal(error);
    const detail = attempt.lost
      ? `could not tell whether step ${step.id} (${step.kind}) took effect: Graph lost the answer to the write (${attempt.lost.message}) and ${begun ? "writing again" : "reading the current state"} failed: ${explain(error, user, step)} — run apply again, it reads the state before writing`
      : explain(error, user, step);
    return end("failed", detail, {
      definite,
      ...afterLost,
      ...(attempt.lost && !begun ? { unresolved: true } : {}),
      ...(error instanceof GraphError ? { status: error.status, code: error.code } : {}),
    });
  }
}
