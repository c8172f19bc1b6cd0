import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { RecordKind } from "./kinds.js";
import { prepareBatch, type RowBatch, type RowOutcome } from "./row-writer.js";
import type { RecordWriter, UpsertItem, UpsertResult } from "./types.js";

/** What the writer thread is started with. */
export interface WriterThreadOptions {
  path: string;
  /** Rows per commit: each commit costs a sync, so fewer and larger is faster, while a bounded size keeps the journal and the work a crash would roll back small. */
  commitRows: number;
  /** Page cache (KiB) of the thread's connection: it holds the pages of a commit-sized batch. */
  cacheKib: number;
}

export type ToWriterThread = { type: "write"; batch: RowBatch } | { type: "close" };

/** The thread answers every message, in order. */
export type FromWriterThread =
  | { ok: true; counts?: Record<RowOutcome, number> }
  | { ok: false; message: string };

interface Waiting {
  resolve: (counts: Record<RowOutcome, number> | undefined) => void;
  reject: (error: Error) => void;
}

/**
 * The main-thread side of a bulk load: records are checked, normalized and scrubbed here (so a
 * rejection is known at once), and the rows are written by a thread with its own connection to the
 * case file, so SQLite's work overlaps the reading and parsing of the next batches.
 */
export class ThreadRecordWriter implements RecordWriter {
  private readonly waiting: Waiting[] = [];
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (answer: FromWriterThread) => {
      const next = this.waiting.shift();
      if (answer.ok) next?.resolve(answer.counts);
      else next?.reject(new Error(answer.message));
    });
    worker.on("error", (error) => this.fail(error));
    this.exited = new Promise((resolve) => {
      worker.once("exit", (code) => {
        this.fail(new Error(`the case writer thread stopped (exit code ${code})`));
        resolve();
      });
    });
  }

  static start(options: WriterThreadOptions): ThreadRecordWriter {
    return new ThreadRecordWriter(startThread(options));
  }

  write(kind: RecordKind, items: readonly UpsertItem[]): Promise<UpsertResult> {
    // Prepared now, so the parsed records can be collected while the batch waits for the thread.
    const { batch, rejected } = prepareBatch(kind, items);
    return this.request({ type: "write", batch }).then((counts) => ({
      inserted: 0,
      updated: 0,
      unchanged: 0,
      ...counts,
      rejected,
    }));
  }

  /** Commits what the thread holds and stops it; resolves once the thread has closed the case file. */
  async close(): Promise<void> {
    try {
      if (this.failure === undefined) await this.request({ type: "close" });
    } finally {
      await this.exited;
    }
  }

  private request(message: ToWriterThread): Promise<Record<RowOutcome, number> | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(message);
    });
  }

  /** The thread is gone: nothing it was sent will be answered. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.waiting.splice(0)) waiting.reject(this.failure);
  }
}

function startThread(options: WriterThreadOptions): Worker {
  const self = import.meta.url;
  if (!self.endsWith(".ts"))
    return new Worker(new URL("./bulk-writer-thread.js", self), { workerData: options });
  // Running from the TypeScript sources (tsx, vitest): Node 20 threads do not inherit a loader
  // registered with module.register, so the thread registers tsx itself first. require() resolves
  // tsx's CommonJS API, which fails to do that in a thread; its ESM build sits beside it.
  const api = createRequire(self)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const entry = new URL("./bulk-writer-thread.ts", self).href;
  const code = `import(${JSON.stringify(pathToFileURL(api).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: options });
}
