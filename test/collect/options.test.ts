import { describe, expect, it } from "vitest";
import {
  type CollectSummary,
  exitCodeFor,
  formatSummary,
  LATE_ARRIVAL_MS,
  lineProgress,
  parseOnly,
  parseSince,
  parseUserScope,
  windowsToFetch,
} from "../../src/collect/index.js";
import { parseLimits } from "../../src/graph/index.js";

describe("collect options", () => {
  it("parses --since durations and dates, and refuses the rest", () => {
    const now = new Date("2026-05-31T00:00:00Z");
    expect(parseSince("30d", now).toISOString()).toBe("2026-05-01T00:00:00.000Z");
    expect(parseSince("12h", now).toISOString()).toBe("2026-05-30T12:00:00.000Z");
    expect(parseSince("2026-05-20", now).toISOString()).toBe("2026-05-20T00:00:00.000Z");
    expect(() => parseSince("last week", now)).toThrow(/--since must be a duration/);
    expect(() => parseSince("2027-01-01", now)).toThrow(/in the future/);
  });

  it("parses --only and names unknown streams", () => {
    expect(parseOnly(undefined)).toHaveLength(8);
    expect(parseOnly("SignIns, users")).toEqual(["users", "signins"]);
    expect(() => parseOnly("users,mfa")).toThrow("unknown stream(s) in --only: mfa");
  });

  it("reads --users as a filter, a list, or a file", () => {
    expect(parseUserScope("startswith(userPrincipalName,'adm')")).toEqual({
      filter: "startswith(userPrincipalName,'adm')",
    });
    expect(parseUserScope("accountEnabled eq true")).toEqual({ filter: "accountEnabled eq true" });
    expect(parseUserScope("a@x.com, o'brien@x.com")).toEqual({ list: ["a@x.com", "o'brien@x.com"] });
    expect(() => parseUserScope("@/nonexistent/users.txt")).toThrow(/cannot read/);
  });

  it("parses MFA_EVICT_GRAPH_LIMITS and names a bad entry", () => {
    expect(parseLimits("reports=100/10s, protection=2/500ms")).toEqual({
      reports: { capacity: 100, windowMs: 10_000 },
      protection: { capacity: 2, windowMs: 500 },
    });
    expect(() => parseLimits("report=1/1s")).toThrow(/invalid Graph limit 'report=1\/1s'/);
  });
});

describe("log windows", () => {
  const since = new Date("2026-05-01T00:00:00Z");
  const asOf = new Date("2026-05-31T00:00:00Z");

  it("fetches the whole window the first time", () => {
    expect(windowsToFetch(undefined, since, asOf)).toEqual([
      { from: since.toISOString(), to: asOf.toISOString() },
    ]);
  });

  it("afterwards fetches only what lies outside the coverage, re-reading the late-arrival margin", () => {
    const coverage = { from: "2026-05-10T00:00:00.000Z", to: "2026-05-30T00:00:00.000Z" };
    const lateStart = new Date(Date.parse(coverage.to) - LATE_ARRIVAL_MS).toISOString();
    expect(windowsToFetch(coverage, since, asOf)).toEqual([
      { from: since.toISOString(), to: coverage.from },
      { from: lateStart, to: asOf.toISOString() },
    ]);
    expect(windowsToFetch({ from: since.toISOString(), to: asOf.toISOString() }, since, asOf)).toEqual([]);
  });
});

describe("progress and summary", () => {
  it("prints plain progress lines off a terminal", () => {
    const lines: string[] = [];
    const progress = lineProgress((line) => lines.push(line), 0);
    progress.begin("methods", 10);
    progress.advance("methods", 4);
    progress.end("methods", "4 methods");
    expect(lines[0]).toBe("collect: methods started");
    expect(lines[1]).toMatch(/^collect: methods 4\/10 \([\d.]+\/s/);
    expect(lines[2]).toMatch(/^collect: methods 4 methods in [\d.]+s$/);
  });

  it("summarises collected, skipped and failed parts, and exits 1 only on failures", () => {
    const summary: CollectSummary = {
      tenantId: "t",
      appId: "a",
      asOf: "2026-05-31T00:00:00.000Z",
      since: "2026-05-01T00:00:00.000Z",
      resumed: false,
      preflight: { allowed: [], missing: [] },
      durationMs: 1500,
      outcomes: [
        { stream: "users", part: "users", status: "collected", records: 3 },
        {
          stream: "signins",
          part: "signins",
          status: "skipped",
          records: 0,
          reason: "the app lacks AuditLog.Read.All",
        },
      ],
    };
    const text = formatSummary(summary);
    expect(text).toContain("users/users");
    expect(text).toContain("collected 3 records");
    expect(text).toMatch(/signins\/signins\s+skipped\s+— the app lacks AuditLog.Read.All/);
    expect(exitCodeFor(summary)).toBe(0);
    summary.outcomes.push({
      stream: "devices",
      part: "devices",
      status: "failed",
      records: 0,
      reason: "boom",
    });
    expect(exitCodeFor(summary)).toBe(1);
  });
});
