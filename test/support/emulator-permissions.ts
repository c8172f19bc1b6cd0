import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Derives the emulator's route-permission table from Microsoft's permissions.json (the file the
 * Graph docs' permission tables are generated from), for the contract test and for regenerating
 * src/emulator/authz/permission-table.ts.
 */

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const sharedDir = path.resolve(repoRoot, "../shared");
export const permissionsJsonPath = path.join(sharedDir, "reference/graph-metadata/permissions.json");
export const csdlPath = path.join(sharedDir, "reference/graph-metadata/v1.0-cleanMetadata.xml");
export const sharedPresent = existsSync(permissionsJsonPath) && existsSync(csdlPath);

interface PathSet {
  schemeKeys: string[];
  methods: string[];
  paths: Record<string, string>;
}

interface PermissionsJson {
  permissions: Record<string, { pathSets?: PathSet[] }>;
}

export interface DerivedEntry {
  least: string[];
  accepted: string[];
  alsoRequires?: Record<string, string[]>;
}

export function loadPermissionsJson(): PermissionsJson {
  return JSON.parse(readFileSync(permissionsJsonPath, "utf8")) as PermissionsJson;
}

/** `METHOD /lower/case/{id}` → application permissions that grant it; undefined when the file does not list the path. */
export function derivePermission(json: PermissionsJson, key: string): DerivedEntry | undefined {
  const space = key.indexOf(" ");
  const method = key.slice(0, space);
  const wanted = key.slice(space + 1);
  const least = new Set<string>();
  const accepted = new Set<string>();
  const alsoRequires: Record<string, string[]> = {};
  for (const [name, permission] of Object.entries(json.permissions)) {
    for (const set of permission.pathSets ?? []) {
      if (!set.schemeKeys.includes("Application") || !set.methods.includes(method)) continue;
      for (const [p, flags] of Object.entries(set.paths)) {
        if (p.toLowerCase() !== wanted) continue;
        accepted.add(name);
        for (const flag of flags.split(";")) {
          const [k = "", v = ""] = flag.split("=");
          if (k.toLowerCase() === "least" && v.split(",").includes("Application")) least.add(name);
          if (k.toLowerCase() === "alsorequires") alsoRequires[name] = v.split(",").filter(Boolean).sort();
        }
      }
    }
  }
  if (accepted.size === 0) return undefined;
  const entry: DerivedEntry = { least: [...least].sort(), accepted: [...accepted].sort() };
  if (Object.keys(alsoRequires).length > 0) entry.alsoRequires = alsoRequires;
  return entry;
}
