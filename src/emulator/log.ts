/**
 * The emulator's request log: one line per request, only when MFA_EVICT_EMULATOR_LOG=debug, with
 * secrets scrubbed. The emulator keeps its own redaction (it shares no code with the product).
 */

export const LOG_ENV = "MFA_EVICT_EMULATOR_LOG";

const SECRETS: [RegExp, string][] = [
  [/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, "[jwt]"],
  [
    /((?:client_secret|client_assertion|password|temporaryAccessPass|access_token)=)[^&\s]+/gi,
    "$1[redacted]",
  ],
];

export function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRETS) out = out.replace(pattern, replacement);
  return out;
}

export type RequestLogger = (line: string) => void;

export function requestLogger(): RequestLogger | undefined {
  if (process.env[LOG_ENV]?.toLowerCase() !== "debug") return undefined;
  return (line) => process.stderr.write(`[emulator] ${scrub(line)}\n`);
}
