import type { CaseCounts } from "./types.js";

/** `mfa-evict status` as text: records per kind and source, where they came from, checkpoints. */
export function formatCounts(counts: CaseCounts): string {
  const lines: string[] = [];
  if (counts.tenantId) lines.push(`tenant ${counts.tenantId}`);
  const rows = counts.kinds.filter((k) => k.total > 0);
  if (rows.length === 0) lines.push("the case holds no records yet");
  else {
    const width = Math.max(...rows.map((k) => k.kind.length), 4);
    lines.push(
      `${"kind".padEnd(width)}  ${"total".padStart(9)}  ${"graph".padStart(9)}  ${"file".padStart(9)}`,
    );
    for (const k of rows) {
      lines.push(
        `${k.kind.padEnd(width)}  ${String(k.total).padStart(9)}  ${String(k.bySource.graph).padStart(9)}  ${String(k.bySource.file).padStart(9)}`,
      );
    }
  }
  if (counts.origins.length) {
    lines.push("", "sources:");
    for (const o of counts.origins) {
      lines.push(`  ${o.source} ${o.origin}: ${o.kind} ${o.records} (last ${o.lastSeen})`);
    }
  }
  if (counts.checkpoints.length) {
    lines.push("", "checkpoints:");
    for (const c of counts.checkpoints) lines.push(`  ${c.stream} (updated ${c.updatedAt})`);
  }
  return `${lines.join("\n")}\n`;
}
