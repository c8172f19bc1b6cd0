/**
 * Secrets must never reach logs, reports, the case file or error messages. Everything that prints
 * text built from requests, responses or errors passes it through `redactText` / `redactValue`.
 */

const SECRET_KEYS =
  /^(authorization|access_token|refresh_token|id_token|client_secret|client_assertion|password|newpassword|temporaryaccesspass|secretkey|x-ms-client-secret)$/i;

const PATTERNS: [RegExp, string][] = [
  // JWTs (access tokens, client assertions)
  [/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/g, "[redacted-jwt]"],
  // Bearer tokens in headers or messages
  [/(bearer\s+)[\w.~+/=-]{8,}/gi, "$1[redacted]"],
  // form / query parameters and JSON fields that carry secrets
  [
    /((?:client_secret|client_assertion|password|temporaryAccessPass|access_token|refresh_token)["']?\s*[=:]\s*["']?)[^"'&\s,}]+/gi,
    "$1[redacted]",
  ],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Deep copy with secret-bearing fields replaced; strings are scrubbed of embedded tokens. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object" || depth > 20) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) && inner != null ? "[redacted]" : redactValue(inner, depth + 1);
  }
  return out;
}
