import type { GraphClient } from "../graph/client.js";
import { GraphError } from "../graph/client.js";
import { odataString } from "../graph/odata.js";
import type { ConditionalAccessPolicy, ODataCollection } from "../graph/types.js";
import { canonicalJson, sha256Hex } from "../journal/canonical.js";
import type { JournalEntry, JournalEntryInput } from "../journal/journal.js";
import { PostureInputError } from "./errors.js";
import { RequestPacer } from "./pacer.js";
import { readProposals } from "./proposal-files.js";
import { type Proposal, usersFingerprint } from "./proposals.js";

/**
 * `posture --apply DIR`: creates / updates the proposed policies through Graph, with eviction's
 * rules — a dry run unless `yes`, every write journaled before and after in the case's hash-chained
 * journal, a re-run skips what is already done. Only report-only bodies pass the proposal guard,
 * and an update is refused when the target policy is enforced by the time it runs.
 */

export const JOURNAL_ACTOR = "posture";
const POLICIES = "/identity/conditionalAccess/policies";

/** The part of the case journal apply uses (src/journal's Journal satisfies it). */
export interface JournalSink {
  append(input: JournalEntryInput): unknown;
  entries(filter?: { runId?: string; subject?: string; actor?: string }): JournalEntry[];
}

export type ChangeStatus = "planned" | "created" | "updated" | "alreadyDone" | "refused" | "failed";

export interface ChangeResult {
  file: string;
  action: Proposal["action"];
  displayName: string;
  status: ChangeStatus;
  policyId?: string;
  detail: string;
}

export interface ApplyProposalsResult {
  dryRun: boolean;
  runId: string;
  results: ChangeResult[];
  counts: Record<ChangeStatus, number>;
}

export interface ApplyProposalsOptions {
  dir: string;
  /** Without it nothing is written: a dry run that validates and lists the changes. */
  yes: boolean;
  graph?: GraphClient;
  journal?: JournalSink;
  pacer?: RequestPacer;
  /** The tenant the Graph client's credentials reach; must match the proposals' tenant when both are known. */
  connectedTenantId?: string;
  onResult?: (result: ChangeResult) => void;
}

/** Application permissions a CA policy write needs (graph-entra.md §12). */
export const WRITE_PERMISSIONS = ["Policy.ReadWrite.ConditionalAccess", "Policy.Read.All"] as const;

export async function applyProposals(options: ApplyProposalsOptions): Promise<ApplyProposalsResult> {
  const set = readProposals(options.dir);
  const runId = `posture-${sha256Hex(canonicalJson(set.manifest)).slice(0, 16)}`;
  const results: ChangeResult[] = [];
  const record = (result: ChangeResult) => {
    results.push(result);
    options.onResult?.(result);
  };

  if (!options.yes) {
    for (const proposal of set.proposals) {
      record({
        ...describe(proposal),
        status: "planned",
        detail:
          proposal.action === "create"
            ? `would POST ${POLICIES} (report-only)`
            : `would PATCH ${POLICIES}/${proposal.policyId} (report-only)`,
      });
    }
    return summarise(true, runId, results);
  }

  const { graph, journal } = options;
  if (!graph || !journal) throw new Error("applying proposals needs a Graph client and the case journal");
  if (set.tenantId && options.connectedTenantId && set.tenantId !== options.connectedTenantId) {
    throw new PostureInputError(
      `the proposals are for tenant ${set.tenantId}, but the credentials reach tenant ${options.connectedTenantId}; nothing was changed`,
    );
  }
  const granted = new Set(await graph.grantedRoles());
  const missing = WRITE_PERMISSIONS.filter((permission) => !granted.has(permission));
  if (missing.length > 0) {
    throw new PostureInputError(
      `the app lacks ${missing.join(" and ")}, which creating or updating Conditional Access policies needs; nothing was changed`,
    );
  }
  const pacer = options.pacer ?? new RequestPacer();
  journal.append({
    actor: JOURNAL_ACTOR,
    runId,
    kind: "run.start",
    payload: { dir: options.dir, proposals: set.proposals.length, breakGlassUserIds: set.breakGlassUserIds },
  });
  for (const proposal of set.proposals) {
    record(await applyOne(proposal, runId, graph, journal, pacer));
  }
  const summary = summarise(false, runId, results);
  journal.append({ actor: JOURNAL_ACTOR, runId, kind: "run.end", payload: { counts: summary.counts } });
  return summary;
}

