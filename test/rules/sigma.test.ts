import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import type { DirectoryAudit, SignIn } from "../../src/graph/types.js";
import { evaluateCondition } from "../../src/rules/condition.js";
import { buildRuleSet } from "../../src/rules/export.js";
import { AUDIT_FIELDS, SIGNIN_FIELDS } from "../../src/rules/fields.js";
import type { RuleIntent } from "../../src/rules/model.js";
import { NotExpressibleInSigma, type SigmaRule, sigmaRule, sigmaYaml } from "../../src/rules/sigma.js";
import { sigmaSchemaErrors } from "../../src/rules/sigma-schema.js";
import {
  addsDevice,
  alice,
  at,
  audit,
  bob,
  helpdesk,
  registersMethod,
  SAMPLE_TUNING,
  setsPhone,
  signIn,
} from "./records.js";

const DATE = "2026-05-20";
const rules = buildRuleSet({ tuning: SAMPLE_TUNING, phoneMode: "full" });
const expressible = rules.filter((r) => r.kind === "event" && r.id !== "attacker-phone-number");

/**
 * A minimal Sigma matcher for the subset the generator emits (selections of field → value(s) with
 * no modifier, |contains or |cidr; conditions with and/or/not/parentheses), applied to a record's
 * fields under their Sigma names. It shows the Sigma rendering selects the same records as the
 * rule's intent.
 */
function sigmaMatches(rule: SigmaRule, fields: Record<string, string | undefined>): boolean {
  const { condition, ...selections } = rule.detection;
  const selectionMatches = (name: string): boolean => {
    const selection = selections[name] as Record<string, string | string[]>;
    return Object.entries(selection).every(([key, raw]) => {
      const [field = "", modifier] = key.split("|");
      const actual = fields[field]?.toLowerCase();
      if (!actual) return false;
      const values = (Array.isArray(raw) ? raw : [raw]).map((v) => v.toLowerCase());
      if (modifier === "contains") return values.some((v) => actual.includes(v));
      if (modifier === "cidr") return evaluateCondition({ field: "x", op: "inCidr", values }, () => actual);
      return values.includes(actual);
    });
  };
  const tokens = condition.match(/\(|\)|[A-Za-z0-9_]+/g) ?? [];
  let pos = 0;
  const or = (): boolean => {
    let value = and();
    while (tokens[pos] === "or") {
      pos++;
      value = and() || value;
    }
    return value;
  };
  const and = (): boolean => {
    let value = unary();
    while (tokens[pos] === "and") {
      pos++;
      value = unary() && value;
    }
    return value;
  };
  const unary = (): boolean => {
    const token = tokens[pos++];
    if (token === "not") return !unary();
    if (token === "(") {
      const value = or();
      pos++;
      return value;
    }
    return selectionMatches(token ?? "");
  };
  return or();
}

function sigmaFieldsOf(
  intent: RuleIntent,
  record: DirectoryAudit | SignIn,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const defs = intent.source === "audits" ? AUDIT_FIELDS : SIGNIN_FIELDS;
  for (const def of Object.values(defs)) {
    for (const name of def.sigma)
      out[name] = (def.graph as (r: DirectoryAudit | SignIn) => string | undefined)(record);
  }
  return out;
}

