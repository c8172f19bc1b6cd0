import type { Finding, Triage } from "../detect/finding.js";
import { loadFindings, loadTriage, setTriage } from "../detect/persist.js";
import type { EvictionPlan } from "../evict/plan.js";
import { renderDryRun } from "../evict/render.js";
import { applyCommand, planCommand } from "../evict/run.js";
import { userTimeline } from "../report/timeline.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import type { CaseStore } from "../store/types.js";
import type { ApplyView, ConsoleBackend, PlanView } from "./backend.js";

/**
 * The console's view of one case file: findings and verdicts from detection's tables, timelines
 * from the snapshot, plans from the eviction planner, and apply through the same executor (and
 * journal) as `mfa-evict apply --yes`.
 */
export class CaseConsoleBackend implements ConsoleBackend {
  private snapshotCache?: CaseSnapshot;
  private readonly plans = new Map<string, { plan: EvictionPlan; warnings: string[] }>();

  constructor(
    private readonly store: CaseStore,
    private readonly caseFile: string,
  ) {}

  private snapshot(): CaseSnapshot {
    this.snapshotCache ??= this.store.snapshot();
    return this.snapshotCache;
  }

  async listFindings(): Promise<{ findings: Finding[]; triage: Triage[] }> {
    return { findings: loadFindings(this.store).map((s) => s.finding), triage: loadTriage(this.store) };
  }

  async timeline(finding: Finding) {
    return userTimeline(this.snapshot(), finding.userId, [finding], []);
  }

  async setTriage(decision: {
    findingId: string;
    verdict: Triage["verdict"];
    reason?: string;
  }): Promise<void> {
    setTriage(this.store, {
      ...decision,
      decidedBy: "console",
      decidedAt: new Date().toISOString(),
    });
  }

  async createPlan(findingIds: string[]): Promise<{ planId: string }> {
    const { plan, warnings } = await planCommand({ caseFile: this.caseFile, findingIds });
    this.plans.set(plan.id, { plan, warnings });
    return { planId: plan.id };
  }

  async showPlan(planId: string): Promise<PlanView | undefined> {
    const entry = this.plans.get(planId);
    if (!entry) return undefined;
    const { plan, warnings } = entry;
    return {
      id: plan.id,
      createdAt: plan.createdAt,
      users: plan.users.map((u) => ({
        userId: u.userId,
        userPrincipalName: u.userPrincipalName,
        steps:
          u.status === "refused"
            ? [{ title: "refused", detail: u.refusals.join("; ") }]
            : u.steps.map((s) => ({ title: s.kind, detail: s.description })),
      })),
      dryRun: renderDryRun(plan).trimEnd().split("\n"),
      warnings: [...warnings, ...plan.skipped.map((s) => `finding ${s.findingId} not planned: ${s.reason}`)],
    };
  }

  async applyPlan(planId: string): Promise<ApplyView> {
    const entry = this.plans.get(planId);
    if (!entry) throw new Error(`no plan ${planId}`);
    const { summary } = await applyCommand({ plan: entry.plan, caseFile: this.caseFile, yes: true });
    this.snapshotCache = undefined;
    const failed = (summary?.users ?? [])
      .filter((u) => u.status === "failed" || u.status === "refused")
      .map((u) => ({ userPrincipalName: u.userPrincipalName, status: u.status, reason: u.reason ?? "" }));
    return {
      done: summary?.counts.done ?? 0,
      skipped: summary?.counts.skipped ?? 0,
      failed,
    };
  }
}
