import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import {
  type GraphClient,
  GraphError,
  type GraphRequest,
  type GraphResponse,
} from "../../src/graph/client.js";
import type { ConditionalAccessPolicy } from "../../src/graph/types.js";
import { Journal } from "../../src/journal/journal.js";
import { applyProposals } from "../../src/posture/apply.js";
import { buildContext } from "../../src/posture/context.js";
import { RequestPacer } from "../../src/posture/pacer.js";
import { writeProposals } from "../../src/posture/proposal-files.js";
import { proposeFixes } from "../../src/posture/proposals.js";
import { reviewContext } from "../../src/posture/review.js";
import { openCase } from "../../src/store/index.js";
import { FINDINGS, ID, tenant } from "./tenants.js";

const NOW = new Date("2026-11-24T12:00:00Z");
const dirs: string[] = [];
const stores: { close(): void }[] = [];
afterAll(() => {
  for (const store of stores) store.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A clock whose sleep advances time instantly, so pacing is asserted without waiting. */
function fakeClock() {
  let now = 1_000_000;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

/** An in-memory CA endpoint that records every request with the (fake) time it was sent. */
function fakeGraph(clock: { now(): number }, policies: ConditionalAccessPolicy[]) {
  const store = new Map(policies.map((p) => [p.id, structuredClone(p)]));
  const sent: { at: number; method: string; path: string; body?: unknown }[] = [];
  let nextId = 1;
  const client: GraphClient = {
    async request<T>(request: GraphRequest): Promise<GraphResponse<T>> {
      sent.push({ at: clock.now(), method: request.method, path: request.path, body: request.body });
      const respond = (status: number, body: unknown) => ({ status, headers: {}, body: body as T });
      const id = decodeURIComponent(request.path.split("/")[4] ?? "");
      if (request.method === "GET" && !id) {
        const name = /displayName eq '(.*)'/.exec(request.query?.$filter ?? "")?.[1]?.replaceAll("''", "'");
        return respond(200, { value: [...store.values()].filter((p) => p.displayName === name) });
      }
      const existing = store.get(id);
      if (request.method === "GET") {
        if (!existing) throw new GraphError(404, "ResourceNotFound", "not found", request);
        return respond(200, existing);
      }
      if (request.method === "POST") {
        const created = { ...(request.body as ConditionalAccessPolicy), id: `new-${nextId++}` };
        store.set(created.id, created);
        return respond(201, created);
      }
      if (request.method === "PATCH" && existing) {
        Object.assign(existing, request.body);
        return respond(204, undefined);
      }
      throw new GraphError(400, "BadRequest", "unexpected request", request);
    },
    pages: () => {
      throw new Error("not used");
    },
    batch: () => Promise.reject(new Error("not used")),
    grantedRoles: async () => ["Policy.ReadWrite.ConditionalAccess", "Policy.Read.All"],
  };
  return { client, store, sent };
}

function setup(mutate?: (snapshot: ReturnType<typeof tenant>) => void) {
  const snapshot = tenant("bad");
  mutate?.(snapshot);
  const ctx = buildContext(snapshot, FINDINGS, { now: NOW });
  const set = proposeFixes(ctx, reviewContext(ctx));
  const root = mkdtempSync(join(tmpdir(), "posture-apply-"));
  dirs.push(root);
  writeProposals(join(root, "fixes"), set);
  const store = openCase(join(root, "case.db"));
  stores.push(store);
  const clock = fakeClock();
  const graph = fakeGraph(clock, snapshot.conditionalAccessPolicies);
  return { set, dir: join(root, "fixes"), journal: new Journal(store), clock, graph };
}

describe("posture --apply", () => {
  test("without --yes nothing is sent and nothing is journaled", async () => {
    const { dir, journal, graph } = setup();
    const result = await applyProposals({ dir, yes: false, graph: graph.client, journal });
    expect(result.dryRun).toBe(true);
    expect(result.counts.planned).toBe(8);
    expect(result.results[0].detail).toBe("would POST /identity/conditionalAccess/policies (report-only)");
    expect(graph.sent).toEqual([]);
    expect(journal.entries()).toEqual([]);
  });

  test("with --yes every policy is created report-only, one Conditional Access request per second, journaled", async () => {
    const { dir, journal, graph, clock } = setup();
    const result = await applyProposals({
      dir,
      yes: true,
      graph: graph.client,
      journal,
      pacer: new RequestPacer(1_000, clock),
    });
    expect(result.counts).toMatchObject({ created: 8, failed: 0, refused: 0 });
    // A name lookup before each POST (so a re-run after a crash does not duplicate), then the POST.
    expect(graph.sent.map((r) => r.method)).toEqual(Array.from({ length: 8 }, () => ["GET", "POST"]).flat());
    for (let i = 1; i < graph.sent.length; i++) {
      expect(graph.sent[i].at - graph.sent[i - 1].at).toBeGreaterThanOrEqual(1_000);
    }
    const created = [...graph.store.values()].filter((p) => p.id.startsWith("new-"));
    expect(created.every((p) => p.state === "enabledForReportingButNotEnforced")).toBe(true);
    expect(created.every((p) => p.conditions.users?.excludeUsers?.includes(ID.breakGlass))).toBe(true);
    // The original enforced policy is untouched.
    expect(graph.store.get("ca-bad-mfa")?.state).toBe("enabled");
    const kinds = journal.entries({ actor: "posture" }).map((e) => e.kind);
    expect(kinds[0]).toBe("run.start");
    expect(kinds.at(-1)).toBe("run.end");
    expect(kinds.filter((k) => k === "change.end")).toHaveLength(8);
    expect(journal.verify().ok).toBe(true);
  });

  test("a re-run does nothing new: the journal says each change is done", async () => {
    const { dir, journal, graph, clock } = setup();
    const pacer = new RequestPacer(1_000, clock);
    await applyProposals({ dir, yes: true, graph: graph.client, journal, pacer });
    const before = graph.sent.length;
    const again = await applyProposals({ dir, yes: true, graph: graph.client, journal, pacer });
    expect(again.counts.alreadyDone).toBe(8);
    expect(graph.sent.length).toBe(before);
  });

  test("a policy created before a crash (not in the journal) is found by name and not created twice", async () => {
    const { dir, journal, graph, clock, set } = setup();
    const first = set.proposals[0];
    graph.store.set("pre-existing", {
      ...(first.body as unknown as ConditionalAccessPolicy),
      id: "pre-existing",
    });
    const result = await applyProposals({
      dir,
      yes: true,
      graph: graph.client,
      journal,
      pacer: new RequestPacer(1_000, clock),
    });
    expect(result.results[0]).toMatchObject({ status: "alreadyDone", policyId: "pre-existing" });
    expect(graph.sent.filter((r) => r.method === "POST")).toHaveLength(7);
  });

  test("an update is refused when the target policy has been enforced since the proposal", async () => {
    const { dir, journal, graph, clock } = setup((snapshot) => {
      snapshot.conditionalAccessPolicies = snapshot.conditionalAccessPolicies.map((p) =>
        p.id === "ca-bad-legacy"
          ? {
              ...p,
              conditions: {
                ...p.conditions,
                users: { ...p.conditions.users, excludeUsers: [ID.breakGlass, ID.dave] },
              },
            }
          : p,
      );
    });
    graph.store.get("ca-bad-legacy")!.state = "enabled";
    const result = await applyProposals({
      dir,
      yes: true,
      graph: graph.client,
      journal,
      pacer: new RequestPacer(1_000, clock),
    });
    const refused = result.results.find((r) => r.action === "update")!;
    expect(refused).toMatchObject({ status: "refused", policyId: "ca-bad-legacy" });
    expect(graph.sent.some((r) => r.method === "PATCH")).toBe(false);
    expect(journal.entries({ actor: "posture" }).some((e) => e.kind === "change.refused")).toBe(true);
  });

  test("an update is refused when the policy's users changed since the proposal (a stale PATCH could drop a new exclusion)", async () => {
    const { dir, journal, graph, clock } = setup((snapshot) => {
      snapshot.conditionalAccessPolicies = snapshot.conditionalAccessPolicies.map((p) =>
        p.id === "ca-bad-legacy"
          ? {
              ...p,
              conditions: {
                ...p.conditions,
                users: { ...p.conditions.users, excludeUsers: [ID.breakGlass, ID.dave] },
              },
            }
          : p,
      );
    });
    // Meanwhile someone excluded a second emergency account in the live policy.
    graph.store.get("ca-bad-legacy")!.conditions.users!.excludeUsers = [
      ID.breakGlass,
      ID.dave,
      "second-break-glass",
    ];
    const result = await applyProposals({
      dir,
      yes: true,
      graph: graph.client,
      journal,
      pacer: new RequestPacer(1_000, clock),
    });
    expect(result.results.find((r) => r.action === "update")).toMatchObject({
      status: "refused",
      detail: expect.stringMatching(/changed since the proposal/),
    });
    expect(graph.store.get("ca-bad-legacy")!.conditions.users!.excludeUsers).toContain("second-break-glass");
  });

  test("a report-only policy is patched in place and stays report-only", async () => {
    const { dir, journal, graph, clock } = setup((snapshot) => {
      snapshot.conditionalAccessPolicies = snapshot.conditionalAccessPolicies.map((p) =>
        p.id === "ca-bad-legacy"
          ? {
              ...p,
              conditions: {
                ...p.conditions,
                users: { ...p.conditions.users, excludeUsers: [ID.breakGlass, ID.dave] },
              },
            }
          : p,
      );
    });
    const result = await applyProposals({
      dir,
      yes: true,
      graph: graph.client,
      journal,
      pacer: new RequestPacer(1_000, clock),
    });
    expect(result.results.find((r) => r.action === "update")).toMatchObject({
      status: "updated",
      policyId: "ca-bad-legacy",
    });
    const patched = graph.store.get("ca-bad-legacy")!;
    expect(patched.state).toBe("enabledForReportingButNotEnforced");
    expect(patched.conditions.users?.excludeUsers).toEqual([ID.breakGlass]);
  });

  test("proposals for another tenant, or an app without CA write permission, change nothing", async () => {
    const { dir, journal, graph, clock } = setup();
    const pacer = new RequestPacer(1_000, clock);
    await expect(
      applyProposals({
        dir,
        yes: true,
        graph: graph.client,
        journal,
        pacer,
        connectedTenantId: "fabrikam-tenant-id",
      }),
    ).rejects.toThrow(
      "the proposals are for tenant contoso-tenant-id, but the credentials reach tenant fabrikam-tenant-id; nothing was changed",
    );
    graph.client.grantedRoles = async () => ["Policy.Read.All"];
    await expect(applyProposals({ dir, yes: true, graph: graph.client, journal, pacer })).rejects.toThrow(
      "the app lacks Policy.ReadWrite.ConditionalAccess, which creating or updating Conditional Access policies needs; nothing was changed",
    );
    expect(graph.sent).toEqual([]);
    expect(journal.entries()).toEqual([]);
  });

  test("a Graph failure on one change is reported with its code and the others still apply", async () => {
    const { dir, journal, graph, clock } = setup();
    const request = graph.client.request.bind(graph.client);
    graph.client.request = async <T>(r: GraphRequest) => {
      if (r.method === "POST" && (r.body as { displayName: string }).displayName.includes("device code")) {
        throw new GraphError(403, "AccessDenied", "missing Policy.ReadWrite.ConditionalAccess", r);
      }
      return request<T>(r);
    };
    const result = await applyProposals({
      dir,
      yes: true,
      graph: graph.client,
      journal,
      pacer: new RequestPacer(1_000, clock),
    });
    expect(result.counts).toMatchObject({ created: 7, failed: 1 });
    expect(result.results.find((r) => r.status === "failed")!.detail).toMatch(/^403 AccessDenied/);
  });
});

describe("request pacing", () => {
  test("callers run one at a time, in order, each starting at least the interval after the previous answer", async () => {
    const clock = fakeClock();
    const pacer = new RequestPacer(1_000, clock);
    const spans: [number, number][] = [];
    const send = (latency: number) => async () => {
      const start = clock.now();
      await clock.sleep(latency);
      spans.push([start, clock.now()]);
    };
    await Promise.all([pacer.run(send(300)), pacer.run(send(50)), pacer.run(send(0))]);
    const base = spans[0][0];
    expect(spans.map(([s, e]) => [s - base, e - base])).toEqual([
      [0, 300],
      [1_300, 1_350],
      [2_350, 2_350],
    ]);
  });

  test("a failed request still spaces the next one", async () => {
    const clock = fakeClock();
    const pacer = new RequestPacer(1_000, clock);
    await expect(pacer.run(async () => Promise.reject(new Error("429")))).rejects.toThrow("429");
    const started = clock.now();
    await pacer.run(async () => undefined);
    expect(clock.now() - started).toBe(1_000);
  });
});
