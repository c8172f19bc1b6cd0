/** The scenario registry and buildScenario: a generated tenant plus an attack and its ground truth. */
import { DEFAULT_NOW, finalizeWorld, generateWorld } from "../generator.js";
import { GROUND_TRUTH_VERSION, type GroundTruth, type MaliciousItem } from "../ground-truth.js";
import type { TenantDocument } from "../schema.js";
import { adminPersistence } from "./admin-persistence.js";
import { apt29Dormant } from "./apt29-dormant.js";
import { benignNoise } from "./benign-noise.js";
import { bulkJoin } from "./bulk-join.js";
import { ScenarioContext, type ScenarioDefinition, type ScenarioInfo } from "./context.js";
import { DEMO_PARTS, demo } from "./demo.js";
import { deviceCodePrt } from "./device-code-prt.js";
import { mfaFatigue } from "./mfa-fatigue.js";
import { simSwap } from "./sim-swap.js";

const SCENARIOS: readonly ScenarioDefinition[] = [
  apt29Dormant,
  simSwap,
  mfaFatigue,
  deviceCodePrt,
  bulkJoin,
  adminPersistence,
  benignNoise,
  demo,
];

export function listScenarios(): ScenarioInfo[] {
  return SCENARIOS.map(({ name, description, techniques }) => ({
    name,
    description,
    techniques: [...techniques],
  }));
}

export interface ScenarioOptions {
  users?: number;
  days?: number;
  seed?: string | number;
  now?: Date;
  /** Role template ids of the responder app (default: Privileged Authentication Administrator). */
  responderRoles?: readonly string[];
}

export class UnknownScenarioError extends Error {
  constructor(readonly scenario: string) {
    super(`unknown scenario "${scenario}"; known scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}`);
    this.name = "UnknownScenarioError";
  }
}

/** The default seed of a scenario, so `--scenario X` alone is reproducible. */
export const DEFAULT_SEED = "mfa-evict";

export function buildScenario(
  name: string,
  options: ScenarioOptions = {},
): { tenant: TenantDocument; groundTruth: GroundTruth } {
  const def = SCENARIOS.find((s) => s.name === name);
  if (!def) throw new UnknownScenarioError(name);
  const seed = options.seed ?? DEFAULT_SEED;
  if (options.users !== undefined && options.users < def.defaults.minUsers) {
    throw new RangeError(
      `scenario ${name} needs at least ${def.defaults.minUsers} users (got ${options.users})`,
    );
  }
  const world = generateWorld({
    users: options.users ?? def.defaults.users,
    days: options.days ?? def.defaults.days,
    seed,
    now: options.now ?? DEFAULT_NOW,
    ...(options.responderRoles ? { responderRoles: options.responderRoles } : {}),
    ...(def.prepare ? { beforeHistory: def.prepare } : {}),
  });
  const malicious: MaliciousItem[] = [];
  const claimed = new Set<string>();
  const parts = def === demo ? DEMO_PARTS : [def];
  const contexts = parts.map((part) => {
    const ctx = new ScenarioContext(world, part, malicious, claimed);
    part.apply(ctx);
    return ctx;
  });
  const tenant = finalizeWorld(world);
  const groundTruth: GroundTruth = {
    groundTruthVersion: GROUND_TRUTH_VERSION,
    tenantId: tenant.tenant.id,
    seed: String(seed),
    now: new Date(world.nowMs).toISOString(),
    scenarios: contexts.map((c) => c.truth),
    malicious,
    benignNoise: world.benignNoise,
  };
  return { tenant, groundTruth };
}
