import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { collectCase } from "../../src/collect/index.js";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import type { TenantDocument } from "../../src/emulator/tenant/schema.js";
import { createGraphClient, credentialFromEnvironment, type GraphConnector } from "../../src/graph/index.js";
import type { ConditionalAccessPolicy, ODataCollection } from "../../src/graph/types.js";
import { Journal } from "../../src/journal/journal.js";
import { applyProposals } from "../../src/posture/apply.js";
import { buildContext } from "../../src/posture/context.js";
import { RequestPacer } from "../../src/posture/pacer.js";
import { writeProposals } from "../../src/posture/proposal-files.js";
import { proposeFixes } from "../../src/posture/proposals.js";
import { reviewContext, reviewPosture } from "../../src/posture/review.js";
import { openCase } from "../../src/store/index.js";
import { tinyTenant } from "../support/emulator-tenant.js";
import { inProcess } from "./run-command.js";
import { FINDINGS, GROUP_MEMBERS, ID, tenant } from "./tenants.js";

/**
 * The posture tenants served by the emulator (a TenantDocument overlay on the emulator's tiny
 * tenant: same users, groups, roles and policy sets as tenants.ts), collected through Graph into a
 * case file, reviewed, and the proposals applied back through Graph at Conditional Access's
 * documented 1 request per second (the emulator throttles at that limit).
 */
function postureTenant(kind: "good" | "bad"): TenantDocument {
  const base = tinyTenant({ fillerUsers: 0 });
  const snapshot = tenant(kind);
  return {
    ...base,
    users: snapshot.users.map((u) => ({ ...u, createdDateTime: "2026-01-01T00:00:00Z" })),
    groups: snapshot.groups.map((g) => ({ ...g, members: (GROUP_MEMBERS.get(g.id) ?? []).map((m) => m.id) })),
    roleDefinitions: snapshot.roleDefinitions,
    roleAssignments: snapshot.roleAssignments,
    methods: [],
    devices: snapshot.devices.map(({ registeredOwners, ...device }) => ({
      ...device,
      ownerIds: (registeredOwners ?? []).map((o) => o.id),
      userIds: [],
    })),
    directoryAudits: [],
    signIns: [],
    riskyUsers: [],
    riskDetections: [],
    // Graph policy ids are GUIDs; the readable ids of the hand-built tenants become GUIDs here.
    conditionalAccessPolicies: snapshot.conditionalAccessPolicies.map((p, i) => ({
      ...p,
      id: `55555555-0000-4000-8000-${String(i + 1).padStart(12, "0")}`,
    })),
    namedLocations: snapshot.namedLocations,
    authenticationStrengthPolicies: [],
    authenticationMethodsPolicy: snapshot.authenticationMethodsPolicy!,
    deviceRegistrationPolicy: snapshot.deviceRegistrationPolicy!,
    authorizationPolicy: snapshot.authorizationPolicy!,
    securityDefaults: snapshot.securityDefaults!,
    sessions: [],
  };
}

const work = mkdtempSync(path.join(tmpdir(), "posture-emulator-"));
afterAll(() => (process.env.KEEP ? undefined : rmSync(work, { recursive: true, force: true })));

function client(
  emulator: RunningEmulator,
  options: { maxRetries?: number; protectionPerSecond?: number } = {},
): GraphConnector {
  return createGraphClient({
    env: emulator.env,
    credential: credentialFromEnvironment(emulator.env),
    // The connector's own CA budget is raised so that only posture's pacer keeps to 1 request/s.
    budgets: { protection: { capacity: options.protectionPerSecond ?? 1, windowMs: 1_000 } },
    backoff: { baseMs: 20, maxMs: 500 },
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
  });
}

async function collectInto(emulator: RunningEmulator, file: string): Promise<void> {
  const graph = client(emulator);
  const store = openCase(file);
  try {
    await collectCase({
      client: graph,
      store,
      since: new Date(Date.now() - 86_400_000),
      only: ["users", "roles", "devices", "policies"],
    });
  } finally {
    store.close();
    await graph.close();
  }
}

function review(file: string) {
  const store = openCase(file, { readonly: true });
  try {
    const ctx = buildContext(store.snapshot(), FINDINGS, { now: new Date("2026-11-24T12:00:00Z") });
    return { ctx, report: reviewContext(ctx) };
  } finally {
    store.close();
  }
}

