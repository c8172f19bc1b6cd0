import { anyEq, GraphError } from "../graph/index.js";
import type { RiskyUser } from "../graph/types.js";
import { type CollectContext, graphProvenance, type PartOutcome } from "./context.js";
import { listAll } from "./list.js";
import { collectLogStream, type LogStreamSpec } from "./log-stream.js";
import { outcomeFromError, runPart } from "./outcome.js";
import { permissionGate } from "./preflight.js";

const SIGN_IN_PAGE = 1000;

/** Directory audits in the window (every category: detections also need role, group and app events). */
export async function collectAudits(ctx: CollectContext): Promise<PartOutcome> {
  const denied = permissionGate(ctx.granted, "audits", "audits");
  if (denied) return denied;
  return runLog(ctx, "audits", "audits", {
    name: "audits",
    kind: "audits",
    version: "v1.0",
    path: "/auditLogs/directoryAudits",
    timeProperty: "activityDateTime",
    task: "audits",
  });
}

/** Answers that mean "this endpoint or query is not available here", as opposed to weather. */
function isUnavailable(error: unknown): boolean {
  return error instanceof GraphError && [400, 404, 405, 501].includes(error.status);
}

/**
 * Sign-ins. The beta endpoint carries `authenticationDetails` (MFA-fatigue detection needs it) and
 * serves non-interactive and service-principal sign-ins through a `signInEventTypes` filter; v1.0
 * has interactive sign-ins only. Beta first; if it is not served, interactive from v1.0 and the
 * other kinds reported as not collected.
 */
export async function collectSignIns(ctx: CollectContext): Promise<PartOutcome[]> {
  const denied = permissionGate(ctx.granted, "signins", "signins");
  if (denied) return [denied];
  const base = {
    kind: "signIns",
    path: "/auditLogs/signIns",
    timeProperty: "createdDateTime",
    top: SIGN_IN_PAGE,
  } as const;
  ctx.progress.begin("signins");
  const outcomes: PartOutcome[] = [];
  let betaAvailable = true;
  try {
    const result = await collectLogStream(ctx, {
      ...base,
      name: "signins.interactive",
      version: "beta",
      task: "signins",
    });
    outcomes.push({
      stream: "signins",
      part: "interactive",
      status: "collected",
      records: result.records,
      ...rejectedNote(result.rejected),
    });
  } catch (error) {
    if (!isUnavailable(error)) {
      outcomes.push(outcomeFromError("signins", "interactive", error));
      ctx.progress.end("signins", "failed");
      return outcomes;
    }
    betaAvailable = false;
    const note = `beta sign-ins unavailable (${(error as GraphError).code}); interactive sign-ins from v1.0, without authenticationDetails`;
    outcomes.push(
      await runPart("signins", "interactive", async (count) => {
        const result = await collectLogStream(ctx, {
          ...base,
          name: "signins.interactive",
          version: "v1.0",
          task: "signins",
        });
        count(result.records);
        return note;
      }),
    );
  }
  for (const [part, eventType] of [
    ["nonInteractive", "nonInteractiveUser"],
    ["servicePrincipal", "servicePrincipal"],
  ] as const) {
    if (!betaAvailable) {
      outcomes.push({
        stream: "signins",
        part,
        status: "skipped",
        records: 0,
        reason: "needs the beta sign-in endpoint, which is unavailable",
      });
      continue;
    }
    outcomes.push(
      await runPart("signins", part, async (count) => {
        const result = await collectLogStream(ctx, {
          ...base,
          name: `signins.${part}`,
          version: "beta",
          filter: anyEq("signInEventTypes", eventType),
          task: "signins",
        });
        count(result.records);
        return rejectedNote(result.rejected).reason;
      }),
    );
  }
  ctx.progress.end("signins", `${outcomes.reduce((sum, outcome) => sum + outcome.records, 0)} sign-ins`);
  return outcomes;
}

/** Risky users (current state, replaced) and risk detections (a log, by detection time). */
export async function collectRisk(ctx: CollectContext): Promise<PartOutcome[]> {
  const outcomes: PartOutcome[] = [];
  ctx.progress.begin("risk");
  const usersDenied = permissionGate(ctx.granted, "risk", "riskyUsers");
  if (usersDenied) outcomes.push(usersDenied);
  else {
    outcomes.push(
      await runPart("risk", "riskyUsers", async (count) => {
        const path = "/identityProtection/riskyUsers";
        // 500 a page (the default is 20): this endpoint allows one request per second per tenant.
        const riskyUsers = await listAll<RiskyUser>(ctx.client, { path, query: { $top: "500" } });
        ctx.store.replaceInventory("riskyUsers", undefined, riskyUsers, graphProvenance(path));
        ctx.progress.advance("risk", riskyUsers.length);
        count(riskyUsers.length);
        return undefined;
      }),
    );
  }
  const detectionsDenied = permissionGate(ctx.granted, "risk", "riskDetections");
  if (detectionsDenied) outcomes.push(detectionsDenied);
  else {
    outcomes.push(
      await runLog(ctx, "risk", "riskDetections", {
        name: "riskDetections",
        kind: "riskDetections",
        version: "v1.0",
        path: "/identityProtection/riskDetections",
        timeProperty: "detectedDateTime",
        task: "risk",
      }),
    );
  }
  ctx.progress.end("risk", "done");
  return outcomes;
}

async function runLog(
  ctx: CollectContext,
  stream: string,
  part: string,
  spec: LogStreamSpec,
): Promise<PartOutcome> {
  if (spec.task === part) ctx.progress.begin(spec.task);
  const outcome = await runPart(stream, part, async (count) => {
    const result = await collectLogStream(ctx, spec);
    count(result.records);
    return rejectedNote(result.rejected).reason;
  });
  if (spec.task === part)
    ctx.progress.end(
      spec.task,
      outcome.status === "collected" ? `${outcome.records} records` : outcome.status,
    );
  return outcome;
}

function rejectedNote(rejected: number): { reason?: string } {
  return rejected > 0 ? { reason: `${rejected} record(s) rejected by the case store (no id)` } : {};
}
