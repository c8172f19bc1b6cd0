import type { DirectoryAudit } from "../graph/types.js";
import type { CollectContext } from "./context.js";
import { LATE_ARRIVAL_MS, type LogCheckpoint } from "./log-stream.js";

/**
 * Incremental re-collection of the per-object inventory (authentication methods, device owners and
 * users). A pass either reads everything (full) or only the objects that may have changed since
 * the last pass: those the directory audit log names as targets of a relevant change since then,
 * and those new to the case. Audit-driven passes are only as good as the audit log in the case, so
 * a pass is incremental only when that log is known to cover every moment since the last pass.
 */

export type PassMode = "full" | "incremental";

/**
 * A full pass at least this often: some changes leave no audit record (an Authenticator app
 * update changes `phoneAppVersion`, and an activity name this matcher does not know would be
 * missed), and a weekly full pass bounds how stale such a field can get. A week is also the audit
 * retention of a tenant without Entra ID P1/P2, the shortest log any tenant keeps.
 */
export const DEFAULT_INVENTORY_MAX_AGE_MS = 7 * 86_400_000;

/** How the caller wants the inventory passes of this run, and what they wait for. */
export interface InventoryPlan {
  /** `collect --full`: every object re-read, whatever the case holds. */
  full: boolean;
  /** The longest time since the last full pass before the next one is full again. */
  maxAgeMs: number;
  /** Settles when this run's audits stream has finished; undefined when audits are not collected. */
  audits?: Promise<unknown>;
}

/** The checkpoint of an inventory stream (`methods`, `devices`). */
export interface PassCheckpoint {
  /** When a pass last completed (any kind, also a `--users` scoped one). */
  completedAt: string;
  /**
   * As-of instant of the last pass that covered the whole tenant without failures, full or
   * incremental: the next incremental pass reads the audits from here (minus the late-arrival
   * overlap). The run's as-of precedes every read of the pass, so a change made while the pass ran
   * is in the audits the next pass reads.
   */
  passAsOf?: string;
  /** As-of instant of the last full pass over the whole tenant without failures. */
  fullPassAsOf?: string;
  /** The tenant those passes read: a case pointed at another tenant starts over. */
  tenantId?: string;
  /** The decision of the pass in progress, so a resumed run (same as-of) finishes the same way. */
  current?: PassDecision & { run: string };
}

export interface PassDecision {
  mode: PassMode;
  /** Why this mode, for the summary. */
  reason: string;
  /** Incremental passes: audits at or after this instant name the objects to re-read. */
  auditsSince?: string;
}

const full = (reason: string): PassDecision => ({ mode: "full", reason });

/**
 * Decides full or incremental for one inventory stream and records the decision in its checkpoint.
 * `blocker` names a stream-specific reason to go full (e.g. a `--users` scope); it is asked only
 * once the checkpoint allows an incremental pass, since it may wait for another stream.
 */
export async function decidePass(
  ctx: CollectContext,
  name: string,
  plan: InventoryPlan,
  blocker?: () => Promise<string | undefined>,
): Promise<PassDecision> {
  const run = ctx.asOf.toISOString();
  const checkpoint = ctx.store.getCheckpoint(name) as Partial<PassCheckpoint> | undefined;
  // A resumed run keeps its decision, unless it now asks for --full.
  if (checkpoint?.current?.run === run && !(plan.full && checkpoint.current.mode !== "full")) {
    const { run: _run, ...decision } = checkpoint.current;
    return decision;
  }
  const decision = await decide(ctx, checkpoint, plan, blocker);
  ctx.store.setCheckpoint(name, { ...checkpoint, current: { run, ...decision } });
  return decision;
}

