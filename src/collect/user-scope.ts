import { readFileSync } from "node:fs";
import type { UserScope } from "./context.js";

/**
 * `--users`: an OData `$filter` over users written by the responder (passed to Graph as written —
 * it is their filter, not one we build), a comma-separated list of UPNs or object ids, or
 * `@file` with one UPN or id per line.
 */
export function parseUserScope(text: string | undefined): UserScope | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const trimmed = text.trim();
  if (trimmed.startsWith("@")) {
    const path = trimmed.slice(1);
    let content: string;
    try {
      content = readFileSync(path, "utf8");
    } catch (error) {
      throw new RangeError(
        `--users ${trimmed}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const list = content
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"));
    if (list.length === 0) throw new RangeError(`--users ${trimmed}: the file names no users`);
    return { list };
  }
  if (/\s(eq|ne|ge|le|gt|lt|in|and|or)\s|^\w+\(/i.test(trimmed)) return { filter: trimmed };
  return {
    list: trimmed
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
  };
}
