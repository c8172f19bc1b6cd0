import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { GENESIS_HASH, Journal } from "../../src/journal/journal.js";
import type { CaseStore } from "../../src/store/index.js";
import { openCase } from "../../src/store/index.js";

let dir: string;
let store: CaseStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-"));
  store = openCase(path.join(dir, "case.sqlite"));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function fill(journal: Journal, n: number) {
  for (let i = 0; i < n; i++) {
    journal.append({ actor: "evict", runId: "plan-1", kind: "step.begin", subject: `s${i}`, payload: { i } });
  }
}

describe("journal", () => {
  test("chains entries from the genesis hash and verifies", () => {
    const journal = new Journal(store);
    fill(journal, 5);
    const entries = journal.entries();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect(journal.verify()).toEqual({ ok: true, entries: 5, head: entries[4]!.hash });
  });

  test("survives reopening the case and continues the chain", () => {
    fill(new Journal(store), 2);
    store.close();
    store = openCase(path.join(dir, "case.sqlite"));
    const journal = new Journal(store);
    fill(journal, 1);
    expect(journal.verify()).toMatchObject({ ok: true, entries: 3 });
    expect(journal.entries({ subject: "s0" })).toHaveLength(2);
  });

  test("refuses UPDATE and DELETE", () => {
    const journal = new Journal(store);
    fill(journal, 2);
    expect(() => store.db.prepare("UPDATE journal_entries SET kind = 'x' WHERE seq = 1").run()).toThrow(
      /append-only/,
    );
    expect(() => store.db.prepare("DELETE FROM journal_entries WHERE seq = 2").run()).toThrow(/append-only/);
  });

  test("detects an altered entry, and a removed one, at the right place", () => {
    const journal = new Journal(store);
    fill(journal, 4);
    // An attacker with file access can drop the triggers; the chain still gives them away.
    store.db.exec("DROP TRIGGER journal_entries_no_update; DROP TRIGGER journal_entries_no_delete;");
    store.db.prepare(`UPDATE journal_entries SET payload = '{"i":99}' WHERE seq = 3`).run();
    expect(journal.verify()).toMatchObject({
      ok: false,
      entries: 2,
      failure: { seq: 3, reason: expect.stringMatching(/altered/) },
    });
    store.db.prepare(`UPDATE journal_entries SET payload = '{"i":2}' WHERE seq = 3`).run();
    expect(journal.verify().ok).toBe(true);
    store.db.prepare("DELETE FROM journal_entries WHERE seq = 2").run();
    expect(journal.verify()).toMatchObject({
      ok: false,
      failure: { seq: 3, reason: expect.stringMatching(/removed/) },
    });
  });

  test("redacts secrets in payloads before storing them", () => {
    const journal = new Journal(store);
    journal.append({
      actor: "evict",
      runId: "r",
      kind: "step.end",
      payload: { temporaryAccessPass: "+drkzqAD", nested: { password: "Sup3r-Secret!" }, note: "ok" },
    });
    const raw = store.db.prepare("SELECT payload FROM journal_entries").pluck().get() as string;
    expect(raw).not.toContain("drkzqAD");
    expect(raw).not.toContain("Sup3r-Secret");
    expect(journal.verify().ok).toBe(true);
  });
});
