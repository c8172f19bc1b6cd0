import type { Detection } from "../detection.js";
import { adminRegistered } from "./admin-registered.js";
import { afterRisk } from "./after-risk.js";
import { bulkDevices } from "./bulk-devices.js";
import { deviceJoin } from "./device-join.js";
import { dormantOrWeak } from "./dormant-or-weak.js";
import { legacyStrongAuth } from "./legacy-strong-auth.js";
import { mfaFatigue } from "./mfa-fatigue.js";
import { sharedMethod } from "./shared-method.js";
import { simSwap } from "./sim-swap.js";
import { toolTraces } from "./tool-traces.js";
import { unprotectedRegistration } from "./unprotected-registration.js";
import { unusualOrigin } from "./unusual-origin.js";

/** Every detection, in the order of issue #6. */
export const DETECTIONS: readonly Detection[] = [
  unusualOrigin,
  afterRisk,
  dormantOrWeak,
  sharedMethod,
  mfaFatigue,
  simSwap,
  deviceJoin,
  bulkDevices,
  toolTraces,
  adminRegistered,
  legacyStrongAuth,
  unprotectedRegistration,
];
