import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type { Severity } from "../detect/finding.js";
import type { CredentialEnvironment } from "../graph/credential.js";
import { createGraphClient, type GraphConnector, tenantSizeFor } from "../graph/index.js";
import { Journal } from "../journal/journal.js";
import { openCase } from "../store/index.js";
import { readAppAccess } from "./app-access.js";
import { type ApplyEvent, ApplyRefusedError, type ApplySummary, applyPlan } from "./executor.js";
import { detectFindings, readFindingsFile, storedFindings } from "./findings-source.js";
import { type EvictionPlan, PlanFormatError, parsePlan } from "./plan.js";
import { buildPlan } from "./planner.js";
import { renderDryRun, renderPlan, renderSummary, renderVerification } from "./render.js";
import { SecretsFile } from "./secrets-file.js";
import { EvictStore } from "./store.js";
import { type UserVerification, verifyUser } from "./verify.js";

/**
 * The eviction commands' work, so the CLI only maps options: plan (case → plan file), apply
 * (plan → tenant, journaled), verify (tenant → checks).
 */

export interface GraphOptions {
  env?: CredentialEnvironment;
  /** For tests and benchmarks: a ready connector instead of one built from the environment. */
  graph?: GraphConnector;
}

function connect(options: GraphOptions): GraphConnector {
  return options.graph ?? createGraphClient(options.env ? { env: options.env } : {});
}

async function release(options: GraphOptions, graph: GraphConnector): Promise<void> {
  if (!options.graph) await graph.close();
}

export interface PlanCommandOptions extends GraphOptions {
  caseFile: string;
  findingIds?: string[];
  users?: string[];
  minSeverity?: Severity;
  breakGlass?: string[];
  includeBreakGlass?: boolean;
  confirmCompromised?: boolean;
  keepDevices?: boolean;
  tapLifetimeMinutes?: number;
  tapMultiUse?: boolean;
  maxAgeMinutes?: number;
  /** Plan without contacting Graph (app permissions and roles then checked only at apply). */
  offline?: boolean;
  findingsFile?: string;
  now?: Date;
}

export async function planCommand(
  options: PlanCommandOptions,
): Promise<{ plan: EvictionPlan; text: string; warnings: string[] }> {
  const store = openCase(options.caseFile, { readonly: true });
  const warnings: string[] = [];
  try {
    const snapshot = store.snapshot();
    let app: EvictionPlan["app"] = null;
    let appId: string | undefined;
    if (!options.offline) {
      const graph = connect(options);
      try {
        const identity = await graph.identity();
        appId = identity.appId;
        const access = await readAppAccess(graph, identity);
        if (access.note) warnings.push(access.note);
        app = {
          permissions: access.permissions,
          ...(access.directoryRoles ? { directoryRoles: access.directoryRoles } : {}),
        };
      } catch (error) {
        warnings.push(
          `app permissions and roles not checked (${error instanceof Error ? error.message : String(error)}); apply checks them`,
        );
      } finally {
        await release(options, graph);
      }
    }
    const input = options.findingsFile
      ? readFindingsFile(options.findingsFile)
      : (storedFindings(store) ?? detectFindings(snapshot, appId ? [appId] : []));
    const plan = buildPlan({
      id: randomUUID(),
      now: options.now ?? new Date(),
      snapshot,
      findings: input.findings,
      triage: input.triage,
      app,
      caseFile: options.caseFile,
      options: {
        ...(options.findingIds?.length ? { findingIds: options.findingIds } : {}),
        ...(options.users?.length ? { users: options.users } : {}),
        ...(options.minSeverity ? { minSeverity: options.minSeverity } : {}),
        breakGlass: options.breakGlass ?? [],
        includeBreakGlass: options.includeBreakGlass ?? false,
        confirmCompromised: options.confirmCompromised ?? false,
        deleteDevices: !options.keepDevices,
        tap: {
          ...(options.tapLifetimeMinutes ? { lifetimeInMinutes: options.tapLifetimeMinutes } : {}),
          isUsableOnce: !options.tapMultiUse,
        },
        ...(options.maxAgeMinutes ? { maxAgeMinutes: options.maxAgeMinutes } : {}),
      },
    });
    return { plan, text: renderPlan(plan), warnings };
  } finally {
    store.close();
  }
}

export function readPlanFile(file: string): EvictionPlan {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new PlanFormatError(
      `${file}: not readable JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parsePlan(json, file);
}

export interface ApplyCommandOptions extends GraphOptions {
  plan: EvictionPlan;
  caseFile: string;
  yes: boolean;
  maxUsers?: number;
  revealSecrets?: string;
  concurrency?: number;
  onEvent?: (event: ApplyEvent) => void;
  now?: () => Date;
  /** See ApplyOptions.outcomeSettleMs. */
  outcomeSettleMs?: number;
}

export async function applyCommand(
  options: ApplyCommandOptions,
): Promise<{ text: string; summary?: ApplySummary }> {
  if (!options.yes) return { text: renderDryRun(options.plan) };
  const store = openCase(options.caseFile);
  const graph = connect(options);
  const secrets = options.revealSecrets ? new SecretsFile(options.revealSecrets) : undefined;
  try {
    // Graph's directory budget grows with the tenant; the case knows how many users it has.
    const users = store.counts().kinds.find((k) => k.kind === "users")?.total ?? 0;
    if (users > 0) graph.budgets.setTenantSize(tenantSizeFor(users));
    const identity = await graph.identity();
    if (options.plan.tenantId && identity.tenantId && options.plan.tenantId !== identity.tenantId) {
      throw new ApplyRefusedError([
        `the plan is for tenant ${options.plan.tenantId} but the credentials are for ${identity.tenantId}`,
      ]);
    }
    const access = await readAppAccess(graph, identity);
    const summary = await applyPlan({
      plan: options.plan,
      graph,
      journal: new Journal(store),
      store: new EvictStore(store),
      ...(access.directoryRoles ? { appDirectoryRoles: access.directoryRoles } : {}),
      ...(secrets ? { secrets } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.maxUsers !== undefined ? { maxUsers: options.maxUsers } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.outcomeSettleMs !== undefined ? { outcomeSettleMs: options.outcomeSettleMs } : {}),
    });
    return { text: renderSummary(summary), summary };
  } finally {
    secrets?.close();
    await release(options, graph);
    store.close();
  }
}

export interface VerifyCommandOptions extends GraphOptions {
  caseFile: string;
  plan?: EvictionPlan;
}

export async function verifyCommand(
  options: VerifyCommandOptions,
): Promise<{ text: string; results: UserVerification[] }> {
  let plan = options.plan;
  if (!plan) {
    const store = openCase(options.caseFile);
    try {
      const last = new EvictStore(store).lastPlan();
      if (!last)
        throw new PlanFormatError(`${options.caseFile}: no plan has been applied in this case; pass --plan`);
      plan = parsePlan(last, `${options.caseFile} (last applied plan)`);
    } finally {
      store.close();
    }
  }
  const graph = connect(options);
  try {
    const results: UserVerification[] = [];
    for (const user of plan.users.filter((u) => u.status === "ready"))
      results.push(await verifyUser(graph, plan, user));
    return { text: renderVerification(results), results };
  } finally {
    await release(options, graph);
  }
}
