import { responderAppIdsFor } from "../detect/case-run.js";
import { detect } from "../detect/engine.js";
import type { Finding } from "../detect/finding.js";
import { loadFindings, loadTriage } from "../detect/persist.js";
import type { CaseStore } from "../store/types.js";
import { buildContext, type PostureContext, type PostureOptions } from "./context.js";

/**
 * Posture over a case file: the snapshot, and the findings that say who is affected — the ones
 * `detect` stored (minus those triaged false positive), or a fresh in-memory detection run when
 * detect has not been run on this case yet (nothing is written in that case).
 */

export interface PostureInput {
  ctx: PostureContext;
  findingsSource: "stored" | "detected";
  findingCount: number;
}

export function postureInput(store: CaseStore, options: PostureOptions = {}): PostureInput {
  const snapshot = store.snapshot();
  const stored = loadFindings(store);
  let findings: Finding[];
  let source: PostureInput["findingsSource"];
  if (stored.length > 0) {
    const falsePositive = new Set(
      loadTriage(store)
        .filter((t) => t.verdict === "falsePositive")
        .map((t) => t.findingId),
    );
    findings = stored.map((s) => s.finding).filter((f) => !falsePositive.has(f.id));
    source = "stored";
  } else {
    // The responder's own writes (eviction, TAPs) must not make users look affected.
    findings = detect(snapshot, { responderAppIds: responderAppIdsFor(store, [], process.env) }).findings;
    source = "detected";
  }
  return {
    ctx: buildContext(snapshot, findings, options),
    findingsSource: source,
    findingCount: findings.length,
  };
}
