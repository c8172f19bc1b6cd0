import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type DetectionResult, detect } from "../src/detect/engine.js";
import { importFiles } from "../src/ingest/index.js";
import { openCase } from "../src/store/index.js";
import { sharedDataFiles } from "../test/support/shared-data.js";

/**
 * Every public sample file in ../shared/data, imported through the product's importer into one
 * case and run through detection: real exports are the check that detection reads real shapes.
 */
export interface SharedDataRun {
  files: { file: string; records: number; rejected: number }[];
  result: DetectionResult;
  records: { signIns: number; audits: number; riskDetections: number };
}

export async function detectSharedData(dataDir: string): Promise<SharedDataRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mfa-evict-eval-shared-"));
  const store = openCase(path.join(dir, "case.db"));
  try {
    const summary = await importFiles(store, sharedDataFiles(dataDir));
    const snapshot = store.snapshot();
    return {
      files: summary.files.map((file) => ({
        file: path.relative(dataDir, file.file),
        records: Object.values(file.byKind).reduce((a, b) => a + b, 0),
        rejected: file.rejections.length,
      })),
      result: detect(snapshot),
      records: {
        signIns: snapshot.signIns.length,
        audits: snapshot.audits.length,
        riskDetections: snapshot.riskDetections.length,
      },
    };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
