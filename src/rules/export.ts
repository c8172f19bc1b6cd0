import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { RULE_INTENTS } from "./intents.js";
import { kqlErrors } from "./kql-check.js";
import type { RuleIntent } from "./model.js";
import { sentinelRule, sentinelYaml } from "./sentinel.js";
import { NotExpressibleInSigma, sigmaRule, sigmaYaml } from "./sigma.js";
import { sigmaSchemaErrors } from "./sigma-schema.js";
import { EMPTY_TUNING, type Tuning, tuneIntent, watchlistIntents } from "./tuning.js";

export type RuleFormat = "kql" | "sigma";
export const RULE_FORMATS: readonly RuleFormat[] = ["kql", "sigma"];

export interface RuleSetOptions {
  tuning?: Tuning;
  /** How attacker phone numbers appear in the watchlist rule (default hashed). */
  phoneMode?: "hashed" | "full";
}

/** The rules to export: every intent, narrowed by the tenant's allowlists, plus the watchlists. */
export function buildRuleSet(options: RuleSetOptions = {}): RuleIntent[] {
  const tuning = options.tuning ?? EMPTY_TUNING;
  return [
    ...RULE_INTENTS.map((intent) => tuneIntent(intent, tuning)),
    ...watchlistIntents(tuning, options.phoneMode ?? "hashed"),
  ];
}

export interface ExportOptions extends RuleSetOptions {
  format: RuleFormat;
  outDir: string;
  /** Named in each rule's description when tuned (e.g. the tenant id). */
  tunedFor?: string;
  /** Sigma `date` (YYYY-MM-DD); defaults to today (UTC). */
  date?: string;
}

export interface ExportResult {
  written: { ruleId: string; file: string }[];
  /** Rules the format cannot express, with the reason. */
  skipped: { ruleId: string; reason: string }[];
}

/** A generated rule that fails its own format check: a bug in mfa-evict, never written out. */
export class InvalidGeneratedRule extends Error {
  override name = "InvalidGeneratedRule";
}

/** Renders one rule to file text, checked: KQL parses and binds, Sigma validates against the schema. */
export function renderRule(
  intent: RuleIntent,
  format: RuleFormat,
  options: { date: string; tunedFor?: string },
): { fileName: string; text: string } {
  if (format === "kql") {
    const rule = sentinelRule(intent, { tunedFor: options.tunedFor });
    const errors = kqlErrors(rule.query);
    if (errors.length) {
      throw new InvalidGeneratedRule(
        `rule ${intent.id}: generated KQL does not parse: ${errors.map((e) => `${e.message} near "${e.excerpt}"`).join("; ")}`,
      );
    }
    return { fileName: `${intent.id}.yaml`, text: sentinelYaml(rule) };
  }
  const rule = sigmaRule(intent, options);
  const errors = sigmaSchemaErrors(rule);
  if (errors.length)
    throw new InvalidGeneratedRule(`rule ${intent.id}: generated Sigma is invalid: ${errors.join("; ")}`);
  return { fileName: `${intent.id}.yml`, text: sigmaYaml(rule) };
}

export async function exportRules(options: ExportOptions): Promise<ExportResult> {
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const result: ExportResult = { written: [], skipped: [] };
  const rendered: { ruleId: string; fileName: string; text: string }[] = [];
  for (const intent of buildRuleSet(options)) {
    try {
      rendered.push({
        ruleId: intent.id,
        ...renderRule(intent, options.format, { date, tunedFor: options.tunedFor }),
      });
    } catch (error) {
      if (!(error instanceof NotExpressibleInSigma)) throw error;
      result.skipped.push({ ruleId: intent.id, reason: error.message });
    }
  }
  // Everything is rendered and checked before the first file is written: no half-written rule set.
  await mkdir(options.outDir, { recursive: true });
  for (const rule of rendered) {
    const file = path.join(options.outDir, rule.fileName);
    await writeFile(file, rule.text, "utf8");
    result.written.push({ ruleId: rule.ruleId, file });
  }
  return result;
}
