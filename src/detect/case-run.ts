import type { CaseStore } from "../store/types.js";
import { type DetectConfig, defaultConfig, loadConfig } from "./config.js";
import { type DetectionResult, detect } from "./engine.js";
import type { Finding, Severity, Triage } from "./finding.js";
import { SEVERITIES } from "./finding.js";
import { loadFinding, loadTriage, type SaveSummary, type StoredFinding, saveDetection } from "./persist.js";

/**
 * Detection over a case file: read the snapshot, detect, store findings (stable ids; triage kept),
 * and hand back what the CLI prints. The app ids whose writes are the responder's own come from the
 * options, the config file, the case's metadata (`responderAppIds`, comma-separated) and the
 * credentials in the environment (`AZURE_CLIENT_ID`), since that is the app mfa-evict runs as.
 */

export interface CaseDetectOptions {
  configFile?: string;
  responderAppIds?: readonly string[];
  minSeverity?: Severity;
  env?: NodeJS.ProcessEnv;
}

export interface CaseDetectOutput {
  result: DetectionResult;
  /** The findings at or above the minimum severity (all of them are stored regardless). */
  shown: Finding[];
  triage: Triage[];
  saved: SaveSummary;
  responderAppIds: string[];
}

export function responderAppIdsFor(
  store: CaseStore,
  extra: readonly string[],
  env: NodeJS.ProcessEnv,
): string[] {
  const ids = new Set(extra.map((id) => id.toLowerCase()));
  for (const id of (store.getMeta("responderAppIds") ?? "").split(","))
    if (id.trim()) ids.add(id.trim().toLowerCase());
  if (env.AZURE_CLIENT_ID) ids.add(env.AZURE_CLIENT_ID.toLowerCase());
  return [...ids];
}

export function atLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
}

export function detectCase(store: CaseStore, options: CaseDetectOptions = {}): CaseDetectOutput {
  const config: DetectConfig = options.configFile ? loadConfig(options.configFile) : defaultConfig();
  const responderAppIds = responderAppIdsFor(
    store,
    options.responderAppIds ?? [],
    options.env ?? process.env,
  );
  const result = detect(store.snapshot(), { config, responderAppIds });
  const saved = saveDetection(store, result);
  const minimum = options.minSeverity ?? "informational";
  return {
    result,
    shown: result.findings.filter((finding) => atLeast(finding.severity, minimum)),
    triage: loadTriage(store),
    saved,
    responderAppIds,
  };
}

export function explainCase(
  store: CaseStore,
  findingId: string,
): { stored: StoredFinding; triage?: Triage } | undefined {
  const stored = loadFinding(store, findingId);
  if (!stored) return undefined;
  return { stored, triage: loadTriage(store).find((t) => t.findingId === findingId) };
}
