import type { Finding, Triage } from "../detect/finding.js";
import { loadFindings, loadTriage, setTriage } from "../detect/persist.js";
import type { EvictionPlan } from "../evict/plan.js";
import { renderDryRun } from "../evict/render.js";
import { applyCommand, planCommand } from "../evict/run.js";
import type { CredentialEnvironment } from "../graph/credential.js";
import type { AuthenticationMethod } from "../graph/types.js";
import { userTimeline } from "../report/timeline.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import type { CaseStore } from "../store/types.js";
import type { ApplyView, ConsoleBackend, PlanView, UserView } from "./backend.js";

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
    /** Credentials for planning and applying; the process environment when not given. */
    private readonly env?: CredentialEnvironment,
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
    const { plan, warnings } = await planCommand({
      caseFile: this.caseFile,
      findingIds,
      ...(this.env ? { env: this.env } : {}),
    });
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
    const { summary } = await applyCommand({
      plan: entry.plan,
      caseFile: this.caseFile,
      yes: true,
      ...(this.env ? { env: this.env } : {}),
    });
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

  async searchUsers(text: string, limit: number): Promise<UserView[]> {
    const needle = text.trim().toLowerCase();
    const matches = this.snapshot().users.filter(
      (u) =>
        !needle ||
        u.userPrincipalName.toLowerCase().includes(needle) ||
        u.displayName?.toLowerCase().includes(needle),
    );
    const views: UserView[] = [];
    for (const user of matches.slice(0, limit)) views.push((await this.user(user.id))!);
    return views;
  }

  async user(id: string): Promise<UserView | undefined> {
    const snapshot = this.snapshot();
    const user = snapshot.users.find((u) => u.id === id);
    if (!user) return undefined;
    const { findings } = await this.listFindings();
    return {
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      ...(user.displayName ? { displayName: user.displayName } : {}),
      methods: (snapshot.methods.get(id) ?? []).map((m) => ({
        id: m.id,
        type: m["@odata.type"].replace("#microsoft.graph.", "").replace("AuthenticationMethod", ""),
        ...methodDetail(m),
        ...(m.createdDateTime ? { created: m.createdDateTime } : {}),
      })),
      devices: snapshot.devices
        .filter((d) => [...(d.registeredOwners ?? []), ...(d.registeredUsers ?? [])].some((o) => o.id === id))
        .map((d) => ({
          id: d.id,
          ...(d.displayName ? { displayName: d.displayName } : {}),
          ...(d.operatingSystem ? { operatingSystem: d.operatingSystem } : {}),
          ...(d.trustType ? { trustType: d.trustType } : {}),
          ...(d.registrationDateTime ? { registered: d.registrationDateTime } : {}),
          ...(typeof d.accountEnabled === "boolean" ? { enabled: d.accountEnabled } : {}),
        })),
      findingIds: findings.filter((f) => f.userId === id).map((f) => f.id),
    };
  }
}

function methodDetail(method: AuthenticationMethod): { detail?: string } {
  if ("phoneNumber" in method) return { detail: `${method.phoneType} ${method.phoneNumber}` };
  if ("emailAddress" in method) return { detail: method.emailAddress };
  if ("displayName" in method && method.displayName) return { detail: method.displayName };
  return {};
}
