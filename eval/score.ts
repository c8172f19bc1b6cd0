import type { Finding, Severity } from "../src/detect/finding.js";
import type { GroundTruth, MaliciousItem } from "../src/emulator/tenant/ground-truth.js";

/**
 * Scoring one detection run against a scenario's ground truth.
 *
 * - A finding counts when it is medium, high or critical and not suppressed.
 * - It is a true positive when it points at anything malicious: its object (method, device, or the
 *   account for account-level findings) or one of its evidence records (audit, sign-in, risk
 *   detection) is in the ground truth. Otherwise it is a false positive.
 * - Recall is over the malicious objects eviction must act on — methods, devices and compromised
 *   accounts — each found when a counted finding points at it. Malicious log records (every
 *   denied prompt, every sprayed password) are evidence, not objects: their coverage is reported
 *   separately as "event coverage" and does not enter recall.
 */

export const COUNTED: ReadonlySet<Severity> = new Set(["medium", "high", "critical"]);
const OBJECT_KINDS = new Set(["method", "device", "user"]);
const EVENT_KINDS = new Set(["audit", "signIn", "riskDetection"]);

export interface DetectionTally {
  tp: number;
  fp: number;
  /** Malicious objects this detection found (a detection's share of recall). */
  objectsFound: number;
}

export interface RunScore {
  tp: number;
  fp: number;
  objects: number;
  objectsFound: number;
  missed: MaliciousItem[];
  events: number;
  eventsCovered: number;
  falsePositives: Finding[];
  /** High or critical findings that point at a benign-noise item (or at nothing malicious on benign-noise). */
  benignHigh: Finding[];
  perDetection: Map<string, DetectionTally>;
}

export function counted(finding: Finding): boolean {
  return COUNTED.has(finding.severity) && !finding.suppressedBy;
}

function objectKeys(finding: Finding): string[] {
  const keys: string[] = [];
  const object = finding.object;
  if (object.kind === "method") keys.push(`method:${finding.userId}/${object.methodId}`);
  if (object.kind === "device") {
    if (object.deviceObjectId) keys.push(`device:${object.deviceObjectId.toLowerCase()}`);
    if (object.deviceId) keys.push(`device:${object.deviceId.toLowerCase()}`);
  }
  if (object.kind === "user") keys.push(`user:${finding.userId}`);
  for (const evidence of finding.evidence) {
    if (evidence.kind === "method") keys.push(`method:${finding.userId}/${evidence.id}`);
    if (evidence.kind === "device") keys.push(`device:${evidence.id.toLowerCase()}`);
  }
  return keys;
}

function eventKeys(finding: Finding): string[] {
  return finding.evidence
    .filter((e) => e.kind === "audit" || e.kind === "signin" || e.kind === "riskDetection")
    .map((e) => `event:${e.id}`);
}

function itemKey(item: MaliciousItem | { id: string; kind: string; userId?: string }): string | undefined {
  if (item.kind === "method") return `method:${item.userId ?? ""}/${item.id}`;
  if (item.kind === "device") return `device:${item.id.toLowerCase()}`;
  if (item.kind === "user") return `user:${item.id}`;
  if (EVENT_KINDS.has(item.kind)) return `event:${item.id}`;
  return undefined;
}

export function scoreRun(
  findings: readonly Finding[],
  truth: GroundTruth,
  benignScenario: boolean,
): RunScore {
  const malicious = new Map<string, MaliciousItem>();
  for (const item of truth.malicious) {
    const key = itemKey(item);
    if (key) malicious.set(key, item);
  }
  // Compromised accounts are objects too, whether or not the ground truth lists them as items.
  // (Accounts that were only sprayed at are targets, not compromised: their records are events.)
  const compromised = new Set(truth.scenarios.flatMap((s) => s.compromisedUsers));
  for (const item of truth.malicious) if (item.kind === "user") compromised.add(item.id);
  const benign = new Set(
    truth.benignNoise.map((item) => itemKey(item)).filter((key): key is string => key !== undefined),
  );

  const found = new Set<string>();
  const perDetection = new Map<string, DetectionTally>();
  const falsePositives: Finding[] = [];
  const benignHigh: Finding[] = [];
  let tp = 0;
  let fp = 0;
  for (const finding of findings) {
    if (!counted(finding)) continue;
    const tally = perDetection.get(finding.detectionId) ?? { tp: 0, fp: 0, objectsFound: 0 };
    perDetection.set(finding.detectionId, tally);
    const keys = [...objectKeys(finding), ...eventKeys(finding)];
    const hits = keys.filter((key) => malicious.has(key));
    // An account-level finding on a compromised account points at the compromise itself.
    const accountHit = finding.object.kind === "user" && compromised.has(finding.userId);
    if (hits.length > 0 || accountHit) {
      tp++;
      tally.tp++;
      for (const key of hits) {
        if (!key.startsWith("event:") && !found.has(key)) tally.objectsFound++;
        found.add(key);
      }
      if (compromised.has(finding.userId)) found.add(`user:${finding.userId}`);
    } else {
      fp++;
      tally.fp++;
      falsePositives.push(finding);
      const high = finding.severity === "high" || finding.severity === "critical";
      if (high && (benignScenario || keys.some((key) => benign.has(key)))) benignHigh.push(finding);
    }
  }

  const objectItems = truth.malicious.filter((item) => OBJECT_KINDS.has(item.kind));
  const objectKeysWanted = new Set([
    ...objectItems.map((item) => itemKey(item)!),
    ...[...compromised].map((userId) => `user:${userId}`),
  ]);
  const missed = [...objectKeysWanted]
    .filter((key) => !found.has(key))
    .map(
      (key) =>
        malicious.get(key) ?? {
          id: key.slice(5),
          kind: "user" as const,
          userId: key.slice(5),
          technique: "",
          scenario: "",
          step: 0,
          description: "compromised account",
        },
    );
  const eventItems = truth.malicious.filter((item) => EVENT_KINDS.has(item.kind));
  const covered = new Set(findings.filter(counted).flatMap(eventKeys));
  return {
    tp,
    fp,
    objects: objectKeysWanted.size,
    objectsFound: objectKeysWanted.size - missed.length,
    missed,
    events: eventItems.length,
    eventsCovered: eventItems.filter((item) => covered.has(itemKey(item)!)).length,
    falsePositives,
    benignHigh,
    perDetection,
  };
}

export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 1 : numerator / denominator;
}
