import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { buildContext } from "../../src/posture/context.js";
import { PostureInputError } from "../../src/posture/errors.js";
import { MANIFEST, readProposals, writeProposals } from "../../src/posture/proposal-files.js";
import { proposalProblems } from "../../src/posture/proposal-guard.js";
import { proposeFixes } from "../../src/posture/proposals.js";
import { reviewContext } from "../../src/posture/review.js";
import { CSDL_PATH, csdlAvailable, loadCsdl, validateAgainstCsdl } from "./csdl.js";
import { FINDINGS, ID, tenant } from "./tenants.js";

const NOW = new Date("2026-11-24T12:00:00Z");

function propose(kind: "good" | "bad") {
  const ctx = buildContext(tenant(kind), kind === "bad" ? FINDINGS : [], { now: NOW });
  return proposeFixes(ctx, reviewContext(ctx));
}

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "posture-proposals-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("proposed fixes", () => {
  const set = propose("bad");

  test("a well-configured tenant needs no proposal", () => {
    expect(propose("good").proposals).toEqual([]);
  });

  test("one proposal per failing check that a new policy fixes, plus the exclusion fix", () => {
    expect(set.proposals.map((p) => [p.file, p.action, p.checkIds[0]])).toEqual([
      ["01-create-block-legacy-authentication.json", "create", "ca.legacyAuthBlocked"],
      ["02-create-require-mfa-for-all-users.json", "create", "ca.mfaAllUsers"],
      [
        "03-create-phishing-resistant-mfa-for-privileged-roles.json",
        "create",
        "ca.phishingResistantPrivileged",
      ],
      ["04-create-block-high-risk-users.json", "create", "ca.highRiskUsersBlocked"],
      ["05-create-block-high-risk-sign-ins.json", "create", "ca.highRiskSignInsBlocked"],
      ["06-create-block-device-code-flow.json", "create", "ca.deviceCodeFlowBlocked"],
      ["07-create-require-mfa-to-register-security-info.json", "create", "reg.securityInfoRegistration"],
      ["08-create-mfa-for-staff-affected-users-included.json", "create", "exc.affectedUsersExcluded"],
    ]);
  });

  test("every proposal is report-only, excludes the break-glass account and passes the guard", () => {
    expect(set.breakGlassUserIds).toEqual([ID.breakGlass]);
    for (const proposal of set.proposals) {
      expect(proposal.body.state).toBe("enabledForReportingButNotEnforced");
      expect(proposal.body.conditions.users.excludeUsers).toContain(ID.breakGlass);
      expect(proposalProblems(proposal, set.breakGlassUserIds)).toEqual([]);
    }
  });

  test("an enforced policy excluding an affected user's group gets a report-only copy without that exclusion", () => {
    const copy = set.proposals.find((p) => p.checkIds.includes("exc.affectedUsersExcluded"))!;
    expect(copy.action).toBe("create");
    expect(copy.policyId).toBeUndefined();
    expect(copy.body.displayName).toBe("mfa-evict: MFA for staff (affected users included)");
    expect(copy.body.conditions.users.excludeGroups).toEqual([]);
    expect(copy.body.conditions.users.excludeUsers).toEqual([ID.breakGlass]);
    // Everything else is kept as it was, including the trusted-location exemption.
    expect(copy.body.conditions.locations).toEqual({
      includeLocations: ["All"],
      excludeLocations: ["AllTrusted"],
    });
    expect(copy.body.grantControls.builtInControls).toEqual(["mfa"]);
    expect(copy.reason).toMatch(/alice@contoso.com by group Travelers \(via Finance\)/);
  });

  test("a report-only policy that excludes an affected user is updated in place, still report-only", () => {
    const snapshot = tenant("bad");
    const ctx = buildContext(
      {
        ...snapshot,
        conditionalAccessPolicies: snapshot.conditionalAccessPolicies.map((p) =>
          p.id === "ca-bad-legacy"
            ? {
                ...p,
                conditions: {
                  ...p.conditions,
                  users: { ...p.conditions.users, excludeUsers: [ID.breakGlass, ID.dave] },
                },
              }
            : p,
        ),
      },
      FINDINGS,
      { now: NOW },
    );
    const update = proposeFixes(ctx, reviewContext(ctx)).proposals.find((p) => p.action === "update")!;
    expect(update).toMatchObject({
      policyId: "ca-bad-legacy",
      body: { displayName: "Block legacy authentication (pilot)" },
    });
    expect(update.body.conditions.users.excludeUsers).toEqual([ID.breakGlass]);
    expect(update.body.state).toBe("enabledForReportingButNotEnforced");
    expect(update.basedOnUsersSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(proposalProblems({ ...update, basedOnUsersSha256: undefined }, [ID.breakGlass])).toEqual([
      "an update needs the fingerprint of the policy it was based on (basedOnUsersSha256)",
    ]);
  });

  test("the guard refuses an enforced state, a dropped break-glass exclusion and read-only properties", () => {
    const body = set.proposals[0].body;
    const problems = proposalProblems(
      {
        action: "create",
        body: {
          ...body,
          state: "enabled",
          id: "x",
          conditions: { ...body.conditions, users: { ...body.conditions.users, excludeUsers: [] } },
        } as unknown as typeof body,
      },
      [ID.breakGlass],
    );
    expect(problems.join("\n")).toMatch(/state/);
    expect(problems.join("\n")).toMatch(/id/);
    expect(
      proposalProblems(
        {
          action: "create",
          body: {
            ...body,
            conditions: { ...body.conditions, users: { ...body.conditions.users, excludeUsers: [] } },
          },
        },
        [ID.breakGlass],
      ),
    ).toEqual([`conditions.users.excludeUsers: break-glass account ${ID.breakGlass} is not excluded`]);
  });

  test("proposals round-trip through the directory; a body edited after proposing is refused by name", () => {
    const dir = tempDir();
    writeProposals(dir, set);
    const read = readProposals(dir);
    expect(read.proposals.map((p) => p.body)).toEqual(set.proposals.map((p) => p.body));
    const file = join(dir, set.proposals[1].file);
    const body = JSON.parse(readFileSync(file, "utf8"));
    body.state = "enabled";
    writeFileSync(file, JSON.stringify(body));
    expect(() => readProposals(dir)).toThrow(PostureInputError);
    expect(() => readProposals(dir)).toThrow(
      /02-create-require-mfa-for-all-users.json: the body changed since it was proposed/,
    );
  });

  test("a missing manifest or a malformed one is a clear input error", () => {
    const dir = tempDir();
    expect(() => readProposals(dir)).toThrow(new RegExp(`${MANIFEST}: cannot be read`));
    writeFileSync(join(dir, MANIFEST), "{not json");
    expect(() => readProposals(dir)).toThrow(/not valid JSON/);
    writeFileSync(
      join(dir, MANIFEST),
      JSON.stringify({
        version: 1,
        generatedAt: "x",
        breakGlassUserIds: [],
        proposals: [{ file: "../x.json" }],
      }),
    );
    expect(() => readProposals(dir)).toThrow(/proposals\.0\.file/);
  });
});

describe("proposals against the Graph v1.0 schema", () => {
  test.skipIf(!csdlAvailable)(
    `${csdlAvailable ? "" : "NOT RUN: ../shared is absent, so "}every proposed body is a valid conditionalAccessPolicy (CSDL ${CSDL_PATH})`,
    () => {
      const schema = loadCsdl();
      const bodies = propose("bad").proposals.map((p) => p.body);
      expect(bodies.length).toBeGreaterThan(0);
      for (const body of bodies) {
        expect(validateAgainstCsdl(schema, "conditionalAccessPolicy", body)).toEqual([]);
      }
      // The validator does catch what Graph would reject.
      expect(
        validateAgainstCsdl(schema, "conditionalAccessPolicy", { ...bodies[0], state: "on", colour: 1 }),
      ).toEqual([
        "conditionalAccessPolicy.state: 'on' is not a member of conditionalAccessPolicyState",
        "conditionalAccessPolicy.colour: not a property of conditionalAccessPolicy",
      ]);
    },
  );
});
