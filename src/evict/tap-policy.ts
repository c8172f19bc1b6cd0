import type { AuthenticationMethodsPolicy } from "../graph/types.js";
import type { TapBounds } from "./plan.js";

/** Portal defaults of the TAP method policy (graph-entra.md §3.4), used when the case lacks the policy. */
const PORTAL_DEFAULTS = { minimum: 60, maximum: 480, default: 60 };
const GRAPH_MIN = 10;
const GRAPH_MAX = 43_200;

function minutes(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) && value >= GRAPH_MIN && value <= GRAPH_MAX
    ? value
    : fallback;
}

export function tapBounds(policy: AuthenticationMethodsPolicy | undefined): TapBounds {
  const config = policy?.authenticationMethodConfigurations?.find(
    (c) => c.id.toLowerCase() === "temporaryaccesspass",
  );
  if (!config) {
    return {
      policyState: "unknown",
      minimumLifetimeInMinutes: PORTAL_DEFAULTS.minimum,
      maximumLifetimeInMinutes: PORTAL_DEFAULTS.maximum,
      defaultLifetimeInMinutes: PORTAL_DEFAULTS.default,
      policyForcesUsableOnce: false,
    };
  }
  const minimum = minutes(config.minimumLifetimeInMinutes, PORTAL_DEFAULTS.minimum);
  const maximum = Math.max(minimum, minutes(config.maximumLifetimeInMinutes, PORTAL_DEFAULTS.maximum));
  const fallbackDefault = Math.min(Math.max(PORTAL_DEFAULTS.default, minimum), maximum);
  const defaultLifetime = Math.min(
    Math.max(minutes(config.defaultLifetimeInMinutes, fallbackDefault), minimum),
    maximum,
  );
  return {
    policyState:
      config.state === "enabled" ? "enabled" : config.state === "disabled" ? "disabled" : "unknown",
    minimumLifetimeInMinutes: minimum,
    maximumLifetimeInMinutes: maximum,
    defaultLifetimeInMinutes: defaultLifetime,
    policyForcesUsableOnce: config.isUsableOnce === true,
  };
}

/** The pass the plan issues: the requested lifetime (or the policy default) clamped into the policy's bounds. */
export function tapRequest(
  bounds: TapBounds,
  requested: { lifetimeInMinutes?: number; isUsableOnce?: boolean },
): { lifetimeInMinutes: number; isUsableOnce: boolean } {
  const wanted = requested.lifetimeInMinutes ?? bounds.defaultLifetimeInMinutes;
  const lifetimeInMinutes = Math.min(
    Math.max(wanted, bounds.minimumLifetimeInMinutes),
    bounds.maximumLifetimeInMinutes,
  );
  // One-time by default: a multi-use pass is a standing credential for as long as it lives.
  const isUsableOnce = bounds.policyForcesUsableOnce ? true : (requested.isUsableOnce ?? true);
  return { lifetimeInMinutes, isUsableOnce };
}

/** Whether the TAP policy targets this user (all users, the user, or one of the user's groups). */
export function tapTargetsUser(
  policy: AuthenticationMethodsPolicy | undefined,
  userId: string,
  groupIds: ReadonlySet<string>,
): boolean | undefined {
  const config = policy?.authenticationMethodConfigurations?.find(
    (c) => c.id.toLowerCase() === "temporaryaccesspass",
  );
  if (!config) return undefined;
  const hit = (targets: { id: string }[] | undefined) =>
    (targets ?? []).some((t) => t.id === "all_users" || t.id === userId || groupIds.has(t.id));
  return hit(config.includeTargets) && !hit(config.excludeTargets);
}
