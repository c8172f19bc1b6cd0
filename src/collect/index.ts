/** Live collection from Microsoft Graph into a case file (resumable, incremental). */
export { type CollectOptions, type CollectSummary, collectCase, RUN_CHECKPOINT } from "./collect.js";
export type { PartOutcome, UserScope } from "./context.js";
export {
  collectLogStream,
  LATE_ARRIVAL_MS,
  type LogCheckpoint,
  type LogStreamSpec,
  windowsToFetch,
} from "./log-stream.js";
export { type PreflightResult, preflight, STREAM_PARTS } from "./preflight.js";
export { barProgress, lineProgress, type ProgressReporter, silentProgress } from "./progress.js";
export { DEFAULT_SINCE, parseSince } from "./since.js";
export { COLLECT_STREAMS, type CollectStream, parseOnly } from "./streams.js";
export { exitCodeFor, formatSummary } from "./summary.js";
export { parseUserScope } from "./user-scope.js";
