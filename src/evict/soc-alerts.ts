import type { ExpectedAlert, PlanStep } from "./plan.js";

/**
 * The public SOC content that an eviction step sets off (peers.md §A3–A5), so the plan can warn the
 * SOC and the report can name them. Only rules whose logic matches the write the step makes.
 */
interface AlertRule extends Omit<ExpectedAlert, "stepKind"> {
  /** Fires only when the target holds a directory role. */
  privilegedOnly?: boolean;
}

const RULES: Partial<Record<PlanStep["kind"], AlertRule[]>> = {
  issueTap: [
    {
      rule: "Addition of a Temporary Access Pass to a Privileged Account",
      source: "Microsoft Sentinel",
      reference:
        "Azure/Azure-Sentinel Detections/AuditLogs/AdditionofaTemporaryAccessPasstoaPrivilegedAccount.yaml",
      severity: "high",
      privilegedOnly: true,
    },
    {
      rule: "Temporary Access Pass Added To An Account",
      source: "Sigma",
      reference: "SigmaHQ/sigma rules/cloud/azure/audit_logs/azure_tap_added.yml",
      severity: "high",
    },
    {
      rule: "Entra ID Temporary Access Pass Created for User",
      source: "Elastic",
      reference: "elastic/detection-rules initial_access_entra_id_temporary_access_pass_created.toml",
      severity: "medium",
    },
    {
      rule: "Temporary Access Pass created for user account (hunting)",
      source: "Microsoft Sentinel",
      reference: "Azure/Azure-Sentinel Hunting Queries/AuditLogs/TemporaryAccessPassCreatedForUser.yaml",
      severity: "informational",
    },
  ],
  deleteMethod: [
    {
      rule: "Authentication Methods Changed for Privileged Account",
      source: "Microsoft Sentinel",
      reference:
        "Azure/Azure-Sentinel Solutions/Microsoft Entra ID/Analytic Rules/AuthenticationMethodsChangedforPrivilegedAccount.yaml",
      severity: "high",
      privilegedOnly: true,
    },
    {
      rule: "Entra ID MFA Disabled for User",
      source: "Elastic",
      reference: "elastic/detection-rules persistence_entra_id_mfa_disabled_for_user.toml",
      severity: "medium",
    },
  ],
  setDefaultMethod: [
    {
      rule: "Authentication Methods Changed for Privileged Account",
      source: "Microsoft Sentinel",
      reference:
        "Azure/Azure-Sentinel Solutions/Microsoft Entra ID/Analytic Rules/AuthenticationMethodsChangedforPrivilegedAccount.yaml",
      severity: "high",
      privilegedOnly: true,
    },
  ],
};

export function expectedAlerts(steps: readonly PlanStep[], privileged: boolean): ExpectedAlert[] {
  const seen = new Set<string>();
  const alerts: ExpectedAlert[] = [];
  for (const step of steps) {
    for (const rule of RULES[step.kind] ?? []) {
      if (rule.privilegedOnly && !privileged) continue;
      const key = `${rule.source}|${rule.rule}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const { privilegedOnly: _ignored, ...alert } = rule;
      alerts.push({ ...alert, stepKind: step.kind });
    }
  }
  return alerts;
}
