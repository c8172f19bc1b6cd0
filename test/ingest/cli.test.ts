import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const bin = path.join(repoRoot, "bin/mfa-evict.js");
let dir: string;

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, MFA_EVICT_LOG_LEVEL: "silent" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mfa-evict-import-cli-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("mfa-evict import / status", () => {
  test("imports, reports rejections with file and line, exits 1 on rejections, and status counts per source", () => {
    const good = path.join(dir, "signins.jsonl");
    fs.writeFileSync(
      good,
      [
        JSON.stringify({
          id: "s1",
          createdDateTime: "2026-01-01T00:00:00Z",
          userId: "u1",
          appId: "a",
          status: {},
        }),
        '{"id": "s2", "createdDateTime": ',
      ].join("\n"),
    );
    const caseFile = path.join(dir, "case.db");
    const imported = run("import", good, "--case", caseFile);
    expect(imported.status).toBe(1);
    expect(imported.stdout).toContain(`rejected ${good}:2: invalid JSON`);
    expect(imported.stdout).toMatch(/total: 1 files; imported 1, .* rejected 1/);
    // Not a terminal: plain progress lines on stderr.
    expect(imported.stderr).toContain(`import: ${good} started`);
    expect(imported.stderr).toMatch(/import: .*signins\.jsonl 1 records in \d+\.\ds/);

    const status = run("status", "--case", caseFile, "--json");
    expect(status.status).toBe(0);
    const counts = JSON.parse(status.stdout);
    expect(counts.kinds.find((k: { kind: string }) => k.kind === "signIns")).toEqual({
      kind: "signIns",
      total: 1,
      bySource: { graph: 0, file: 1 },
    });
    expect(run("status", "--case", caseFile).stdout).toMatch(/signIns\s+1\s+0\s+1/);
  });

  test("a clean import exits 0; missing files and cases are usage errors (exit 2)", () => {
    const good = path.join(dir, "audit.json");
    fs.writeFileSync(
      good,
      JSON.stringify({
        value: [
          {
            id: "a1",
            activityDateTime: "2026-01-01T00:00:00Z",
            activityDisplayName: "Update user",
            category: "UserManagement",
          },
        ],
      }),
    );
    const caseFile = path.join(dir, "clean.db");
    const ok = run("import", good, "--case", caseFile, "--json");
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ imported: 1, rejected: 0 });
    const missing = run("import", path.join(dir, "nope.json"), "--case", caseFile);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: no such file/);
    expect(run("status", "--case", path.join(dir, "absent.db")).status).toBe(2);
  });
});
