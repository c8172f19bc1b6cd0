import { Router } from "../http/router.js";
import { batchRoute, type Dispatch } from "./batch.js";
import { conditionalAccessRoutes } from "./conditional-access.js";
import { deviceRoutes } from "./devices.js";
import { directoryRoutes } from "./directory.js";
import { intuneRoutes } from "./intune.js";
import { logRoutes } from "./logs.js";
import { methodRoutes } from "./methods.js";
import { policyRoutes } from "./policies.js";
import { protectionRoutes } from "./protection.js";
import { reportRoutes } from "./reports.js";
import { userRoutes } from "./users.js";

/** Every Graph route the emulator serves; `$batch` dispatches back into the same pipeline. */
export function buildRouter(dispatch: () => Dispatch): Router {
  const router = new Router();
  router.addAll([
    ...userRoutes,
    ...methodRoutes,
    ...deviceRoutes,
    ...directoryRoutes,
    ...logRoutes,
    ...reportRoutes,
    ...protectionRoutes,
    ...conditionalAccessRoutes,
    ...policyRoutes,
    ...intuneRoutes,
    batchRoute(dispatch),
  ]);
  return router;
}
