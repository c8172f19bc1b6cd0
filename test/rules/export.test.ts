import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { saveDetection } from "../../src/detect/persist.js";
import { exportRules } from "../../src/rules/export.js";
import { RULE_INTENTS } from "../../src/rules/intents.js";
import { openCase } from "../../src/store/index.js";

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, "../..");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "mfa-evict-rules-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("exportRules", () => {
  test("kql: one Sentinel YAML per rule", async () => {
    const out = path.join(dir, "kql");
    const result = await exportRules({ format: "kql", outDir: out, date: "2026-05-20" });
    expect(result.skipped).toEqual([]);
    expect((await readdir(out)).sort()).toEqual(RULE_INTENTS.map((i) => `${i.id}.yaml`).sort());
    const rule = parse(await readFile(path.join(out, "mfa-fatigue-then-success.yaml"), "utf8"));
    expect(rule.kind).toBe("Scheduled");
    expect(rule.query).toContain("SigninLogs");
  });

  test("sigma: the single-record rules, and the reason for each rule left out", async () => {
    const out = path.join(dir, "sigma");
    const result = await exportRules({ format: "sigma", outDir: out, date: "2026-05-20" });
    const files = await readdir(out);
    expect(files.length).toBe(RULE_INTENTS.filter((i) => i.kind === "event").length);
    expect(result.skipped.map((s) => s.ruleId)).toContain("mfa-fatigue-then-success");
    expect(result.skipped.every((s) => s.reason.length > 0)).toBe(true);
    const rule = parse(await readFile(path.join(out, "tool-default-device.yml"), "utf8"));
    expect(rule.logsource).toEqual({ product: "azure", service: "auditlogs" });
    expect(rule.date).toBe("2026-05-20");
  });
});

describe("mfa-evict rules", () => {
  test("--case tunes the rules to the case's trusted locations and attacker indicators", async () => {
    const casePath = path.join(dir, "case.db");
    const store = openCase(casePath);
    const provenance = { source: "graph", collectedAt: "2026-05-20T10:00:00Z", endpoint: "/test" } as const;
    store.upsert(
      "namedLocations",
      [
        {
          "@odata.type": "#microsoft.graph.ipNamedLocation",
          id: "hq",
          displayName: "HQ",
          isTrusted: true,
          ipRanges: [{ cidrAddress: "198.51.100.0/24" }],
        },
      ],
      provenance,
    );
    saveDetection(store, {
      findings: [
        {
          id: "f-1",
          detectionId: "unusual-origin",
          title: "Registered from an unfamiliar place",
          technique: "T1098.005",
          severity: "high",
          score: 90,
          userId: "u-1",
          object: { kind: "user" },
          explanation: "",
          evidence: [{ kind: "audit", id: "a-1", summary: "registration", ipAddress: "203.0.113.66" }],
          recommendedActions: [],
          privileged: false,
        },
      ],
      gaps: [],
      notes: {
        responderEvents: 0,
        serviceEvents: 0,
        methodRegistrations: 0,
        deviceRegistrations: 0,
        expiredAllowlistEntries: [],
        invalidAllowlistEntries: [],
      },
    });
    store.close();

    const out = path.join(dir, "tuned");
    const { stdout } = await run(
      process.execPath,
      ["bin/mfa-evict.js", "rules", "--format", "kql", "--out", out, "--case", casePath],
      { cwd: repoRoot },
    );
    expect(stdout).toContain("1 trusted range(s)");
    expect(stdout).toContain("1 IP(s)");
    const watchlist = parse(await readFile(path.join(out, "attacker-indicators-signin.yaml"), "utf8"));
    expect(watchlist.query).toContain('"203.0.113.66"');
    const fatigue = parse(await readFile(path.join(out, "mfa-fatigue-then-success.yaml"), "utf8"));
    expect(fatigue.query).toContain("198.51.100.0/24");
    expect(fatigue.description).toContain("Tuned by mfa-evict");
  });

  test("bad usage exits 2 with a clear message", async () => {
    const error = await run(
      process.execPath,
      ["bin/mfa-evict.js", "rules", "--format", "splunk", "--out", dir],
      {
        cwd: repoRoot,
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 2 });
    expect((error as { stderr: string }).stderr).toContain("--format must be kql or sigma");
  });
});
