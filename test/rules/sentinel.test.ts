import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { buildRuleSet } from "../../src/rules/export.js";
import { sentinelRule, sentinelYaml } from "../../src/rules/sentinel.js";
import { SAMPLE_TUNING } from "./records.js";

/**
 * The Azure-Sentinel repository's scheduled-rule (Detections) YAML fields and the limits Sentinel
 * enforces on them: query period at most 14 days, frequency at least 5 minutes and not longer than
 * the period, MITRE tactics by their Sentinel names.
 */
const duration = z.string().regex(/^\d+[mhd]$/);
const minutes = (d: string) =>
  Number(d.slice(0, -1)) * { m: 1, h: 60, d: 1440 }[d.slice(-1) as "m" | "h" | "d"];
const sentinelSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string().min(1).max(50),
    description: z.string().min(1),
    severity: z.enum(["Informational", "Low", "Medium", "High"]),
    requiredDataConnectors: z
      .array(
        z.object({
          connectorId: z.literal("AzureActiveDirectory"),
          dataTypes: z.array(z.enum(["SigninLogs", "AADNonInteractiveUserSignInLogs", "AuditLogs"])).min(1),
        }),
      )
      .min(1),
    queryFrequency: duration,
    queryPeriod: duration,
    triggerOperator: z.enum(["gt", "lt", "eq"]),
    triggerThreshold: z.number().int().min(0),
    tactics: z
      .array(
        z.enum(["InitialAccess", "Persistence", "PrivilegeEscalation", "DefenseEvasion", "CredentialAccess"]),
      )
      .min(1),
    relevantTechniques: z.array(z.string().regex(/^T\d{4}(\.\d{3})?$/)).min(1),
    query: z.string().min(1),
    entityMappings: z
      .array(
        z.object({
          entityType: z.enum(["Account", "IP"]),
          fieldMappings: z
            .array(z.object({ identifier: z.string(), columnName: z.string() }))
            .min(1)
            .max(3),
        }),
      )
      .max(10),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    kind: z.literal("Scheduled"),
  })
  .strict()
  .refine((r) => minutes(r.queryPeriod) <= 14 * 1440, "queryPeriod must be at most 14 days")
  .refine((r) => minutes(r.queryFrequency) >= 5, "queryFrequency must be at least 5 minutes")
  .refine(
    (r) => minutes(r.queryFrequency) <= minutes(r.queryPeriod),
    "queryFrequency must not exceed queryPeriod",
  );

const rules = buildRuleSet({ tuning: SAMPLE_TUNING });

describe("Sentinel analytic rules", () => {
  test.each(rules.map((r) => [r.id, r] as const))(
    "%s is a valid scheduled rule after a YAML round trip",
    (_id, intent) => {
      const parsed = sentinelSchema.safeParse(
        parse(sentinelYaml(sentinelRule(intent, { tunedFor: "contoso" }))),
      );
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    },
  );

  test("entity mappings name only columns the query projects", () => {
    for (const intent of rules) {
      const rule = sentinelRule(intent);
      for (const mapping of rule.entityMappings) {
        for (const field of mapping.fieldMappings) expect(rule.query, intent.id).toContain(field.columnName);
      }
    }
  });

  test("ids are stable across exports and unique across rules", () => {
    const ids = rules.map((r) => sentinelRule(r).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(buildRuleSet({ tuning: SAMPLE_TUNING }).map((r) => sentinelRule(r).id)).toEqual(ids);
  });

  test("baseline rules read every table they join", () => {
    const rule = sentinelRule(rules.find((r) => r.id === "registration-from-unseen-ip") ?? rules[0]!);
    expect(rule.requiredDataConnectors[0]?.dataTypes).toEqual([
      "AuditLogs",
      "SigninLogs",
      "AADNonInteractiveUserSignInLogs",
    ]);
    expect(rule.queryPeriod).toBe("14d");
  });
});
