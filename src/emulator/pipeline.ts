import { isAuthorized } from "./authz/authorize.js";
import { errorResponse, GraphHttpError } from "./http/errors.js";
import type { Route, RouteMatch, Router } from "./http/router.js";
import type { EmuRequest, EmuResponse } from "./http/types.js";
import type { EmulatorState } from "./state/state.js";
import { resourceUnitCost, type Throttler } from "./throttle/throttle.js";

/**
 * One Graph request from route match to answer: authorization, throttling, the handler, and
 * Graph's error envelope for anything that goes wrong. The HTTPS server and `$batch` both call it.
 */
export class GraphPipeline {
  constructor(
    readonly router: Router,
    readonly state: EmulatorState,
    readonly throttler: Throttler,
  ) {}

  handle(req: EmuRequest, inBatch = false): EmuResponse {
    const segments = this.rewriteAlternateKeys(req.path.split("/").filter(Boolean));
    const match = this.router.match(req.method, req.version, segments);
    if (match === undefined) {
      return errorResponse(
        400,
        "BadRequest",
        `Resource not found for the segment '${segments.at(-1) ?? ""}'.`,
        req,
      );
    }
    if (match === "methodNotAllowed") {
      return errorResponse(
        405,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
        req,
      );
    }
    return this.run(match, req, inBatch);
  }

  private run({ route, params }: RouteMatch, req: EmuRequest, inBatch: boolean): EmuResponse {
    if (!isAuthorized(route, req.caller.roles)) return forbidden(route, req);
    const isWrite = route.method !== "GET";
    const decision = this.throttler.check({
      appId: req.caller.appId,
      tenantId: req.caller.tenantId,
      throttle: route.throttle,
      isWrite,
      cost: resourceUnitCost(route.cost ?? 1, isWrite, req.query),
      deviceWriteUserId:
        isWrite && route.pattern.startsWith("/devices/") ? this.deviceOwner(params) : undefined,
      alsoReports: route.throttle === "methods" && this.state.behaviour.methodReadsCountAsReports,
    });
    if (decision.throttled) {
      const headers: Record<string, string> = { ...decision.headers };
      const { retryAfterSeconds, scope, information } = decision.throttled;
      if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
      if (scope) headers["x-ms-throttle-scope"] = scope;
      if (information) headers["x-ms-throttle-information"] = information;
      const status = inBatch ? this.state.behaviour.batchThrottledItemStatus : 429;
      return errorResponse(status, "TooManyRequests", "Please retry again later.", req, headers, {
        code: "429",
        message: "Please retry after",
        status: "429",
      });
    }
    try {
      const response = route.handler({ req, params, state: this.state });
      return { ...response, headers: { ...decision.headers, ...response.headers } };
    } catch (error) {
      if (error instanceof GraphHttpError) {
        return errorResponse(error.status, error.code, error.message, req, {
          ...decision.headers,
          ...error.headers,
        });
      }
      throw error;
    }
  }

  /** The owner of the device a device write targets: device writes are limited per user too. */
  private deviceOwner(params: Record<string, string>): string | undefined {
    const device = params.deviceId ? this.state.devices.get(params.deviceId) : undefined;
    return device?.ownerIds[0] ?? device?.userIds[0];
  }

  /** `devices(deviceId='…')` and `directoryRoles(roleTemplateId='…')` alternate keys → object ids. */
  private rewriteAlternateKeys(segments: string[]): string[] {
    const first = segments[0];
    if (!first?.includes("(")) return segments;
    const device = /^devices\(deviceId='(.*)'\)$/i.exec(first);
    if (device) {
      const deviceId = device[1]!.replace(/''/g, "'");
      const found = [...this.state.devices.values()].find((d) => d.deviceId === deviceId);
      return ["devices", found?.id ?? `deviceId:${deviceId}`, ...segments.slice(1)];
    }
    const role = /^directoryRoles\(roleTemplateId='(.*)'\)$/i.exec(first);
    if (role) return ["directoryRoles", role[1]!, ...segments.slice(1)];
    return segments;
  }
}

function forbidden(route: Route, req: EmuRequest): EmuResponse {
  if (route.throttle === "methods")
    return errorResponse(403, "accessDenied", "Request Authorization failed", req);
  if (route.throttle === "reports") {
    return errorResponse(
      403,
      "Authentication_MSGraphPermissionMissing",
      "Calling principal does not have required MSGraph permissions AuditLog.Read.All",
      req,
    );
  }
  return errorResponse(
    403,
    "Authorization_RequestDenied",
    "Insufficient privileges to complete the operation.",
    req,
  );
}
