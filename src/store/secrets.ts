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
const SECRET_HINT = /"(?:temporaryAccessPass|password|newPassword|secretKey|clientSecret)"\s*:\s*(?!null)/;

/**
 * JSON text of `record` with secret fields nulled. Cheap for the common case: one regex test.
 * `json`, when given, is the record's text as read (it must encode the same value) and is reused.
 */
export function secretFreeJson(record: object, json: string = JSON.stringify(record)): string {
  if (!mayHoldSecret(json) || !SECRET_HINT.test(json)) return json;
  return JSON.stringify(record, (key, value) => (SECRET_FIELDS.has(key) && value != null ? null : value));
}

/** Substring pre-check (much faster than the regex over a whole record): every secret field name contains one. */
function mayHoldSecret(json: string): boolean {
  return json.includes("Pass") || json.includes("password") || json.includes("ecret");
}
