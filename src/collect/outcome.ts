import { GraphError } from "../graph/index.js";
import { redactText } from "../shared/redact.js";
import type { PartOutcome } from "./context.js";

/**
 * Turns a failure into a part outcome: Graph refusing access (403, e.g. a licence the tenant lacks)
 * is a skip with Graph's own code and message; anything else is a failure. Messages are redacted.
 */
export function outcomeFromError(stream: string, part: string, error: unknown, records = 0): PartOutcome {
  if (error instanceof GraphError && (error.status === 403 || error.status === 401)) {
    return {
      stream,
      part,
      status: "skipped",
      records,
      reason: `Graph refused access: ${redactText(error.message)}`,
    };
  }
  const message = redactText(error instanceof Error ? error.message : String(error));
  return { stream, part, status: "failed", records, reason: message };
}

/** Runs one part, turning a thrown error into its outcome so the other parts go on. */
export async function runPart(
  stream: string,
  part: string,
  work: (count: (records: number) => void) => Promise<string | undefined>,
): Promise<PartOutcome> {
  let records = 0;
  try {
    const note = await work((n) => {
      records += n;
    });
    return { stream, part, status: "collected", records, ...(note ? { reason: note } : {}) };
  } catch (error) {
    return outcomeFromError(stream, part, error, records);
  }
}
