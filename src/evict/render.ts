import type { ApplySummary } from "./executor.js";
import type { EvictionPlan } from "./plan.js";
import { plannedCall } from "./steps.js";
import type { UserVerification } from "./verify.js";

/**
 * Text renderings of plans, dry-runs, apply summaries and verifications for the terminal. Values
 * from the tenant (names, UPNs) may be hostile: control characters are replaced so they cannot
 * move the cursor or rewrite earlier lines.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
export function clean(text: string): string {
  return text.replace(CONTROL, "?");
}

const MARK = { pass: "ok  ", fail: "FAIL", unknown: "??  " } as const;

export function renderPlan(plan: EvictionPlan): string {
  const lines: string[] = [];
  const ready = plan.users.filter((u) => u.status === "ready").length;
  lines.push(
    `Eviction plan ${plan.id} — made ${plan.createdAt}, valid ${plan.maxAgeMinutes} min; ${plan.users.length} user(s): ${ready} ready, ${plan.users.length - ready} refused`,
  );
  lines.push(
    `TAP policy: ${plan.tap.policyState}, lifetime ${plan.tap.minimumLifetimeInMinutes}–${plan.tap.maximumLifetimeInMinutes} min${plan.tap.policyForcesUsableOnce ? ", one-time enforced" : ""}`,
  );
  if (!plan.app)
    lines.push(
      "App permissions and roles were not checked (planned without Graph access); apply checks them.",
    );
  for (const user of plan.users) {
    lines.push("");
    const roles = user.privilegedRoles.length
      ? ` — roles: ${user.privilegedRoles.map((r) => r.name).join(", ")}`
      : "";
    lines.push(
      `${clean(user.userPrincipalName)} [${user.status.toUpperCase()}]${roles}${user.onPremisesSynced ? " — synced from on-premises AD" : ""}`,
    );
    for (const refusal of user.refusals) lines.push(`  refused: ${clean(refusal)}`);
    lines.push("  pre-checks:");
    for (const check of user.preChecks)
      lines.push(`    [${MARK[check.result]}] ${check.description}: ${clean(check.detail)}`);
    lines.push("  steps:");
    user.steps.forEach((step, i) => {
      lines.push(`    ${String(i + 1).padStart(2)}. ${clean(step.description)}`);
    });
    lines.push(
      `    ${String(user.steps.length + 1).padStart(2)}. Verify the end state (re-read methods, devices, sessions)`,
    );
    for (const note of user.notes) lines.push(`  note: ${clean(note)}`);
    for (const manual of user.manual) lines.push(`  MANUAL: ${clean(manual)}`);
    for (const alert of user.alerts)
      lines.push(
        `  expected SOC alert (${alert.severity}): ${alert.source} "${alert.rule}" from ${alert.stepKind}`,
      );
  }
  if (plan.skipped.length > 0) {
    lines.push("", "Findings not acted on:");
    for (const s of plan.skipped) lines.push(`  ${s.findingId} (${s.userId}): ${clean(s.reason)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Exactly the writes `apply --yes` would make, in order per user; each is preceded by a read of the current state. */
export function renderDryRun(plan: EvictionPlan): string {
  const lines = [
    `Dry run of plan ${plan.id}: these are the writes apply --yes would make (each after a read of the current state).`,
  ];
  for (const user of plan.users) {
    lines.push("", `# ${clean(user.userPrincipalName)} (${user.userId})`);
    if (user.status === "refused") {
      lines.push(`  (refused: ${clean(user.refusals.join("; "))} — no calls)`);
      continue;
    }
    for (const step of user.steps) {
      const call = plannedCall(step, user.userId);
      const body = call.body === undefined ? "" : ` ${JSON.stringify(call.body)}`;
      lines.push(`  ${call.method} /${call.version ?? "v1.0"}${call.path}${body}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function renderSummary(summary: ApplySummary): string {
  const lines = [
    `Plan ${summary.planId}: ${summary.counts.done} done, ${summary.counts.skipped} skipped, ${summary.counts.refused} refused, ${summary.counts.failed} failed`,
  ];
  for (const user of summary.users) {
    if (user.status === "done") continue;
    lines.push(`  ${user.status.padEnd(8)} ${clean(user.userPrincipalName)}: ${clean(user.reason ?? "")}`);
  }
  return `${lines.join("\n")}\n`;
}

export function renderVerification(results: readonly UserVerification[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.ok ? "PASS" : "FAIL"} ${clean(result.userPrincipalName)}`);
    for (const check of result.checks)
      lines.push(`  [${check.ok ? "ok  " : "FAIL"}] ${clean(check.name)}: ${clean(check.detail)}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(
    `${results.length - failed} of ${results.length} user(s) verified${failed ? `, ${failed} failed` : ""}`,
  );
  return `${lines.join("\n")}\n`;
}
