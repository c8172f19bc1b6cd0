import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { detectCase } from "../../src/detect/case-run.js";
import {
  loadFinding,
  loadFindings,
  loadTriage,
  setTriage,
  UnknownFindingError,
} from "../../src/detect/persist.js";
import { openCase } from "../../src/store/index.js";
import type { CaseStore } from "../../src/store/types.js";
import { CaseBuilder } from "./builder.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mfa-evict-detect-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const repoRoot = path.resolve(import.meta.dirname, "../..");
const ATTACKER = { ip: "203.0.113.66", country: "NL", city: "Amsterdam", asn: 60781 };

/** A case file holding one compromised user (risky sign-in, then an Authenticator registration). */
function caseFile(name: string): { file: string; b: CaseBuilder } {
  const b = new CaseBuilder();
  const alice = b.user("alice@contoso.com");
  b.history(alice, -30 * 24, 0);
  b.signIn(alice, 1, { ...ATTACKER, risk: "high" });
  b.methodRegistered(alice, 1.1, { ip: ATTACKER.ip });
  const file = path.join(dir, `${name}.case`);
  const store = openCase(file);
  const provenance = { source: "graph" as const, collectedAt: new Date().toISOString(), endpoint: "/test" };
  store.upsert("users", b.users, provenance);
  store.upsert("signIns", b.signIns, provenance);
  store.upsert("audits", b.audits, provenance);
  store.close();
  return { file, b };
}

function withStore<T>(file: string, fn: (store: CaseStore) => T): T {
  const store = openCase(file);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

describe("findings in the case file", () => {
  test("re-running detect does not duplicate findings and triage verdicts survive", () => {
    const { file } = caseFile("rerun");
    const first = withStore(file, (store) => detectCase(store, { env: {} }));
    expect(first.saved.added).toBe(first.result.findings.length);
    const target = first.result.findings[0]!;
    withStore(file, (store) =>
      setTriage(store, {
        findingId: target.id,
        verdict: "truePositive",
        reason: "confirmed with the user",
        decidedBy: "ir@contoso.com",
        decidedAt: "2026-06-01T00:00:00Z",
      }),
    );
    const second = withStore(file, (store) => detectCase(store, { env: {} }));
    expect(second.saved).toEqual({ added: 0, kept: first.result.findings.length, inactive: 0 });
    withStore(file, (store) => {
      expect(loadFindings(store)).toHaveLength(first.result.findings.length);
      expect(loadTriage(store)).toEqual([
        expect.objectContaining({
          findingId: target.id,
          verdict: "truePositive",
          reason: "confirmed with the user",
        }),
      ]);
      expect(() =>
        setTriage(store, {
          findingId: "F-nope",
          verdict: "falsePositive",
          decidedAt: "2026-06-01T00:00:00Z",
        }),
      ).toThrow(UnknownFindingError);
    });
  });

  test("a finding the latest run no longer produces stays in the case, marked inactive", () => {
    const { file } = caseFile("inactive");
    const first = withStore(file, (store) => detectCase(store, { env: {} }));
    const risk = first.result.findings.find((f) => f.detectionId === "after-risk")!;
    const config = path.join(dir, "no-after-risk.yaml");
    fs.writeFileSync(config, "disabled: [after-risk]\n");
    const second = withStore(file, (store) => detectCase(store, { env: {}, configFile: config }));
    expect(second.saved.inactive).toBe(1);
    withStore(file, (store) => {
      expect(loadFindings(store).map((f) => f.finding.id)).not.toContain(risk.id);
      expect(loadFinding(store, risk.id)).toMatchObject({ active: false, finding: { id: risk.id } });
    });
  });

  test("the responder app id in the environment makes its own writes invisible", () => {
    const { file, b } = caseFile("responder");
    const store = openCase(file);
    const alice = b.users[0]!.id;
    b.audits = [];
    const tap = b.methodRegistered(alice, 2, {
      admin: true,
      appId: "aaaaaaaa-0000-0000-0000-00000000beef",
      appName: "mfa-evict",
      reason: "Admin registered temporary access pass method for user",
    });
    store.upsert("audits", [tap], {
      source: "graph",
      collectedAt: new Date().toISOString(),
      endpoint: "/test",
    });
    const withEnv = detectCase(store, { env: { AZURE_CLIENT_ID: "AAAAAAAA-0000-0000-0000-00000000BEEF" } });
    expect(withEnv.result.notes.responderEvents).toBe(1);
    const without = detectCase(store, { env: {} });
    expect(without.result.notes.responderEvents).toBe(0);
    store.close();
  });
});

describe("CLI", () => {
  const cli = path.join(repoRoot, "bin/mfa-evict.js");

  test("detect prints the table, JSON and CSV; explain shows the evidence timeline", () => {
    const { file } = caseFile("cli");
    const table = execFileSync(process.execPath, [cli, "detect", "--case", file], { encoding: "utf8" });
    expect(table).toContain("after-risk");
    expect(table).toContain("alice@contoso.com");
    const json = JSON.parse(
      execFileSync(process.execPath, [cli, "detect", "--case", file, "--json", "--min-severity", "high"], {
        encoding: "utf8",
      }),
    ) as { findings: { id: string; severity: string }[]; gaps: unknown[] };
    expect(json.findings.length).toBeGreaterThan(0);
    expect(json.findings.every((f) => f.severity === "high" || f.severity === "critical")).toBe(true);
    const csv = execFileSync(process.execPath, [cli, "detect", "--case", file, "--csv"], {
      encoding: "utf8",
    });
    expect(csv.split("\n")[0]).toContain("id,severity,score,privileged");
    const explained = execFileSync(process.execPath, [cli, "explain", json.findings[0]!.id, "--case", file], {
      encoding: "utf8",
    });
    expect(explained).toContain("Evidence timeline:");
    expect(explained).toContain("203.0.113.66");
  });

  test("bad usage exits 2 with a message naming the problem", () => {
    const { file } = caseFile("usage");
    const bad = spawnSync(process.execPath, [cli, "detect", "--case", file, "--min-severity", "urgent"], {
      encoding: "utf8",
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--min-severity must be one of");
    const missing = spawnSync(process.execPath, [cli, "explain", "F-0000", "--case", file], {
      encoding: "utf8",
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("no finding F-0000");
    const config = path.join(dir, "bad.yaml");
    fs.writeFileSync(config, "thresholds:\n  bulkMinDevices: one\n");
    const badConfig = spawnSync(process.execPath, [cli, "detect", "--case", file, "--config", config], {
      encoding: "utf8",
    });
    expect(badConfig.status).toBe(2);
    expect(badConfig.stderr).toContain("thresholds.bulkMinDevices");
  });
});