async function applyOne(
  proposal: Proposal,
  runId: string,
  graph: GraphClient,
  journal: JournalSink,
  pacer: RequestPacer,
): Promise<ChangeResult> {
  const base = describe(proposal);
  const done = journal
    .entries({ runId, subject: proposal.file, actor: JOURNAL_ACTOR })
    .find(
      (entry) =>
        entry.kind === "change.end" &&
        (entry.payload.status === "created" || entry.payload.status === "updated"),
    );
  if (done) {
    return {
      ...base,
      status: "alreadyDone",
      policyId: String(done.payload.policyId ?? ""),
      detail: "done in an earlier run (journal)",
    };
  }
  try {
    if (proposal.action === "create") {
      // A kill between POST and the journal entry must not create a second copy on re-run.
      const existing = await pacer.run(() =>
        graph.request<ODataCollection<ConditionalAccessPolicy>>({
          method: "GET",
          path: POLICIES,
          query: {
            $filter: `displayName eq ${odataString(proposal.body.displayName)}`,
            $select: "id,displayName,state",
          },
        }),
      );
      const found = existing.body.value[0];
      if (found) {
        return {
          ...base,
          status: "alreadyDone",
          policyId: found.id,
          detail: `a policy with this name already exists (state ${found.state})`,
        };
      }
    } else {
      const current = await pacer.run(() =>
        graph.request<ConditionalAccessPolicy>({
          method: "GET",
          path: `${POLICIES}/${encodeURIComponent(proposal.policyId!)}`,
        }),
      );
      if (usersFingerprint(current.body) !== proposal.basedOnUsersSha256) {
        const detail =
          "the policy's users and exclusions changed since the proposal; re-collect and re-run posture --propose";
        journal.append({
          actor: JOURNAL_ACTOR,
          runId,
          kind: "change.refused",
          subject: proposal.file,
          payload: { policyId: proposal.policyId, detail },
        });
        return { ...base, status: "refused", policyId: proposal.policyId, detail };
      }
      if (current.body.state === "enabled") {
        const detail =
          "the policy is enforced now; mfa-evict never edits an enforced policy (re-run posture --propose)";
        journal.append({
          actor: JOURNAL_ACTOR,
          runId,
          kind: "change.refused",
          subject: proposal.file,
          payload: { policyId: proposal.policyId, detail },
        });
        return { ...base, status: "refused", policyId: proposal.policyId, detail };
      }
    }
    journal.append({
      actor: JOURNAL_ACTOR,
      runId,
      kind: "change.begin",
      subject: proposal.file,
      payload: {
        action: proposal.action,
        policyId: proposal.policyId,
        displayName: proposal.body.displayName,
        body: proposal.body,
      },
    });
    let policyId = proposal.policyId;
    if (proposal.action === "create") {
      const created = await pacer.run(() =>
        graph.request<ConditionalAccessPolicy>({ method: "POST", path: POLICIES, body: proposal.body }),
      );
      policyId = created.body.id;
    } else {
      await pacer.run(() =>
        graph.request({
          method: "PATCH",
          path: `${POLICIES}/${encodeURIComponent(proposal.policyId!)}`,
          body: proposal.body,
        }),
      );
    }
    const status = proposal.action === "create" ? "created" : "updated";
    journal.append({
      actor: JOURNAL_ACTOR,
      runId,
      kind: "change.end",
      subject: proposal.file,
      payload: { status, policyId },
    });
    return { ...base, status, policyId, detail: `${status} in report-only state` };
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    journal.append({
      actor: JOURNAL_ACTOR,
      runId,
      kind: "change.end",
      subject: proposal.file,
      payload: { status: "failed", httpStatus: error.status, code: error.code },
    });
    return {
      ...base,
      status: "failed",
      policyId: proposal.policyId,
      detail: `${error.status} ${error.code}: ${error.message}`,
    };
  }
}

function describe(proposal: Proposal): Pick<ChangeResult, "file" | "action" | "displayName"> {
  return { file: proposal.file, action: proposal.action, displayName: proposal.body.displayName };
}

function summarise(dryRun: boolean, runId: string, results: ChangeResult[]): ApplyProposalsResult {
  const counts: Record<ChangeStatus, number> = {
    planned: 0,
    created: 0,
    updated: 0,
    alreadyDone: 0,
    refused: 0,
    failed: 0,
  };
  for (const result of results) counts[result.status]++;
  return { dryRun, runId, results, counts };
}
