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

export function isAuthorized(route: Route, roles: readonly string[]): boolean {
  const entry = permissionEntry(route);
  if (!entry) return false;
  if (entry.accepted.length === 0) return true;
  const held = new Set(roles);
  return entry.accepted.some(
    (permission) =>
      held.has(permission) && (entry.alsoRequires?.[permission] ?? []).every((p) => held.has(p)),
  );
}
