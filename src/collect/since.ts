/**
 * `--since 30d` / `12h` / `90m` / an ISO date: the start of the log window. Entra keeps 30 days of
 * logs with P1/P2 (7 without), so 30 days is the default.
 */
export const DEFAULT_SINCE = "30d";

const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

export function parseSince(text: string, now: Date = new Date()): Date {
  const trimmed = text.trim();
  const relative = /^(\d+)\s*([mhdw])$/i.exec(trimmed);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]!.toLowerCase()]!);
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const date = new Date(trimmed);
    if (!Number.isNaN(date.getTime())) {
      if (date.getTime() > now.getTime()) throw new RangeError(`--since ${text} is in the future`);
      return date;
    }
  }
  throw new RangeError(`--since must be a duration like 30d, 12h, 90m, 2w or an ISO date, not '${text}'`);
}
