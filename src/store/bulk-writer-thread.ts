/**
 * The writer thread of a bulk load (see bulk-writer.ts): its own connection to the case file, one
 * long transaction committed every `commitRows` rows, each batch a savepoint of it, so a batch that
 * fails leaves nothing behind while the batches before it stay.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { FromWriterThread, ToWriterThread, WriterThreadOptions } from "./bulk-writer.js";
import { RowWriter } from "./row-writer.js";

const options = workerData as WriterThreadOptions;
const port = parentPort!;
const db = new Database(options.path, { fileMustExist: true });
db.pragma("busy_timeout = 10000");
db.pragma("synchronous = NORMAL");
db.pragma(`cache_size = -${options.cacheKib}`);
const writer = new RowWriter(db);
let sinceCommit = 0;

port.on("message", (message: ToWriterThread) => {
  let answer: FromWriterThread;
  try {
    if (message.type === "close") {
      if (db.inTransaction) db.exec("COMMIT");
      answer = { ok: true };
    } else {
      if (!db.inTransaction) db.exec("BEGIN IMMEDIATE");
      const { batch } = message;
      const counts = db.transaction(() => writer.writeBatch(batch))();
      sinceCommit += batch.rows.length;
      if (sinceCommit >= options.commitRows) {
        db.exec("COMMIT");
        sinceCommit = 0;
      }
      answer = { ok: true, counts };
    }
  } catch (error) {
    writer.forgetOrigins();
    answer = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  if (message.type === "close") db.close();
  port.postMessage(answer);
  // With its port closed the thread has nothing left to do, and ends.
  if (message.type === "close") port.close();
});