async function decide(
  ctx: CollectContext,
  checkpoint: Partial<PassCheckpoint> | undefined,
  plan: InventoryPlan,
  blocker: (() => Promise<string | undefined>) | undefined,
): Promise<PassDecision> {
  if (plan.full) return full("--full");
  const { passAsOf, fullPassAsOf } = checkpoint ?? {};
  if (!passAsOf || !fullPassAsOf) return full("no complete earlier pass in the case");
  if (checkpoint?.tenantId !== ctx.store.getMeta("tenantId"))
    return full("the last pass read another tenant");
  const age = ctx.asOf.getTime() - Date.parse(fullPassAsOf);
  if (age > plan.maxAgeMs) {
    return full(`the last full pass is ${days(age)} old (one at least every ${days(plan.maxAgeMs)})`);
  }
  if (!plan.audits) return full("directory audits are not collected in this run");
  const blocked = await blocker?.();
  if (blocked) return full(blocked);
  await plan.audits;
  const coverage = (ctx.store.getCheckpoint("audits") as LogCheckpoint | undefined)?.coverage;
  const auditsSince = new Date(Date.parse(passAsOf) - LATE_ARRIVAL_MS).toISOString();
  if (!coverage || coverage.to < ctx.asOf.toISOString()) {
    return full("no audit coverage up to this run (audits skipped or failed)");
  }
  if (coverage.from > auditsSince) {
    return full(`no audit coverage since the last pass (audits from ${coverage.from}, pass at ${passAsOf})`);
  }
  return { mode: "incremental", reason: `audits since ${auditsSince}`, auditsSince };
}

function days(ms: number): string {
  const value = ms / 86_400_000;
  return value >= 1 ? `${value.toFixed(1).replace(/\.0$/, "")}d` : `${(ms / 3_600_000).toFixed(1)}h`;
}

/** The checkpoint after a pass: `wholeTenant` when it covered every object without failures. */
export function completedCheckpoint(
  ctx: CollectContext,
  previous: Partial<PassCheckpoint> | undefined,
  decision: PassDecision,
  wholeTenant: boolean,
): PassCheckpoint {
  const run = ctx.asOf.toISOString();
  const next: PassCheckpoint = { completedAt: new Date().toISOString() };
  const passAsOf = wholeTenant ? run : previous?.passAsOf;
  const fullPassAsOf = wholeTenant && decision.mode === "full" ? run : previous?.fullPassAsOf;
  if (passAsOf) next.passAsOf = passAsOf;
  if (fullPassAsOf) next.fullPassAsOf = fullPassAsOf;
  const tenantId = wholeTenant ? ctx.store.getMeta("tenantId") : previous?.tenantId;
  if (tenantId) next.tenantId = tenantId;
  return next;
}

/** Target ids of one type (`User`, `Device`) of the audits in the case since `since` that match. */
export function auditTargets(
  ctx: CollectContext,
  since: string,
  type: string,
  matches: (audit: DirectoryAudit) => boolean,
): Set<string> {
  const ids = new Set<string>();
  const wanted = type.toLowerCase();
  for (const { record } of ctx.store.iterate("audits", { since })) {
    if (!matches(record)) continue;
    for (const target of record.targetResources ?? []) {
      if (target.id && target.type?.toLowerCase() === wanted) ids.add(target.id);
    }
  }
  return ids;
}

/**
 * Audit records after which a user's authentication methods may read differently. Broad on
 * purpose: a needless re-read costs one `$batch` item, a missed one leaves the case stale.
 * - everything the Authentication Methods service logs (security info registered, deleted,
 *   updated, default changed, sign-in preferences; admin and user variants);
 * - "Update user" touching a StrongAuthentication* property (the legacy per-user MFA path);
 * - "Add/Remove users strong authentication phone app detail", "Enable/Disable Strong Authentication";
 * - FIDO2, Windows Hello, passwordless phone sign-in and platform credentials (logged by DRS);
 * - password resets and changes: the password method's `createdDateTime` is its last update.
 */
export function changesMethods(audit: DirectoryAudit): boolean {
  if (audit.loggedByService?.toLowerCase() === "authentication methods") return true;
  const activity = audit.activityDisplayName?.toLowerCase() ?? "";
  if (/security info|strong authentication/.test(activity)) return true;
  if (/fido2|windows hello|passwordless phone|platform credential|passkey/.test(activity)) return true;
  if (/password/.test(activity) && /reset|change/.test(activity) && !/force/.test(activity)) return true;
  if (activity === "update user") {
    return (audit.targetResources ?? []).some((target) =>
      (target.modifiedProperties ?? []).some((prop) =>
        prop.displayName?.toLowerCase().startsWith("strongauthentication"),
      ),
    );
  }
  return false;
}

/** Any record naming a device as a target may have changed its owners or users. */
export function namesDevice(audit: DirectoryAudit): boolean {
  return (audit.targetResources ?? []).some((target) => target.type?.toLowerCase() === "device");
}
