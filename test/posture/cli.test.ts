import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { writeCase } from "./case-file.js";
import { inProcess } from "./run-command.js";
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

describe("mfa-evict posture (the binary)", () => {
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

  test("bad input exits 2 with a message naming the problem", () => {
    expect(run("--case", caseFile, "--break-glass", "ghost@contoso.com")).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('break-glass account "ghost@contoso.com" is not a user in the case'),
    });
  });
});

describe("mfa-evict posture (the command module)", () => {
  test("the text review names results, ids, evidence, fixes and per-user gaps", async () => {
    const out = await inProcess("--case", caseFile, "--break-glass", "breakglass01@contoso.com");
    expect(out).toMatch(/^Posture review: \d+ fail/);
    expect(out).toContain("Break-glass: breakglass01@contoso.com (designated)");
    expect(out).toContain("FAIL  ca.deviceCodeFlowBlocked [MS.AAD.3.9v1, MT.1052]");
    expect(out).toContain("gaps: no-mfa-for-sign-in");
  });

  test("--propose writes the bodies and manifest; --apply without --yes is a dry run", async () => {
    const out = path.join(dir, "fixes");
    expect(await inProcess("--case", caseFile, "--propose", "--out", out)).toMatch(
      /^8 proposal\(s\) written/,
    );
    expect(readdirSync(out)).toContain("manifest.json");
    const dry = await inProcess("--case", caseFile, "--apply", out);
    expect(dry).toMatch(/^Dry run \(add --yes to write\):/);
    expect(dry).toContain("8 planned");
  });

  test("bad usage and bad input are usage errors naming the problem", async () => {
    await expect(inProcess("--case", caseFile, "--propose")).rejects.toThrow(
      new UsageError("--propose needs --out <dir>"),
    );
    await expect(inProcess("--case", path.join(dir, "nope.db"))).rejects.toThrow(/no such case file/);
    await expect(inProcess("--case", caseFile, "--apply", path.join(dir, "no-such-dir"))).rejects.toThrow(
      /manifest\.json: cannot be read/,
    );
    expect(existsSync(path.join(dir, "no-such-dir"))).toBe(false);
  });
});
