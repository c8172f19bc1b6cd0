import { createHash } from "node:crypto";

/** mfa-evict's namespace for name-based rule UUIDs (a fixed random UUID). */
const NAMESPACE = "5a0f3c62-7d1e-4b8e-9c33-0e8f1d6a2b47";

/**
 * RFC 4122 version-5 UUID of a name: the same rule gets the same Sentinel/Sigma id on every export,
 * so redeploying updates the rule instead of duplicating it.
 */
export function uuidFromName(name: string): string {
  const ns = Buffer.from(NAMESPACE.replaceAll("-", ""), "hex");
  const hash = createHash("sha1").update(ns).update(name, "utf8").digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
