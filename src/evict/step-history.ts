import type { JournalEntry } from "../journal/journal.js";

/**
 * What the journal says about one step across runs: whether it completed, and the earliest attempt
 * that may have reached Graph without a recorded outcome (killed between its begin and end entries,
 * or ended by an error that does not prove Graph refused it).
 */
export interface StepHistory {
  completed?: JournalEntry;
  /** The earliest attempt that may have reached Graph without a recorded outcome (its begin entry). */
  uncertain?: JournalEntry;
  attempts: number;
}

export function historyOf(entries: readonly JournalEntry[]): StepHistory {
  const history: StepHistory = { attempts: 0 };
  let open: JournalEntry | undefined;
  for (const entry of entries) {
    if (entry.kind === "step.begin") {
      history.uncertain ??= open;
      open = entry;
      history.attempts += 1;
    } else if (entry.kind === "step.end") {
      const outcome = entry.payload.outcome;
      if (outcome === "done" || outcome === "alreadyDone") history.completed = entry;
      else if (entry.payload.definite !== true) history.uncertain ??= open;
      open = undefined;
    }
  }
  if (!history.completed) history.uncertain ??= open;
  return history;
}
