import { stringify } from "yaml";
import { AUDIT_FIELDS, SIGNIN_FIELDS } from "./fields.js";
import { uuidFromName } from "./ids.js";
import type { Condition, RuleIntent, Tactic } from "./model.js";

/**
 * Renders a single-record rule intent as a Sigma rule (logsource azure / auditlogs or signinlogs,
 * fields named as the Log Analytics columns). Rules over counts, joins or history (bursts,
 * baselines, shared values) and phone-number normalization have no Sigma detection-rule form; they
 * are reported as not expressible.
 */

export class NotExpressibleInSigma extends Error {
  override name = "NotExpressibleInSigma";
}

export interface SigmaRule {
  title: string;
  id: string;
  status: "experimental";
  description: string;
  author: string;
  date: string;
  tags: string[];
  logsource: { product: "azure"; service: "auditlogs" | "signinlogs" };
  detection: Record<string, unknown> & { condition: string };
  falsepositives: string[];
  level: RuleIntent["severity"];
}

const TACTIC_TAG: Record<Tactic, string> = {
  InitialAccess: "attack.initial-access",
  Persistence: "attack.persistence",
  PrivilegeEscalation: "attack.privilege-escalation",
  DefenseEvasion: "attack.defense-evasion",
  CredentialAccess: "attack.credential-access",
};

const MODIFIER = { in: "", contains: "|contains", inCidr: "|cidr" } as const;

/** Turns the condition tree into named selections plus a Sigma condition expression. */
function detection<F extends string>(
  where: Condition<F>,
  sigmaFields: (field: F) => readonly string[],
): SigmaRule["detection"] {
  const selections: Record<string, unknown> = {};
  const name = (base: string) => {
    let candidate = base;
    for (let n = 2; candidate in selections; n++) candidate = `${base}_${n}`;
    return candidate;
  };
  const walk = (c: Condition<F>): string => {
    if ("all" in c) return `(${c.all.map(walk).join(" and ")})`;
    if ("any" in c) return `(${c.any.map(walk).join(" or ")})`;
    if ("not" in c) return `not ${walk(c.not)}`;
    if (c.op === "phoneIn" || c.op === "phoneSha256In") {
      throw new NotExpressibleInSigma("Sigma cannot normalize or hash phone numbers");
    }
    const values = c.values.length === 1 ? c.values[0] : [...c.values];
    const names = sigmaFields(c.field).map((field) => {
      const id = name(`${c.field}`.replace(/[^A-Za-z0-9]/g, "_"));
      selections[id] = { [`${field}${MODIFIER[c.op]}`]: values };
      return id;
    });
    return names.length === 1 ? (names[0] as string) : `(${names.join(" or ")})`;
  };
  let condition = walk(where);
  if (condition.startsWith("(") && condition.endsWith(")") && balanced(condition.slice(1, -1))) {
    condition = condition.slice(1, -1);
  }
  return { ...selections, condition };
}

/** True when the parentheses of `text` balance on their own (so outer ones can be dropped). */
function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

export function sigmaRule(intent: RuleIntent, options: { date: string; tunedFor?: string }): SigmaRule {
  if (intent.kind !== "event") {
    throw new NotExpressibleInSigma(`a ${intent.kind} rule needs aggregation or joins across records`);
  }
  const tuned = options.tunedFor ? ` Tuned by mfa-evict for ${options.tunedFor}.` : "";
  return {
    title: intent.title,
    id: uuidFromName(`sigma:${intent.id}`),
    status: "experimental",
    description: `${intent.description} Mirrors mfa-evict detection '${intent.detectionId}'.${tuned}`,
    author: "mfa-evict",
    date: options.date,
    tags: [...intent.tactics.map((t) => TACTIC_TAG[t]), `attack.${intent.technique.toLowerCase()}`],
    logsource: { product: "azure", service: intent.source === "audits" ? "auditlogs" : "signinlogs" },
    detection:
      intent.source === "audits"
        ? detection(intent.where, (f) => AUDIT_FIELDS[f].sigma)
        : detection(intent.where, (f) => SIGNIN_FIELDS[f].sigma),
    falsepositives: [...intent.falsePositives],
    level: intent.severity,
  };
}

export function sigmaYaml(rule: SigmaRule): string {
  return stringify(rule, { lineWidth: 0, aliasDuplicateObjects: false });
}