describe("posture on emulator tenants", () => {
  let good: RunningEmulator;
  let bad: RunningEmulator;
  beforeAll(async () => {
    good = await startEmulator({ tenant: postureTenant("good"), seed: 1 });
    bad = await startEmulator({ tenant: postureTenant("bad"), seed: 2 });
    await collectInto(good, path.join(work, "good.db"));
    await collectInto(bad, path.join(work, "bad.db"));
  });
  afterAll(async () => {
    await good?.close();
    await bad?.close();
  });

  test("the well-configured tenant, collected through Graph, passes every check", () => {
    const { report } = review(path.join(work, "good.db"));
    const notPassing = report.checks.filter((c) => c.result !== "pass").map((c) => `${c.id}: ${c.result}`);
    expect(notPassing).toEqual([]);
  });

  test("the badly configured tenant, collected through Graph, gets the hand-built tenant's results", () => {
    const { report } = review(path.join(work, "bad.db"));
    const viaGraph = Object.fromEntries(report.checks.map((c) => [c.id, c.result]));
    const handBuilt = Object.fromEntries(
      reviewPosture(tenant("bad"), FINDINGS, { now: new Date("2026-11-24T12:00:00Z") }).checks.map((c) => [
        c.id,
        c.result,
      ]),
    );
    // collect stores the members of groups that policies name, not of groups nested in them, so
    // Alice's exclusion through Finance → Travelers cannot be seen: posture says so instead of passing.
    expect(viaGraph).toEqual({ ...handBuilt, "exc.affectedUsersExcluded": "warning" });
    expect(report.unresolvedGroups).toEqual([
      { groupId: ID.finance, name: "Finance", nestedIn: "Travelers" },
    ]);
    const deviceReg = report.checks.find((c) => c.id === "reg.deviceRegistrationMfa")!;
    expect(deviceReg.evidence[0]).toMatchObject({
      setting: "multiFactorAuthConfiguration",
      value: "required",
    });
  });

  test("proposals apply cleanly to the emulator at 1 Conditional Access request per second, report-only", async () => {
    const { ctx, report } = review(path.join(work, "bad.db"));
    const set = proposeFixes(ctx, report);
    // Three proposals keep the run short; each is a lookup + a POST, so six paced CA requests.
    const dir = path.join(work, "fixes");
    writeProposals(dir, { ...set, proposals: set.proposals.slice(0, 3) });
    const store = openCase(path.join(work, "bad.db"));
    // No retries: a 429 from the emulator's 1/s limit would surface as a failed change.
    const graph = client(bad, { maxRetries: 0, protectionPerSecond: 50 });
    try {
      // Collection's last CA request may be less than a second old; the tenant-wide limit counts it.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const started = Date.now();
      const result = await applyProposals({
        dir,
        yes: true,
        graph,
        journal: new Journal(store),
        pacer: new RequestPacer(1_000),
      });
      expect(result.results.filter((r) => r.status === "failed").map((r) => r.detail)).toEqual([]);
      expect(result.counts).toMatchObject({ created: 3, failed: 0 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const listed = await graph.request<ODataCollection<ConditionalAccessPolicy>>({
        method: "GET",
        path: "/identity/conditionalAccess/policies",
      });
      const ours = listed.body.value.filter((p) => p.displayName?.startsWith("mfa-evict: "));
      expect(ours.map((p) => p.displayName).sort()).toEqual(
        set.proposals
          .slice(0, 3)
          .map((p) => p.body.displayName)
          .sort(),
      );
      expect(ours.every((p) => p.state === "enabledForReportingButNotEnforced")).toBe(true);
      expect(ours.every((p) => p.conditions.users?.excludeUsers?.includes(ID.breakGlass))).toBe(true);
    } finally {
      await graph.close();
      store.close();
    }
  });

  test("posture --apply DIR --yes through the command writes report-only policies and journals them in the case", async () => {
    const caseFile = path.join(work, "bad.db");
    const { ctx, report } = review(caseFile);
    const set = proposeFixes(ctx, report);
    const dir = path.join(work, "fixes-cli");
    writeProposals(dir, { ...set, proposals: set.proposals.slice(3, 5) });
    const saved = { ...process.env };
    Object.assign(process.env, bad.env);
    let out: string;
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      out = await inProcess("--case", caseFile, "--apply", dir, "--yes");
    } finally {
      for (const key of Object.keys(bad.env)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
    expect(out).toMatch(/^Applied \(journal run posture-[0-9a-f]{16}\):/);
    expect(out).toContain("2 created");
    const store = openCase(caseFile, { readonly: true });
    try {
      const entries = new Journal(store).entries({ actor: "posture" });
      expect(entries.filter((e) => e.kind === "change.end").map((e) => e.payload.status)).toContain(
        "created",
      );
      expect(new Journal(store).verify().ok).toBe(true);
    } finally {
      store.close();
    }
  });

  test("without pacing, the same calls meet the emulator's 1/s limit (so the pacing test above means something)", async () => {
    const graph = client(bad, { maxRetries: 0, protectionPerSecond: 50 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const calls = Array.from({ length: 3 }, () =>
        graph.request({ method: "GET", path: "/identity/conditionalAccess/policies" }).then(
          () => "ok",
          (error: { status?: number }) => String(error.status),
        ),
      );
      expect(await Promise.all(calls)).toContain("429");
    } finally {
      await graph.close();
    }
  });
});