const T0 = "2026-05-20T09:00:00.000Z";
const AUDITS: DirectoryAudit[] = [
  registersMethod(alice, T0, "203.0.113.66"),
  registersMethod(bob, T0, "198.51.100.7"),
  addsDevice(alice, T0, "203.0.113.66", "DESKTOP-AB12CD34", "10.0.19041.928"),
  addsDevice(bob, T0, "198.51.100.7", "LAPTOP-HQ-01", "10.0.19041.928"),
  addsDevice(bob, T0, "192.0.2.1", "LAPTOP-9", "10.0.26100.1"),
  setsPhone(alice, T0, "+1 4255550100", "AADInternals"),
  setsPhone(bob, T0, "+1 4255550100"),
  audit("Admin registered security info", T0, {
    by: helpdesk,
    target: { type: "User", id: alice.id, upn: alice.upn },
  }),
  audit("Admin registered security info", T0, {
    by: bob,
    target: { type: "User", id: alice.id, upn: alice.upn },
  }),
  audit("Fraud reported - no action taken", T0, { by: alice }),
];
const SIGNINS: SignIn[] = [
  signIn(alice, T0, {
    ip: "203.0.113.66",
    resource: "Device Registration Service",
    requirement: "singleFactorAuthentication",
  }),
  signIn(bob, T0, {
    ip: "198.51.100.9",
    resource: "Device Registration Service",
    requirement: "singleFactorAuthentication",
  }),
  signIn(alice, at(T0, 1), {
    ip: "2001:db8::5",
    resource: "Device Registration Service",
    requirement: "singleFactorAuthentication",
  }),
  signIn(alice, T0, { appId: "29d9ed98-a469-4536-ade2-f981bc1d605e", protocol: "deviceCode" }),
  signIn(alice, T0, { errorCode: 500121, detail: "MFA denied; Phone App Reported Fraud" }),
  signIn(bob, T0, { deviceName: "DESKTOP-AB12CD34" }),
];

describe("Sigma rules", () => {
  test.each(expressible.map((r) => [r.id, r] as const))(
    "%s validates against the Sigma JSON schema",
    (_id, intent) => {
      const rule = sigmaRule(intent, { date: DATE });
      expect(sigmaSchemaErrors(rule)).toEqual([]);
      // And still does after a YAML round trip (what a Sigma tool reads).
      expect(sigmaSchemaErrors(parse(sigmaYaml(rule)))).toEqual([]);
    },
  );

  test.each(expressible.map((r) => [r.id, r] as const))(
    "%s selects the same records as its intent",
    (_id, intent) => {
      const rule = sigmaRule(intent, { date: DATE });
      const records: (DirectoryAudit | SignIn)[] = intent.source === "audits" ? AUDITS : SIGNINS;
      let fired = 0;
      for (const record of records) {
        const fields = sigmaFieldsOf(intent, record);
        const expected =
          intent.source === "audits"
            ? evaluateCondition(intent.where, (f) => AUDIT_FIELDS[f].graph(record as DirectoryAudit))
            : evaluateCondition(intent.where, (f) => SIGNIN_FIELDS[f].graph(record as SignIn));
        expect(sigmaMatches(rule, fields), `${intent.id} on ${record.id}`).toBe(expected);
        if (expected) fired++;
      }
      expect(fired, `${intent.id} fires on at least one sample record`).toBeGreaterThan(0);
    },
  );

  test("the schema rejects what the specification forbids", () => {
    const rule = sigmaRule(expressible[0] as RuleIntent, { date: DATE });
    expect(sigmaSchemaErrors({ ...rule, level: "severe" })).not.toEqual([]);
    expect(sigmaSchemaErrors({ ...rule, tags: ["T1098"] })).not.toEqual([]);
    expect(sigmaSchemaErrors({ ...rule, date: "20/05/2026" })).not.toEqual([]);
    const { detection: _omitted, ...noDetection } = rule;
    expect(sigmaSchemaErrors(noDetection)).not.toEqual([]);
  });

  test("ids and tags are stable and well-formed", () => {
    const intent = expressible[0] as RuleIntent;
    const a = sigmaRule(intent, { date: DATE });
    expect(sigmaRule(intent, { date: "2027-01-01" }).id).toBe(a.id);
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.tags).toContain(`attack.${intent.technique.toLowerCase()}`);
  });

  test("aggregations and phone normalization are reported as not expressible", () => {
    for (const id of [
      "mfa-fatigue-then-success",
      "registration-from-unseen-ip",
      "phone-number-on-several-users",
      "attacker-phone-number",
    ]) {
      const intent = rules.find((r) => r.id === id) as RuleIntent;
      expect(() => sigmaRule(intent, { date: DATE }), id).toThrow(NotExpressibleInSigma);
    }
  });
});
