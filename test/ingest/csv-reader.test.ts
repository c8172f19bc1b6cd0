import { expect, test } from "vitest";
import { readCsvRecords } from "../../src/ingest/csv-reader.js";

async function batchesOf(text: string) {
  async function* source() {
    yield text;
  }
  const sizes: number[] = [];
  const lines: number[] = [];
  for await (const batch of readCsvRecords(source(), () => {})) {
    sizes.push(batch.length);
    lines.push(...batch.map((item) => item.line));
  }
  return { sizes, lines };
}

test("a batch holds at most 500 rows, and about 1 MB of text: the importer keeps 32 batches in flight", async () => {
  const small = ["Id,Value", ...Array.from({ length: 1200 }, (_, i) => `${i},x`)].join("\n");
  expect((await batchesOf(small)).sizes).toEqual([500, 500, 200]);

  // Rows of 300 KB: a batch closes at the row that crosses 1 MB.
  const big = ["Id,Value", ...Array.from({ length: 10 }, (_, i) => `${i},${"y".repeat(300_000)}`)].join("\n");
  const { sizes, lines } = await batchesOf(big);
  expect(sizes).toEqual([4, 4, 2]);
  expect(lines).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
});
