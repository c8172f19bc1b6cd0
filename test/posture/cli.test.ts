import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeCase } from "./case-file.js";
import { FINDINGS, ID, tenant } from "./tenants.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const bin = path.join(repoRoot, "bin/mfa-evict.js");
let dir: string;
let caseFile: string;

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, "posture", ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, MFA_EVICT_LOG_LEVEL: "silent" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "posture-cli-"));
  caseFile = path.join(dir, "case.db");
  writeCase(caseFile, tenant("bad"), FINDINGS);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mfa-evict posture", () => {
  test("--json prints the review of the case, with affected users from the stored findings", () => {
    const { status, stdout } = run("--case", caseFile, "--json");
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.findingsSource).toBe("stored");
    expect(report.affectedUserIds.sort()).toEqual([ID.alice, ID.dave].sort());
    expect(report.checks.find((c: { id: string }) => c.id === "reg.deviceRegistrationMfa").result).toBe(
      "fail",
    );
    expect(report.coverage.find((u: { userId: string }) => u.userId === ID.alice).gaps).toContain(
      "no-mfa-for-sign-in",
    );
  });

  test("the text review names results, ids, evidence and fixes", () => {
    const { status, stdout } = run("--case", caseFile, "--break-glass", "breakglass01@contoso.com");
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Posture review: \d+ fail/);
    expect(stdout).toContain("Break-glass: breakglass01@contoso.com (designated)");
    expect(stdout).toContain("FAIL  ca.deviceCodeFlowBlocked [MS.AAD.3.9v1, MT.1052]");
    expect(stdout).toContain("gaps: no-mfa-for-sign-in");
  });

  test("--propose writes the bodies and manifest; --apply without --yes is a dry run", () => {
    const out = path.join(dir, "fixes");
    const propose = run("--case", caseFile, "--propose", "--out", out);
    expect(propose.status).toBe(0);
    expect(propose.stdout).toMatch(/^8 proposal\(s\) written/);
    expect(readdirSync(out)).toContain("manifest.json");
    const dry = run("--case", caseFile, "--apply", out);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^Dry run \(add --yes to write\):/);
    expect(dry.stdout).toContain("8 planned");
  });

  test("bad usage and bad input exit 2 with a message naming the problem", () => {
    expect(run("--case", caseFile, "--propose")).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("--propose needs --out"),
    });
    expect(run("--case", path.join(dir, "nope.db"))).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("no such case file"),
    });
    expect(run("--case", caseFile, "--break-glass", "ghost@contoso.com")).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('break-glass account "ghost@contoso.com" is not a user in the case'),
    });
    const missing = run("--case", caseFile, "--apply", path.join(dir, "no-such-dir"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("manifest.json: cannot be read");
    expect(existsSync(path.join(dir, "no-such-dir"))).toBe(false);
  });
});
