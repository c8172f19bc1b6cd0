import type { CollectSummary } from "./collect.js";

/** The end-of-run summary: what was collected, what was skipped and why, what failed. */
export function formatSummary(summary: CollectSummary): string {
  const lines: string[] = [];
  const seconds = (summary.durationMs / 1000).toFixed(1);
  lines.push(
    `collect ${summary.resumed ? "resumed and finished" : "finished"} in ${seconds}s — tenant ${summary.tenantId ?? "?"}, app ${summary.appId ?? "?"}, logs ${summary.since} → ${summary.asOf}`,
  );
  const width = Math.max(
    ...summary.outcomes.map((outcome) => `${outcome.stream}/${outcome.part}`.length),
    10,
  );
  for (const outcome of summary.outcomes) {
    const name = `${outcome.stream}/${outcome.part}`.padEnd(width);
    const status = outcome.status.padEnd(9);
    const records = outcome.status === "collected" ? `${outcome.records} records` : "";
    const failures = outcome.failures ? ` (${outcome.failures} failed)` : "";
    const reason = outcome.reason ? ` — ${outcome.reason}` : "";
    lines.push(`  ${name}  ${status} ${records}${failures}${reason}`.trimEnd());
  }
  return lines.join("\n");
}

/** Exit code: 0 when every part was collected or skipped for a stated reason, 1 when something failed. */
export function exitCodeFor(summary: CollectSummary): 0 | 1 {
  return summary.outcomes.some((outcome) => outcome.status === "failed" || (outcome.failures ?? 0) > 0)
    ? 1
    : 0;
}
