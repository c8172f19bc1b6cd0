/**
 * Secrets must never reach the case file. Graph returns a TAP code only in the create response and a
 * password only in what we send, but an imported file or a future endpoint could carry one, so every
 * record is scrubbed on the way in. Fields are kept (set to null) so the record keeps its Graph shape.
 */
const SECRET_FIELDS = new Set([
  "temporaryAccessPass",
  "password",
  "newPassword",
  "secretKey",
  "clientSecret",
]);
const QUOTED_NAMES = [...SECRET_FIELDS].map((name) => `"${name}"`);

/**
 * JSON text of `record` with secret fields nulled. Cheap for the common case: a few substring
 * searches. `json`, when given, is the record's text as read (it must encode the same value) and is
 * reused when it cannot hold a secret.
 */
export function secretFreeJson(record: object, json: string = JSON.stringify(record)): string {
  if (!mayHoldSecret(json)) return json;
  return JSON.stringify(record, (key, value) => (SECRET_FIELDS.has(key) && value != null ? null : value));
}

/**
 * Whether the text may hold a secret field: one named as it is, or any escape sequence, since
 * `"\u0070assword"` is the same field to JSON.parse.
 */
function mayHoldSecret(json: string): boolean {
  return json.includes("\\u") || QUOTED_NAMES.some((name) => json.includes(name));
}
