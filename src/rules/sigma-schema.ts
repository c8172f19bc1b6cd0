import { Ajv2020 } from "ajv/dist/2020.js";

/**
 * The Sigma detection-rule JSON schema (Sigma rules specification V2.0.0), restated from
 * SigmaHQ/sigma-specification `json-schema/sigma-detection-rule-schema.json`. The Sigma
 * specification is public domain (its LICENSE). Same constraints, descriptions left out; the one
 * change is that `format: "uuid"` is written as the equivalent pattern, so no format plugin is
 * needed.
 */
const UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
const DATE = "^\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$";

export const SIGMA_RULE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "Sigma rule specification V2.0.0",
  type: "object",
  required: ["title", "logsource", "detection"],
  properties: {
    title: { type: "string", maxLength: 256 },
    id: { type: "string", pattern: UUID },
    related: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "type"],
        properties: {
          id: { type: "string", pattern: UUID },
          type: { type: "string", enum: ["derived", "obsolete", "merged", "renamed", "similar"] },
        },
      },
    },
    name: { type: "string", maxLength: 256 },
    taxonomy: { type: "string", maxLength: 256 },
    status: { type: "string", enum: ["stable", "test", "experimental", "deprecated", "unsupported"] },
    description: { type: "string", maxLength: 65535 },
    license: { type: "string" },
    author: { type: "string" },
    references: { type: "array", uniqueItems: true, items: { type: "string" } },
    date: { type: "string", pattern: DATE },
    modified: { type: "string", pattern: DATE },
    logsource: {
      type: "object",
      properties: {
        category: { type: "string" },
        product: { type: "string" },
        service: { type: "string" },
        definition: { type: "string" },
      },
    },
    detection: {
      type: "object",
      required: ["condition"],
      properties: { condition: { type: "string" } },
      additionalProperties: {
        anyOf: [
          { type: "array", items: { anyOf: [{ type: "string" }, { type: "integer" }, { type: "object" }] } },
          { type: "object" },
        ],
      },
    },
    fields: { type: "array", uniqueItems: true, items: { type: "string" } },
    falsepositives: {
      uniqueItems: true,
      anyOf: [
        { type: "string", minLength: 2 },
        { type: "array", items: { type: "string", minLength: 2 } },
      ],
    },
    level: { type: "string", enum: ["informational", "low", "medium", "high", "critical"] },
    tags: {
      type: "array",
      uniqueItems: true,
      items: { type: "string", pattern: "^[a-z0-9_-]+\\.[a-z0-9._-]+$" },
    },
    scope: { type: "array", items: { type: "string", minLength: 2 } },
  },
} as const;

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(SIGMA_RULE_SCHEMA);

/** Schema violations of a parsed Sigma rule, as "path: message" lines; empty when valid. */
export function sigmaSchemaErrors(rule: unknown): string[] {
  if (validate(rule)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? e.keyword}`);
}
