import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DirectoryAudit, SignIn } from "../../src/graph/types.js";
import { type ImportSummary, importFiles } from "../../src/ingest/index.js";
import { type CaseStore, openCase } from "../../src/store/index.js";
import { sharedDataAvailable, sharedDataDir, sharedDataFiles } from "../support/shared-data.js";

const dataDir = sharedDataDir;
const exists = sharedDataAvailable;
const dataFiles = () => sharedDataFiles();

const rel = (file: string) => path.relative(dataDir, file);

describe.skipIf(!exists)("import of every ../shared/data file (not run when ../shared is absent)", () => {
  let dir: string;
  let store: CaseStore;
  let first: ImportSummary;
  let files: string[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mfa-evict-shared-"));
    store = openCase(path.join(dir, "case.db"));
    files = dataFiles();
    first = await importFiles(store, files);
  });
  afterAll(() => {
    store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("finds the data files", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  test("every valid file imports every record, with nothing rejected", () => {
    for (const summary of first.files.filter((f) => !f.file.endsWith(".invalid.json"))) {
      expect(summary.rejections, rel(summary.file)).toEqual([]);
      const mapped = Object.values(summary.byKind).reduce((a, b) => a + b, 0);
      expect(mapped, rel(summary.file)).toBeGreaterThan(0);
      expect(summary.skipped, rel(summary.file)).toBe(0);
    }
  });

  test("every *.invalid.json file is rejected with its line and the reason", () => {
    const invalid = first.files.filter((f) => f.file.endsWith(".invalid.json"));
    expect(invalid.length).toBe(5);
    for (const summary of invalid) {
      expect(summary.imported, rel(summary.file)).toBe(0);
      expect(summary.rejected, rel(summary.file)).toBeGreaterThan(0);
      for (const r of summary.rejections) {
        expect(r.line, rel(summary.file)).toBeGreaterThan(1);
        expect(r.reason).toMatch(/^invalid JSON: trailing comma/);
      }
    }
    const v1get = invalid.find((f) => f.file.endsWith("v1.0/api/signin-get.response-1.invalid.json"))!;
    const text = fs.readFileSync(v1get.file, "utf8").split("\n");
    // The reported line is the bracket right after the trailing comma.
    expect(text[v1get.rejections[0]!.line - 1]!.trim()).toBe("]");
    expect(text[v1get.rejections[0]!.line - 2]!.trim()).toBe("},");
  });

  test("record counts match SOURCES.md", () => {
    const byName = (suffix: string) => first.files.find((f) => f.file.endsWith(suffix))!;
    expect(byName("sign-in_adelete.csv").byKind).toEqual({ signIns: 56 });
    expect(byName("disable_accounts.csv").byKind).toEqual({ signIns: 4 });
    expect(byName("AuditLogs_Hunting.csv").byKind).toEqual({ audits: 5 });
    expect(byName("aad_signin_random.jsonl").byKind).toEqual({ signIns: 300 });
    expect(byName("aad_logons.jsonl").byKind).toEqual({ signIns: 86 });
    expect(byName("AADAuditEvents.json").byKind).toEqual({ audits: 4 });
    expect(byName("test-signinlogs-raw.log").byKind).toEqual({ signIns: 5 });
    expect(byName("test-auditlogs-raw.log").byKind).toEqual({ audits: 3 });
    expect(byName("beta/api/directoryaudit-list.response-1.json").byKind).toEqual({ audits: 1 });
  });

  test("Log Analytics CSV rows become Graph sign-ins: UTC times, parsed dynamic columns, status from ResultType", () => {
    const rows = [...store.iterate("signIns")].map((r) => r.record as SignIn);
    const disabled = rows.filter((s) => s.status?.errorCode === 50057);
    expect(disabled).toHaveLength(4);
    expect(disabled[0]!.authenticationDetails?.[0]?.authenticationMethod).toBe("Password");
    expect(disabled[0]!.appDisplayName).toBe("Azure Portal");
    const adele = rows.filter((s) => s.userDisplayName === "Adele Vance");
    expect(adele.length).toBeGreaterThan(0);
    for (const s of adele) expect(s.createdDateTime).toMatch(/^2021-04-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(adele.some((s) => typeof s.location?.countryOrRegion === "string")).toBe(true);
    expect(adele.some((s) => Array.isArray(s.appliedConditionalAccessPolicies))).toBe(true);
  });

  test("MFA failures (50074) survive next to the later success stage that shares their id", () => {
    const rows = [...store.iterate("signIns")].map((r) => r.record as SignIn);
    const failures = rows.filter((s) => s.status?.errorCode === 50074);
    expect(failures).toHaveLength(3);
    expect(failures[0]!.authenticationRequirement).toBe("multiFactorAuthentication");
    const ids = new Set(failures.map((s) => s.id));
    expect(rows.filter((s) => ids.has(s.id) && s.status?.errorCode === 0)).toHaveLength(2);
  });

  test("the StrongAuthenticationMethod audit keeps its modified properties", () => {
    const audits = [...store.iterate("audits")].map((r) => r.record as DirectoryAudit);
    const update = audits.find((a) =>
      a.targetResources?.some((t) =>
        t.modifiedProperties?.some((m) => m.displayName === "StrongAuthenticationMethod"),
      ),
    );
    expect(update?.activityDisplayName).toBe("Update user");
    const device = audits.filter((a) => a.activityDisplayName === "Update device");
    expect(device.length).toBeGreaterThan(0);
    expect(device.every((a) => typeof a.result === "string")).toBe(true);
  });

  test("re-importing everything changes nothing", async () => {
    const before = store.counts().kinds;
    const again = await importFiles(store, files);
    expect(again.imported).toBe(0);
    expect(again.updated).toBe(0);
    expect(again.rejected).toBe(first.rejected);
    expect(store.counts().kinds).toEqual(before);
  });
});
