import fs from "node:fs";
import { detect } from "../detect/engine.js";
import type { Finding, Triage } from "../detect/finding.js";
import { loadFindings, loadTriage } from "../detect/persist.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import type { CaseStore } from "../store/types.js";

/**
 * Where the planner's findings come from: a findings file (`detect --json` output: an array or an
 * object with `findings` and optional `triage`); the findings `detect` stored in the case, with the
 * responders' verdicts (so a finding triaged false positive in the console is never planned); or,
 * when detect has not been run on the case, a fresh detection run.
 */
export class FindingsFileError extends Error {
  override name = "FindingsFileError";
}

export interface FindingsInput {
  findings: Finding[];
  triage: Triage[];
  source: string;
}

function isFinding(value: unknown): value is Finding {
  if (typeof value !== "object" || value === null) return false;
  const f = value as Record<string, unknown>;
  const object = f.object as Record<string, unknown> | undefined;
  return (
    typeof f.id === "string" &&
    typeof f.userId === "string" &&
    typeof f.severity === "string" &&
    Array.isArray(f.recommendedActions) &&
    typeof object?.kind === "string"
  );
}

export function readFindingsFile(file: string): FindingsInput {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new FindingsFileError(
      `${file}: not readable JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const container = Array.isArray(json)
    ? { findings: json }
    : (json as { findings?: unknown; triage?: unknown });
  if (!Array.isArray(container.findings)) throw new FindingsFileError(`${file}: no "findings" array`);
  container.findings.forEach((f, i) => {
    if (!isFinding(f))
      throw new FindingsFileError(
        `${file}: findings[${i}] is not a finding (needs id, userId, severity, object, recommendedActions)`,
      );
  });
  const triage = Array.isArray(container.triage) ? (container.triage as Triage[]) : [];
  return { findings: container.findings as Finding[], triage, source: file };
}

export function detectFindings(snapshot: CaseSnapshot, responderAppIds: readonly string[]): FindingsInput {
  const result = detect(snapshot, { responderAppIds });
  return { findings: result.findings, triage: [], source: "detection run over the case" };
}

/** The case's stored findings and verdicts, or undefined when `detect` has not been run on it. */
export function storedFindings(store: CaseStore): FindingsInput | undefined {
  const stored = loadFindings(store);
  if (stored.length === 0) return undefined;
  return {
    findings: stored.map((s) => s.finding),
    triage: loadTriage(store),
    source: "findings stored by detect, with their triage verdicts",
  };
}
