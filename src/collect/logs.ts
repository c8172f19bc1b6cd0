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
  // The three kinds page side by side, so a slot of the reports budget never waits for one chain
  // of nextLinks while another kind has a page to ask for.
  const kinds = [
    { part: "interactive", eventType: undefined },
    { part: "nonInteractive", eventType: "nonInteractiveUser" },
    { part: "servicePrincipal", eventType: "servicePrincipal" },
  ] as const;
  const settled = await Promise.allSettled(
    kinds.map(({ part, eventType }) =>
      collectLogStream(ctx, {
        ...base,
        name: `signins.${part}`,
        version: "beta",
        ...(eventType ? { filter: anyEq("signInEventTypes", eventType) } : {}),
        task: "signins",
      }),
    ),
  );
  const outcomes: PartOutcome[] = [];
  const interactive = settled[0]!;
  const betaMissing = interactive.status === "rejected" && isUnavailable(interactive.reason);
  for (const [index, result] of settled.entries()) {
    const part = kinds[index]!.part;
    if (result.status === "fulfilled") {
      outcomes.push({
        stream: "signins",
        part,
        status: "collected",
        records: result.value.records,
        ...rejectedNote(result.value.rejected),
      });
    } else if (!betaMissing) {
      outcomes.push(outcomeFromError("signins", part, result.reason));
    } else if (part === "interactive") {
      const note = `beta sign-ins unavailable (${(result.reason as GraphError).code}); interactive sign-ins from v1.0, without authenticationDetails`;
      outcomes.push(
        await runPart("signins", part, async (count) => {
          const v1 = await collectLogStream(ctx, {
            ...base,
            name: "signins.interactive",
            version: "v1.0",
            task: "signins",
          });
          count(v1.records);
          return note;
        }),
      );
    } else {
      outcomes.push({
        stream: "signins",
        part,
        status: "skipped",
        records: 0,
        reason: "needs the beta sign-in endpoint, which is unavailable",
      });
    }
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
