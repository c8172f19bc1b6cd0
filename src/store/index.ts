/** The case store: one SQLite case file that collection and import write and every analysis reads. */
export { openCase } from "./case-store.js";
export { formatCounts } from "./counts-text.js";
export {
  isRecordKind,
  KIND_INFO,
  type KindInfo,
  RECORD_KINDS,
  type RecordKind,
  type RecordTypeMap,
} from "./kinds.js";
export { type CaseSnapshot, STREAMS, type Stream } from "./snapshot.js";
export type {
  CaseCounts,
  CaseStore,
  IterateOptions,
  KindCount,
  OpenCaseOptions,
  OriginCount,
  Provenance,
  ProvenanceSource,
  RecordRejection,
  RecordWriter,
  ReplaceResult,
  SnapshotOptions,
  StoredRecord,
  UpsertItem,
  UpsertResult,
} from "./types.js";
