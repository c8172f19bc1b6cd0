import type { Finding, Triage } from "../../src/detect/finding.js";
import type { ApplyView, ConsoleBackend, PlanView, UserView } from "../../src/web/backend.js";

export const HOSTILE_NAME = `<script>document.title="pwned"</script><img src=x onerror="document.title='pwned'">`;

export function sampleFindings(): Finding[] {
  const base = {
    technique: "T1098.005" as const,
    recommendedActions: ["deleteMethod" as const],
    privileged: false,
  };
  return [
    {
      ...base,
      id: "f-high",
      detectionId: "registration-unfamiliar-location",
      title: "Authenticator registered from an unfamiliar country",
      severity: "high",
      score: 88,
      userId: "u1",
      userPrincipalName: "o'brien@contoso.com",
      object: {
        kind: "method",
        methodId: "m1",
        odataType: "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        label: HOSTILE_NAME,
      },
      explanation: `Authenticator "${HOSTILE_NAME}" registered from 203.0.113.77 (NL), never seen for this user.`,
      evidence: [
        {
          kind: "audit",
          id: "a1",
          time: "2026-05-04T09:12:44Z",
          summary: "User registered security info",
          ipAddress: "203.0.113.77",
        },
      ],
    },
    {
      ...base,
      id: "f-low",
      detectionId: "registration-unusual-hour",
      title: "Method registered at an unusual hour",
      severity: "low",
      score: 20,
      technique: "T1556.006",
      userId: "u2",
      userPrincipalName: "ana@contoso.com",
      object: { kind: "method", methodId: "m2", odataType: "#microsoft.graph.phoneAuthenticationMethod" },
      explanation: "Phone added at 03:12 local time.",
      evidence: [],
    },
  ];
}

/** An in-memory backend: the console's tests check what the console forwards, not the case logic. */
export class FakeBackend implements ConsoleBackend {
  findings = sampleFindings();
  triage: Triage[] = [];
  plans = new Map<string, PlanView>();
  applied: string[] = [];

  async listFindings() {
    return { findings: this.findings, triage: this.triage };
  }
  async timeline(finding: Finding) {
    return finding.evidence.map((e) => ({
      time: e.time!,
      lane: "change" as const,
      label: e.summary,
      evidence: true,
      recordId: e.id,
    }));
  }
  async setTriage(decision: { findingId: string; verdict: Triage["verdict"]; reason?: string }) {
    this.triage = this.triage.filter((t) => t.findingId !== decision.findingId);
    this.triage.push({ ...decision, decidedAt: "2026-05-05T00:00:00Z" });
  }
  async createPlan(findingIds: string[]) {
    const id = `plan-${this.plans.size + 1}`;
    const users = this.findings
      .filter((f) => findingIds.includes(f.id))
      .map((f) => ({
        userId: f.userId,
        userPrincipalName: f.userPrincipalName!,
        steps: [{ title: "Rotate password" }, { title: `Delete ${f.object.kind}` }],
      }));
    this.plans.set(id, {
      id,
      createdAt: "2026-05-05T00:00:00Z",
      users,
      dryRun: ["PATCH /v1.0/users/u1"],
      warnings: [],
    });
    return { planId: id };
  }
  async showPlan(planId: string) {
    return this.plans.get(planId);
  }
  async applyPlan(planId: string): Promise<ApplyView> {
    this.applied.push(planId);
    return { done: 2, skipped: 0, failed: [] };
  }
  async searchUsers(text: string): Promise<UserView[]> {
    const users = await Promise.all(["u1", "u2"].map((id) => this.user(id)));
    return users.filter((u): u is UserView => !!u && u.userPrincipalName.includes(text));
  }
  async user(id: string): Promise<UserView | undefined> {
    const finding = this.findings.find((f) => f.userId === id);
    if (!finding) return undefined;
    return {
      id,
      userPrincipalName: finding.userPrincipalName!,
      displayName: id === "u1" ? HOSTILE_NAME : "Ana",
      methods: [{ id: "m1", type: "microsoftAuthenticator", detail: HOSTILE_NAME }],
      devices: [],
      findingIds: [finding.id],
    };
  }
}
