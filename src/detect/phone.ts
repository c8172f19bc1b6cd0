import { parsePhoneNumberFromString } from "libphonenumber-js";

/**
 * Phone numbers as Entra shows them ("+1 5555551234", "+44 7911123456") normalised to E.164 so the
 * same number on two users compares equal however it was typed. Numbers without a country code
 * cannot be normalised reliably and are compared by digits only.
 */
const normalized = new Map<string, string | undefined>();

export function normalizePhone(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  // Parsing is slow (~0.1 ms) and the same numbers recur across inventory and audits.
  if (normalized.has(raw)) return normalized.get(raw);
  const result = parse(raw);
  if (normalized.size >= 200_000) normalized.clear();
  normalized.set(raw, result);
  return result;
}

function parse(raw: string): string | undefined {
  const text = raw.trim();
  if (!text) return undefined;
  const parsed = parsePhoneNumberFromString(text.startsWith("+") ? text : `+${text}`);
  if (parsed?.number) return parsed.number;
  const digits = text.replace(/\D/g, "");
  return digits.length >= 6 ? `+${digits}` : undefined;
}

/** ISO country of a number, e.g. "US"; undefined when the number is ambiguous or unparseable. */
export function phoneCountry(e164: string | undefined): string | undefined {
  if (!e164) return undefined;
  return parsePhoneNumberFromString(e164)?.country;
}

/** Country calling code ("1", "44") — what the number says for sure even when the country is shared. */
export function phoneCallingCode(e164: string | undefined): string | undefined {
  if (!e164) return undefined;
  return parsePhoneNumberFromString(e164)?.countryCallingCode;
}
