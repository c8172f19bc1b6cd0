import { randomInt } from "node:crypto";

/**
 * A strong random password, generated locally with the OS CSPRNG: 24 characters with every Entra
 * complexity class present (upper, lower, digit, symbol) and no look-alike characters, well within
 * Entra's 256-character limit. Only symbols Entra accepts are used.
 */
const CLASSES = [
  "ABCDEFGHJKLMNPQRSTUVWXYZ",
  "abcdefghijkmnopqrstuvwxyz",
  "23456789",
  "!@#$%^&*-_=+?.",
] as const;
const ALL = CLASSES.join("");

export function generatePassword(length = 24): string {
  if (length < CLASSES.length) throw new RangeError("password too short to hold every character class");
  const chars = CLASSES.map((set) => set[randomInt(set.length)]!);
  while (chars.length < length) chars.push(ALL[randomInt(ALL.length)]!);
  // Fisher–Yates so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}
