/**
 * Emulated tenants: the versioned tenant model, the generator, the attack scenarios with ground
 * truth, and tenant files. The emulator server loads a TenantDocument and serves it through Graph;
 * ground truth stays outside it.
 */
export type { Licence } from "./baseline.js";
export { exportTenantFile, loadTenantFile, parseTenantDocument, TenantFileError } from "./file.js";
export { DEFAULT_NOW, type GenerateOptions, generateTenant, LIMITS } from "./generator.js";
export {
  type BenignNoiseItem,
  GROUND_TRUTH_VERSION,
  type GroundTruth,
  type GroundTruthKind,
  type MaliciousItem,
  type ScenarioTruth,
  writeGroundTruthFile,
} from "./ground-truth.js";
export type { ScenarioInfo } from "./scenarios/context.js";
export {
  buildScenario,
  DEFAULT_SEED,
  listScenarios,
  type ScenarioOptions,
  UnknownScenarioError,
} from "./scenarios/index.js";
export * from "./schema.js";
