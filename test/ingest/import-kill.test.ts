import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { importFile } from "../../src/ingest/index.js";
import { openCase } from "../../src/store/index.js";

/**
 * An import large enough to be written by the store's writer thread, killed with SIGKILL after its
 * first commit (at 50,000 rows) and run again: the case must end up exactly as one uninterrupted
 * import leaves it.
 */
const RECORDS = 70_000;
const repoRoot = path.resolve(import.meta.dirname, "../..");
let dir: string;
let file: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mfa-evict-import-kill-"));
  file = path.join(dir, "signins.jsonl");
  const lines: string[] = [];
  for (let i = 0; i < RECORDS; i++) {
    lines.push(
      JSON.stringify({
        id: `sign-in-${i}`,
        createdDateTime: new Date(Date.UTC(2026, 4, 1) + i * 1000).toISOString(),
        userId: `user-${i % 500}`,
        userPrincipalName: `user${i % 500}@contoso.com`,
        appDisplayName: "Azure Portal",
        ipAddress: `203.0.${(i >> 8) & 255}.${i & 255}`,
        status: { errorCode: i % 11 === 0 ? 50074 : 0 },
        location: { city: "Redmond", countryOrRegion: "US" },
        userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
        authenticationDetails: [{ authenticationMethod: "Password", succeeded: true }],
      }),
    );
  }
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Imports `file` into `casePath` in a child that prints each progress count on its own line. */
function startImport(casePath: string) {
  const script = `
    import { importFile } from "./src/ingest/index.ts";
    import { openCase } from "./src/store/index.ts";
    const store = openCase(${JSON.stringify(casePath)});
    await importFile(store, ${JSON.stringify(file)}, { onProgress: (p) => console.log(p.records) });
    store.close();`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on("exit", (code, signal) => resolve(signal ?? code)),
  );
  return { child, exited, output: () => output };
}

function contentsOf(casePath: string) {
  const store = openCase(casePath, { readonly: true });
  try {
    const provenance = store.db
      .prepare(
        `SELECT r.key, o.source, o.origin, p.detail FROM provenance p JOIN records r ON r.id = p.record_id
         JOIN origins o ON o.id = p.origin_id ORDER BY r.key, o.source, o.origin`,
      )
      .all();
    return { records: [...store.iterate("signIns")], provenance };
  } finally {
    store.close();
  }
}

test("an import killed with SIGKILL mid-load and run again leaves the case of an uninterrupted import", async () => {
  const reference = path.join(dir, "reference.db");
  const store = openCase(reference);
  expect((await importFile(store, file)).imported).toBe(RECORDS);
  store.close();

  const killed = path.join(dir, "killed.db");
  const first = startImport(killed);
  const deadline = Date.now() + 60_000;
  // A progress count of 50,000 or more is reported after the writer thread's first commit.
  while (!/^(5|6)\d{4}$/m.test(first.output())) {
    if (Date.now() > deadline) throw new Error(`no progress past 50,000: ${first.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  first.child.kill("SIGKILL");
  expect(await first.exited).toBe("SIGKILL");
  // The rows of the first commit survived the kill; the rest were rolled back on open.
  const survived = contentsOf(killed).records.length;
  expect(survived).toBeGreaterThanOrEqual(50_000);
  expect(survived).toBeLessThan(RECORDS);

  const second = startImport(killed);
  expect(await second.exited).toBe(0);
  expect(contentsOf(killed)).toEqual(contentsOf(reference));
}, 120_000);
