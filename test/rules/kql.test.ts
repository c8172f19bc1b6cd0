import { describe, expect, test } from "vitest";
import { buildRuleSet } from "../../src/rules/export.js";
import { renderKql } from "../../src/rules/kql.js";
import { analyzeKql, checkKql, kqlErrors, kqlResultColumns } from "../../src/rules/kql-check.js";
import { EMPTY_TUNING } from "../../src/rules/tuning.js";
import { SAMPLE_TUNING } from "./records.js";

const ruleSets = {
  untuned: buildRuleSet({ tuning: EMPTY_TUNING }),
  "tuned, phones hashed": buildRuleSet({ tuning: SAMPLE_TUNING, phoneMode: "hashed" }),
  // Only the phone watchlist differs from the hashed set.
  "tuned, phones in full": buildRuleSet({ tuning: SAMPLE_TUNING, phoneMode: "full" }).filter(
    (r) => r.id === "attacker-phone-number",
  ),
};

describe("every generated KQL query parses and binds against the real table schemas", () => {
  for (const [name, rules] of Object.entries(ruleSets)) {
    test.each(rules.map((r) => [r.id, r] as const))(`${name}: %s`, (_id, rule) => {
      const { diagnostics, columns } = analyzeKql(renderKql(rule));
      expect(diagnostics.filter((d) => d.severity === "Error")).toEqual([]);
      // The Sentinel entity mappings read these result columns.
      expect(columns.AccountUpn).toBe("string");
      expect(columns.IPAddress).toBe("string");
      if (rule.kind !== "sharedValue") expect(columns.AccountId).toBe("string");
    });
  }

  test("the tuned set adds the three watchlist rules and the exclusions", () => {
    const tuned = ruleSets["tuned, phones hashed"];
    expect(tuned.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        "attacker-indicators-signin",
        "attacker-indicators-audit",
        "attacker-phone-number",
      ]),
    );
    const fatigue = renderKql(tuned.find((r) => r.id === "mfa-fatigue-then-success") ?? tuned[0]!);
    expect(fatigue).toContain('ipv4_is_in_any_range(IPAddress, dynamic(["198.51.100.0/24"]))');
    expect(fatigue).toContain('ipv6_is_in_any_range(IPAddress, dynamic(["2001:db8::/32"]))');
    const phones = renderKql(tuned.find((r) => r.id === "attacker-phone-number") ?? tuned[0]!);
    expect(phones).not.toContain("4255550100");
    expect(phones).toContain("hash_sha256(");
  });
});

describe("the checker itself", () => {
  test("reports unknown columns and tables, so a clean result means something", () => {
    expect(kqlErrors("AuditLogs | where NoSuchColumn == 1").map((d) => d.message)).toEqual([
      expect.stringContaining("NoSuchColumn"),
    ]);
    expect(kqlErrors("NoSuchTable | take 1")).toHaveLength(1);
    expect(kqlErrors("SigninLogs | where ResultType == '0' | take 1")).toEqual([]);
  });

  test("knows the non-interactive table stores Status as a string", () => {
    expect(kqlResultColumns("AADNonInteractiveUserSignInLogs | project Status").Status).toBe("string");
    expect(kqlResultColumns("SigninLogs | project Status").Status).toBe("dynamic");
  });

  test("returns diagnostics with their position in the query", () => {
    const [d] = checkKql("SigninLogs | where Nope > 1");
    expect(d?.start).toBe("SigninLogs | where ".length);
    expect(d?.excerpt).toContain("Nope");
  });
});
