/** The streams `collect --only` accepts, in the order the summary lists them. */
export const COLLECT_STREAMS = [
  "users",
  "methods",
  "devices",
  "roles",
  "policies",
  "risk",
  "audits",
  "signins",
] as const;
export type CollectStream = (typeof COLLECT_STREAMS)[number];

export function isCollectStream(value: string): value is CollectStream {
  return (COLLECT_STREAMS as readonly string[]).includes(value);
}

/** Parses `--only users,methods` (case-insensitive); throws naming the unknown entries. */
export function parseOnly(text: string | undefined): CollectStream[] {
  if (text === undefined || text.trim() === "") return [...COLLECT_STREAMS];
  const names = text
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((name) => !isCollectStream(name));
  if (unknown.length > 0) {
    throw new RangeError(
      `unknown stream(s) in --only: ${unknown.join(", ")} (known: ${COLLECT_STREAMS.join(", ")})`,
    );
  }
  return COLLECT_STREAMS.filter((stream) => names.includes(stream));
}
