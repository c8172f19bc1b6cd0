import fs from "node:fs";
import path from "node:path";

/**
 * The public sample logs in ../shared/data (beside the repository; absent on a user's fresh clone,
 * where the tests that read them are skipped and say so).
 */
export const sharedDataDir = path.resolve(import.meta.dirname, "../../../shared/data");
export const sharedDataAvailable = fs.existsSync(sharedDataDir);

/** Every data file of the set, sorted (documentation and licence files are not data). */
export function sharedDataFiles(dataDir = sharedDataDir): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(json|jsonl|log|csv)$/i.test(entry.name)) out.push(full);
    }
  };
  walk(dataDir);
  return out.sort();
}
