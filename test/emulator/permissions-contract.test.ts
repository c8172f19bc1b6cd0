import { describe, expect, test } from "vitest";
import { NOT_IN_PERMISSIONS_JSON, PERMISSION_TABLE } from "../../src/emulator/authz/permission-table.js";
import { buildRouter } from "../../src/emulator/routes/index.js";
import { derivePermission, loadPermissionsJson, sharedPresent } from "../support/emulator-permissions.js";

/**
 * The emulator's built-in route permissions are Microsoft's permissions.json, not typed by hand:
 * this contract test derives the table from ../shared/reference/graph-metadata/permissions.json
 * and asserts they agree, route by route.
 */

const routes = buildRouter(() => () => ({ status: 500 })).routes;
const keys = [...new Set(routes.map((r) => r.permissionKey))].sort();
const notRun = sharedPresent ? "" : "NOT RUN because ../shared is absent: ";

describe("route permissions", () => {
  test("every route the emulator serves has a permission entry", () => {
    expect(keys.filter((key) => !PERMISSION_TABLE[key])).toEqual([]);
  });

  test.skipIf(!sharedPresent)(
    `${notRun}the built-in table equals the one derived from permissions.json`,
    () => {
      const json = loadPermissionsJson();
      const mismatches: string[] = [];
      const underived: string[] = [];
      for (const key of keys) {
        const derived = derivePermission(json, key);
        if (!derived) {
          underived.push(key);
          continue;
        }
        const builtIn = PERMISSION_TABLE[key];
        if (JSON.stringify(builtIn) !== JSON.stringify(derived)) {
          mismatches.push(
            `${key}: built-in ${JSON.stringify(builtIn)} != derived ${JSON.stringify(derived)}`,
          );
        }
      }
      expect(mismatches).toEqual([]);
      // The hand-kept entries are exactly the routes permissions.json does not list.
      expect(underived.sort()).toEqual(Object.keys(NOT_IN_PERMISSIONS_JSON()).sort());
    },
  );
});
