import { loadFindings, loadTriage } from "../detect/persist.js";
import { JOURNAL_ACTOR as EVICT_ACTOR } from "../evict/executor.js";
import { parsePlan } from "../evict/plan.js";
import { EvictStore } from "../evict/store.js";
import { Journal } from "../journal/journal.js";
import { postureInput } from "../posture/case-run.js";
import { reviewContext } from "../posture/review.js";
import { RULE_INTENTS } from "../rules/intents.js";
import { NotExpressibleInSigma, sigmaRule } from "../rules/sigma.js";
import type { CaseStore } from "../store/types.js";
import type {
  ActionResult,
  EvictionSection,
  PostureResult,
  ReportInput,
  RuleSummary,
  VerificationResult,
} from "./model.js";

/**
 * Reads everything the report shows out of one case file: the snapshot, the stored findings and
 * verdicts, what the eviction journal says was done and verified, a fresh posture review (pure,
 * from the same snapshot), and the rule set the tenant can export.
 */
export function assembleReport(
  store: CaseStore,
  options: { caseFile?: string; now?: Date } = {},
): ReportInput {
  const now = options.now ?? new Date();
  const posture = postureInput(store);
  return {
    generatedAt: now.toISOString(),
    ...(options.caseFile ? { caseFile: options.caseFile } : {}),
    snapshot: posture.ctx.snapshot,
    findings: loadFindings(store).map((stored) => stored.finding),
    triage: loadTriage(store),
    eviction: evictionSection(store),
    posture: postureResults(posture.ctx),
    rules: ruleSummaries(now),
  };
}

type StepEndPayload = { userId?: string; kind?: string; outcome?: string; detail?: string };

function evictionSection(store: CaseStore): EvictionSection | undefined {
  const journal = new Journal(store);
  const entries = journal.entries({ actor: EVICT_ACTOR });
  if (entries.length === 0) return undefined;
  const lastPlan = new EvictStore(store).lastPlan();
  const plan = lastPlan ? parsePlan(lastPlan, "last applied plan") : undefined;
  const upn = new Map(plan?.users.map((u) => [u.userId, u.userPrincipalName]) ?? []);
  const stepDescriptions = new Map(
    plan?.users.flatMap((u) => u.steps.map((s) => [s.id, s.description])) ?? [],
  );

  const actions: ActionResult[] = entries
    .filter((e) => e.kind === "step.end")
    .map((e) => {
      const p = e.payload as StepEndPayload;
      const userId = p.userId ?? "";
      const status =
        p.outcome === "done" || p.outcome === "alreadyDone" || p.outcome === "failed" ? p.outcome : "skipped";
      return {
        userId,
        ...(upn.has(userId) ? { userPrincipalName: upn.get(userId)! } : {}),
        step: p.kind ?? "step",
        ...(e.subject && stepDescriptions.has(e.subject) ? { target: stepDescriptions.get(e.subject)! } : {}),
        status,
        time: e.at,
        ...(p.detail ? { detail: p.detail } : {}),
      };
    });

  // The latest verification of each user wins.
  const verified = new Map<string, VerificationResult[]>();
  for (const e of entries.filter((entry) => entry.kind === "user.verified" && entry.subject)) {
    const checks = (e.payload.checks ?? []) as { name: string; ok: boolean; detail?: string }[];
    const userId = e.subject!;
    verified.set(
      userId,
      checks.map((c) => ({
        userId,
        ...(upn.has(userId) ? { userPrincipalName: upn.get(userId)! } : {}),
        check: c.name,
        ok: c.ok,
        ...(c.detail ? { detail: c.detail } : {}),
      })),
    );
  }
  const alerts = new Set(
    plan?.users.flatMap((u) => u.alerts.map((a) => `${a.rule} (${a.source}, ${a.severity})`)) ?? [],
  );
  return {
    actions,
    verification: [...verified.values()].flat(),
    journalIntact: journal.verify().ok,
    expectedAlerts: [...alerts],
  };
}

function postureResults(ctx: Parameters<typeof reviewContext>[0]): PostureResult[] {
  return reviewContext(ctx).checks.map((check) => ({
    id: check.id,
    title: check.title,
    result: check.result,
    references: [...check.scubaGear, ...check.maester],
    evidence: [
      check.summary,
      ...check.evidence.map((e) => `${e.name ?? e.ref} ${e.setting} = ${JSON.stringify(e.value)}`),
    ].join(" · "),
    ...(check.fix ? { fix: check.fix } : {}),
  }));
}

function ruleSummaries(now: Date): RuleSummary[] {
  const date = now.toISOString().slice(0, 10);
  return RULE_INTENTS.map((intent) => {
    let sigma = true;
    try {
      sigmaRule(intent, { date });
    } catch (error) {
      if (!(error instanceof NotExpressibleInSigma)) throw error;
      sigma = false;
    }
    return {
      id: intent.id,
      name: intent.title,
      formats: sigma ? ["kql", "sigma"] : ["kql"],
      severity: intent.severity,
      technique: intent.technique,
    };
  });
}
