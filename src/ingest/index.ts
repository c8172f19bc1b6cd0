/** Import of exported Entra logs (Graph JSON, JSON Lines, Log Analytics, Event Hub, portal CSV) into a case. */
export {
  type FileImportSummary,
  type ImportOptions,
  type ImportSummary,
  importFile,
  importFiles,
  type Rejection,
} from "./import.js";
export { formatImportSummary } from "./summary-text.js";
