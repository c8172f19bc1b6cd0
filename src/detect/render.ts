import type { DetectionGap } from "./engine.js";
import type { Finding, FindingObject, Triage } from "./finding.js";

/** Text renderings of findings for the terminal: the table, CSV with every field, and `explain`. */

export function describeObject(object: FindingObject): string {
  switch (object.kind) {
    case "method":
      return `${object.label ?? object.odataType.replace("#microsoft.graph.", "")} [method ${object.methodId}]`;
    case "device":
      return `device ${object.label ?? ""} [${object.deviceObjectId ?? object.deviceId ?? "no id"}]`.replace(
        "  ",
        " ",
      );
    case "user":
      return object.label ?? "the account";
  }
}

function privilegeTag(finding: Finding): string {
  if (!finding.privileged) return "";
  return finding.tier0 ? "T0" : "PRIV";
}

/** One block per finding: a header line and the explanation, most urgent first. */
export function renderTable(findings: readonly Finding[], triage: readonly Triage[] = []): string {
  if (findings.length === 0) return "No findings.\n";
  const verdicts = new Map(triage.map((t) => [t.findingId, t.verdict]));
  const lines: string[] = [];
  for (const finding of findings) {
    const tags = [
      privilegeTag(finding),
      finding.suppressedBy ? "SUPPRESSED" : "",
      verdicts.get(finding.id) && verdicts.get(finding.id) !== "undecided" ? verdicts.get(finding.id)! : "",
    ].filter((tag) => tag);
    lines.push(
      [
        finding.severity.toUpperCase().padEnd(13),
        String(finding.score).padStart(3),
        finding.id,
        finding.detectionId.padEnd(24),
        (finding.userPrincipalName ?? finding.userId).padEnd(28),
        describeObject(finding.object),
        tags.length ? `(${tags.join(", ")})` : "",
      ]
        .join("  ")
        .trimEnd(),
    );
    lines.push(`    ${finding.explanation}`);
    if (finding.suppressedBy) lines.push(`    suppressed by ${finding.suppressedBy}`);
  }
  return `${lines.join("\n")}\n`;
}

export function renderGaps(gaps: readonly DetectionGap[]): string {
  if (gaps.length === 0) return "";
  return `\nNot checked (streams missing from the case):\n${gaps.map((g) => `  - ${g.message}`).join("\n")}\n`;
}

/**
 * A spreadsheet cell: quoted when needed, and a leading = + - @ neutralised so a crafted device
 * name cannot become a formula when the CSV is opened.
 */
function cell(value: unknown): string {
  let text =
    value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_COLUMNS: [string, (f: Finding, verdict?: Triage) => unknown][] = [
  ["id", (f) => f.id],
  ["severity", (f) => f.severity],
  ["score", (f) => f.score],
  ["privileged", (f) => f.privileged],
  ["privilegeReasons", (f) => f.privilegeReasons?.join("; ")],
  ["detectionId", (f) => f.detectionId],
  ["title", (f) => f.title],
  ["technique", (f) => f.technique],
  ["userId", (f) => f.userId],
  ["userPrincipalName", (f) => f.userPrincipalName],
  ["objectKind", (f) => f.object.kind],
  [
    "objectId",
    (f) =>
      f.object.kind === "method"
        ? f.object.methodId
        : f.object.kind === "device"
          ? (f.object.deviceObjectId ?? "")
          : "",
  ],
  [
    "objectType",
    (f) =>
      f.object.kind === "method"
        ? f.object.odataType
        : f.object.kind === "device"
          ? (f.object.deviceId ?? "")
          : "",
  ],
  ["objectLabel", (f) => ("label" in f.object ? f.object.label : undefined)],
  ["explanation", (f) => f.explanation],
  ["recommendedActions", (f) => f.recommendedActions.join(" ")],
  ["firstSeen", (f) => f.firstSeen],
  ["lastSeen", (f) => f.lastSeen],
  ["suppressedBy", (f) => f.suppressedBy],
  ["evidence", (f) => f.evidence],
  ["verdict", (_, t) => t?.verdict],
  ["verdictReason", (_, t) => t?.reason],
];

export function renderCsv(findings: readonly Finding[], triage: readonly Triage[] = []): string {
  const verdicts = new Map(triage.map((t) => [t.findingId, t]));
  const rows = [CSV_COLUMNS.map(([name]) => name).join(",")];
  for (const finding of findings) {
    rows.push(CSV_COLUMNS.map(([, get]) => cell(get(finding, verdicts.get(finding.id)))).join(","));
  }
  return `${rows.join("\n")}\n`;
}

/** `explain`: every field of the finding, then its evidence as a timeline. */
export function renderExplain(finding: Finding, triage?: Triage): string {
  const lines = [
    `${finding.id}  ${finding.severity.toUpperCase()} (score ${finding.score})  ${finding.title}`,
    `  detection:   ${finding.detectionId} (ATT&CK ${finding.technique})`,
    `  account:     ${finding.userPrincipalName ?? "?"} (${finding.userId})${finding.privileged ? `, privileged: ${finding.privilegeReasons?.join(", ") ?? "yes"}` : ""}`,
    `  object:      ${describeObject(finding.object)}`,
    `  recommended: ${finding.recommendedActions.join(", ")}`,
  ];
  if (finding.suppressedBy) lines.push(`  suppressed:  ${finding.suppressedBy}`);
  if (triage) {
    lines.push(
      `  triage:      ${triage.verdict}${triage.reason ? ` — ${triage.reason}` : ""} (${triage.decidedBy ?? "unknown"}, ${triage.decidedAt})`,
    );
  }
  lines.push("", `  ${finding.explanation}`, "", "  Evidence timeline:");
  const evidence = [...finding.evidence].sort((a, b) => (a.time ?? "").localeCompare(b.time ?? ""));
  for (const item of evidence) {
    const where = [item.ipAddress, item.location, item.app].filter((part) => part).join(" · ");
    lines.push(`    ${(item.time ?? "(time unknown)").padEnd(28)} ${item.kind.padEnd(13)} ${item.summary}`);
    lines.push(`    ${"".padEnd(28)} ${"".padEnd(13)} id ${item.id}${where ? ` · ${where}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}
