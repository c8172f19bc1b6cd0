/**
 * Secrets must never reach the case file. Graph returns a TAP code only in the create response and a
 * password only in what we send, but an imported file or a future endpoint could carry one, so every
 * record is scrubbed on the way in. Fields are kept (set to null) so the record keeps its Graph shape.
 *
 * The secret fields, each with the tail of its name that is searched for first: a search is many times
 * faster when its first character is rare in JSON text (measured: a quote or a common letter first
 * made the check cost a third of a JSON.parse of the line).
 */
const SEARCHES = (
  [
    ["temporaryAccessPass", "AccessPass"],
    ["password", "password"],
    ["newPassword", "Password"],
    ["secretKey", "Key"],
    ["clientSecret", "Secret"],
  ] as const
).map(([name, tail]) => ({ name, needle: `${tail}"`, back: name.length - tail.length + 1 }));
const SECRET_FIELDS = new Set<string>(SEARCHES.map((search) => search.name));

/**
 * JSON text of `record` with secret fields nulled. `json`, when given, is the record's text as read
 * (it must encode the same value) and is reused when it holds no secret field.
 */
export function secretFreeJson(record: object, json: string = JSON.stringify(record)): string {
  if (!mayHoldSecret(json)) return json;
  return JSON.stringify(record, (key, value) => (SECRET_FIELDS.has(key) && value != null ? null : value));
}

/**
 * Whether the text has a secret field as a key (`"password":`, not a value like "Correct
 * password"), or any escape sequence, since `"\u0070assword"` is the same field to JSON.parse.
 */
function mayHoldSecret(json: string): boolean {
  if (json.includes("\\u")) return true;
  for (const { name, needle, back } of SEARCHES) {
    for (let at = json.indexOf(needle); at !== -1; at = json.indexOf(needle, at + 1)) {
      const start = at - back;
      if (
        json.charCodeAt(start) === QUOTE &&
        json.startsWith(name, start + 1) &&
        colonFollows(json, at + needle.length)
      )
        return true;
    }
  }
  return false;
}

const QUOTE = 0x22;
const COLON = 0x3a;

/** Whether the next character after `from` that is not JSON whitespace is a colon. */
function colonFollows(json: string, from: number): boolean {
  let i = from;
  while (i < json.length && " \t\r\n".includes(json[i]!)) i++;
  return json.charCodeAt(i) === COLON;
}
