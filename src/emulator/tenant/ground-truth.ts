/**
 * Ground truth: what is malicious in a scenario tenant and what only looks alarming. It is written
 * next to the tenant (`--ground-truth FILE`) and never served through Graph; detection is scored
 * against it and eviction is checked with it.
 */
import { writeFileSync } from "node:fs";

export const GROUND_TRUTH_VERSION = 1;

export type GroundTruthKind = "method" | "device" | "audit" | "signIn" | "riskDetection" | "user" | "session";

export interface MaliciousItem {
  /** The object id (method, device, user, session) or record id (audit, sign-in, risk detection). */
  id: string;
  kind: GroundTruthKind;
  userId?: string;
  /** MITRE ATT&CK technique, e.g. "T1098.005". */
  technique: string;
  scenario: string;
  /** 1-based position of the attack step in the scenario timeline. */
  step: number;
  description: string;
}

export interface BenignNoiseItem {
  id: string;
  kind: GroundTruthKind;
  userId?: string;
  /** Why it looks alarming and why it is legitimate. */
  why: string;
}

export interface ScenarioTruth {
  name: string;
  description: string;
  techniques: string[];
  compromisedUsers: string[];
  indicators: { ips: string[]; phoneNumbers: string[]; deviceNames: string[]; asns: number[] };
}

export interface GroundTruth {
  groundTruthVersion: typeof GROUND_TRUTH_VERSION;
  tenantId: string;
  seed: string;
  now: string;
  scenarios: ScenarioTruth[];
  malicious: MaliciousItem[];
  benignNoise: BenignNoiseItem[];
}

/** Writes ground truth as pretty JSON (stable key order: it is built deterministically). */
export function writeGroundTruthFile(truth: GroundTruth, path: string): void {
  writeFileSync(path, `${JSON.stringify(truth, null, 2)}\n`, "utf8");
}
