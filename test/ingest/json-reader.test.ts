import { describe, expect, test } from "vitest";
import { type RawItem, readJsonRecords } from "../../src/ingest/json-reader.js";

async function read(chunks: string[]): Promise<RawItem[]> {
  async function* source() {
    yield* chunks;
  }
  const out: RawItem[] = [];
  for await (const batch of readJsonRecords(source())) out.push(...batch);
  return out;
}

/** Cuts text into pieces of `size` characters, to put chunk boundaries everywhere. */
const pieces = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

const tricky = {
  id: 'a\\"b',
  s: 'quote " backslash \\ brace } bracket ] comma , "value": [',
  nested: { value: [1, 2], records: { x: "}" } },
  u: "\u00e9\u4e2d",
};

describe("readJsonRecords", () => {
  test("a Graph page: records, their lines and the @odata.context, at every chunk size", async () => {
    const page = JSON.stringify(
      {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns",
        value: [tricky, { id: "2" }],
      },
      null,
      2,
    );
    const whole = await read([page]);
    expect(whole).toEqual([
      { line: 4, value: tricky, context: "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns" },
      {
        line: 18,
        value: { id: "2" },
        context: "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns",
      },
    ]);
    for (const size of [1, 2, 3, 7, 64])
      expect(await read(pieces(page, size)), `chunks of ${size}`).toEqual(whole);
  });

  test("Event Hub batches, top-level arrays and single objects", async () => {
    const eh = JSON.stringify({ records: [{ category: "AuditLogs", properties: { id: "a" } }] }, null, 1);
    expect((await read([eh])).map((i) => i.value)).toEqual([
      { category: "AuditLogs", properties: { id: "a" } },
    ]);
    const array = `[\n${JSON.stringify(tricky)},\n{"id":"b"}\n]`;
    expect((await read(pieces(array, 5))).map((i) => [i.line, i.value])).toEqual([
      [2, tricky],
      [3, { id: "b" }],
    ]);
    expect(await read(['{\n  "id": "x"\n}\n'])).toEqual([{ line: 1, value: { id: "x" } }]);
  });

  test("JSON Lines: a bad line costs only that line", async () => {
    const text = `${JSON.stringify({ id: 1 })}\n{"id": 2,}\n\n${JSON.stringify({ value: [{ id: 3 }, { id: 4 }] })}\r\n{"id": 5, "trunc`;
    const items = await read(pieces(text, 4));
    expect(items.map((i) => (i.error === undefined ? i.value : `${i.line}: ${i.error}`))).toEqual([
      { id: 1 },
      "2: invalid JSON: trailing comma before '}'",
      { id: 3 },
      { id: 4 },
      "5: invalid JSON: unterminated string (the record is truncated)",
    ]);
  });

  test("JSON Lines whose first line is broken are still read line by line", async () => {
    const items = await read(['{"id": "a", "x\n{"id": "b"}\n{"id": "c"}\n']);
    expect(items).toEqual([
      { line: 1, error: "invalid JSON: unterminated string (the record is truncated)" },
      { line: 2, value: { id: "b" }, json: '{"id": "b"}' },
      { line: 3, value: { id: "c" }, json: '{"id": "c"}' },
    ]);
    // …while a one-element array printed one element per line is one document.
    expect(await read(['[\n{"id": "a"}\n]\n'])).toEqual([{ line: 2, value: { id: "a" } }]);
  });

  test("a truncated document reports the record it stops in; the records before it are kept", async () => {
    const text = `{"value": [\n{"id": "1"},\n{"id": "2", "x": [1,`;
    const items = await read([text]);
    expect(items).toEqual([
      { line: 2, value: { id: "1" } },
      { line: 3, error: "the file ends inside this record (truncated)" },
    ]);
  });

  test("an invalid record in a document is reported at its own line, its neighbours import", async () => {
    const text = `[\n {"id": "1"},\n {"id": "2",\n  "bad": tru\n },\n {"id": "3"}\n]`;
    const items = await read([text]);
    expect(items).toEqual([
      { line: 2, value: { id: "1" } },
      { line: 4, error: "invalid JSON: unexpected 't'" },
      { line: 6, value: { id: "3" } },
    ]);
  });

  test("garbage and bare values are reported, not fatal", async () => {
    const items = await read(['[\n1, {"id": "a"}, "s"\n]\n', "trailing text\n"]);
    expect(items.filter((i) => i.error !== undefined).map((i) => i.error)).toEqual([
      "a record must be a JSON object, found a bare value",
      "a record must be a JSON object, found a string",
      "text outside any JSON value",
    ]);
    expect(items.filter((i) => i.error === undefined).map((i) => i.value)).toEqual([{ id: "a" }]);
  });
});
