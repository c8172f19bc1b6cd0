import { stringify } from "yaml";
import type { Severity } from "../detect/finding.js";
import { uuidFromName } from "./ids.js";
import { renderKql, scheduleOf } from "./kql.js";
import type { RuleIntent } from "./model.js";

/**
 * A Microsoft Sentinel scheduled analytic rule in the Azure-Sentinel repository's Detections YAML
 * format.
 */
export interface SentinelRule {
  id: string;
  name: string;
  description: string;
  severity: "Informational" | "Low" | "Medium" | "High";
  requiredDataConnectors: { connectorId: string; dataTypes: string[] }[];
  queryFrequency: string;
  queryPeriod: string;
  triggerOperator: "gt";
  triggerThreshold: number;
  tactics: string[];
  relevantTechniques: string[];
  query: string;
  entityMappings: {
    entityType: "Account" | "IP";
    fieldMappings: { identifier: string; columnName: string }[];
  }[];
  version: string;
  kind: "Scheduled";
}

const SEVERITY: Record<Severity, SentinelRule["severity"]> = {
  informational: "Informational",
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "High",
};

/** Tables each kind of rule reads. */
function dataTypes(intent: RuleIntent): string[] {
  const signIns = ["SigninLogs", "AADNonInteractiveUserSignInLogs"];
  if (intent.kind === "baseline") return ["AuditLogs", ...signIns];
  return intent.source === "signins" ? signIns : ["AuditLogs"];
}

export function sentinelRule(intent: RuleIntent, options: { tunedFor?: string } = {}): SentinelRule {
  const schedule = scheduleOf(intent);
  const tuned = options.tunedFor ? `\nTuned by mfa-evict for ${options.tunedFor}.` : "";
  return {
    id: uuidFromName(`sentinel:${intent.id}`),
    name: intent.title,
    description: `${intent.description}\nMirrors mfa-evict detection '${intent.detectionId}' (MITRE ATT&CK ${intent.technique}).${tuned}\nKnown false positives: ${intent.falsePositives.join("; ")}.`,
    severity: SEVERITY[intent.severity],
    requiredDataConnectors: [{ connectorId: "AzureActiveDirectory", dataTypes: dataTypes(intent) }],
    queryFrequency: schedule.queryFrequency,
    queryPeriod: schedule.queryPeriod,
    triggerOperator: "gt",
    triggerThreshold: 0,
    tactics: [...intent.tactics],
    relevantTechniques: [intent.technique],
    query: renderKql(intent),
    entityMappings: [
      {
        entityType: "Account",
        fieldMappings: [
          { identifier: "FullName", columnName: "AccountUpn" },
          ...(intent.kind === "sharedValue" ? [] : [{ identifier: "AadUserId", columnName: "AccountId" }]),
        ],
      },
      { entityType: "IP", fieldMappings: [{ identifier: "Address", columnName: "IPAddress" }] },
    ],
    version: "1.0.0",
    kind: "Scheduled",
  };
}

export function sentinelYaml(rule: SentinelRule): string {
  // Block scalars keep the multi-line query readable, as in the Azure-Sentinel repository.
  return stringify(rule, { lineWidth: 0, blockQuote: "literal", aliasDuplicateObjects: false });
}
