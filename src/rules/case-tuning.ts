import { loadConfig } from "../detect/config.js";
import { loadFindings, loadTriage } from "../detect/persist.js";
import { openCase } from "../store/index.js";
import { type Tuning, tuningFromCase } from "./tuning.js";

/**
 * Reads what tuning needs from a case file (read-only): the snapshot, the stored findings and
 * triage verdicts of the last `detect`, and the allowlist of the detection config file if given.
 */
export function tuningForCaseFile(
  casePath: string,
  options: { configFile?: string; now?: Date } = {},
): { tuning: Tuning; tenant?: string; findings: number } {
  const allowlist = options.configFile ? loadConfig(options.configFile).allowlist : [];
  const store = openCase(casePath, { readonly: true });
  try {
    const snapshot = store.snapshot();
    const findings = loadFindings(store).map((stored) => stored.finding);
    const tuning = tuningFromCase(snapshot, findings, {
      allowlist,
      triage: loadTriage(store),
      now: options.now,
    });
    return { tuning, tenant: snapshot.tenantId, findings: findings.length };
  } finally {
    store.close();
  }
}
