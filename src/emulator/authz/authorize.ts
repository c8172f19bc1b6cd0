import type { Route } from "../http/router.js";
import { PERMISSION_TABLE, type PermissionEntry } from "./permission-table.js";

/**
 * Route authorization from the application permissions the real endpoint accepts (the built-in
 * table mirrors ../shared/reference/graph-metadata/permissions.json; a contract test keeps them
 * equal). A route passes when the token holds any accepted permission plus whatever that
 * permission "also requires".
 */

export function permissionEntry(route: Route): PermissionEntry | undefined {
  return PERMISSION_TABLE[route.permissionKey];
}

/**
 * A ReadWrite permission also grants what its Read twin grants (`IdentityRiskyUser.ReadWrite.All`
 * reads risky users): permissions.json sometimes lists only the Read permission for a GET, while
 * the service and the docs' "higher privileged" column accept both.
 */
function withImpliedReads(roles: readonly string[]): Set<string> {
  let held = impliedCache.get(roles);
  if (!held) {
    held = new Set(roles);
    for (const role of roles)
      if (role.includes(".ReadWrite.")) held.add(role.replace(".ReadWrite.", ".Read."));
    impliedCache.set(roles, held);
  }
  return held;
}

/** Per token: the verified-token cache hands out the same roles array for every request. */
const impliedCache = new WeakMap<readonly string[], Set<string>>();

/**
 * "The broad permission UserAuthenticationMethod.ReadWrite.All works for every collection"
 * (graph-entra.md §3.1), though permissions.json lists only the per-method permission for some
 * (e.g. fido2Methods list).
 */
function broadMethodPermissionApplies(route: Route, held: Set<string>): boolean {
  if (!route.permissionKey.includes(" /users/{id}/authentication/")) return false;
  if (held.has("UserAuthenticationMethod.ReadWrite.All")) return true;
  return route.method === "GET" && held.has("UserAuthenticationMethod.Read.All");
}

export function isAuthorized(route: Route, roles: readonly string[]): boolean {
  const entry = permissionEntry(route);
  if (!entry) return false;
  if (entry.accepted.length === 0) return true;
  const held = withImpliedReads(roles);
  if (broadMethodPermissionApplies(route, held)) return true;
  return entry.accepted.some(
    (permission) =>
      held.has(permission) && (entry.alsoRequires?.[permission] ?? []).every((p) => held.has(p)),
  );
}
