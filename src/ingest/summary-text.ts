import type { FileImportSummary, ImportSummary } from "./import.js";

/** Human-readable import summary: one block per file, then the totals. */
export function formatImportSummary(summary: ImportSummary, maxRejectionsPerFile = 20): string {
  const lines: string[] = [];
  for (const file of summary.files) {
    lines.push(`${file.file}`);
    lines.push(`  format ${describeFormat(file)}`);
    lines.push(
      `  imported ${file.imported}, updated ${file.updated}, already present ${file.duplicates}, skipped ${file.skipped}, rejected ${file.rejected}`,
    );
    const kinds = Object.entries(file.byKind).map(([kind, n]) => `${kind} ${n}`);
    if (kinds.length) lines.push(`  records: ${kinds.join(", ")}`);
    for (const [reason, n] of Object.entries(file.skipReasons)) lines.push(`  skipped ${n}: ${reason}`);
    for (const r of file.rejections.slice(0, maxRejectionsPerFile)) {
      lines.push(`  rejected ${file.file}:${r.line}: ${r.reason}`);
    }
    const unlisted = file.rejected - Math.min(file.rejections.length, maxRejectionsPerFile);
    if (unlisted > 0) lines.push(`  … and ${unlisted} more rejected records (see --json)`);
  }
  lines.push(
    `total: ${summary.files.length} files; imported ${summary.imported}, updated ${summary.updated}, already present ${summary.duplicates}, skipped ${summary.skipped}, rejected ${summary.rejected}`,
  );
  return `${lines.join("\n")}\n`;
}

function describeFormat(file: FileImportSummary): string {
  const parts = [file.format];
  if (file.compression === "gzip") parts.push("gzip");
  if (file.encoding !== "utf-8" && file.encoding !== "unknown") parts.push(file.encoding);
  const kinds = Object.entries(file.recordFormats).map(([f, n]) => `${f} ${n}`);
  return kinds.length ? `${parts.join(", ")} (${kinds.join(", ")})` : parts.join(", ");
}
