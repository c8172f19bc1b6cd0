/**
 * Import benchmark (issue #5):
 * 1. throughput: `mfa-evict import` of a generated JSON Lines file of sign-ins against a bare
 *    `JSON.parse` of the same lines (goal: import at ≥ 0.5× the speed of JSON.parse alone);
 * 2. memory: peak RSS of a child process importing a ≥ 2 GB generated file (goal < 500 MB).
 * Files are generated in a temporary directory and deleted afterwards. The generated file is synced
 * before timing, so its write-back is charged to neither side, and the two sides are timed
 * alternately RUNS times, each into a fresh case; the figures are the medians.
 *
 *   npx tsx bench/import.ts [--records N] [--size-gb N]   (--size-gb 0 skips the memory run)
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { importFile } from "../src/ingest/index.js";
import { openCase } from "../src/store/index.js";

export interface ImportBenchResult {
  records: number;
  fileMb: number;
  runs: number;
  /** Medians of wall-clock seconds (noisy on a shared machine) and CPU seconds (user + system). */
  jsonParseSeconds: number;
  importSeconds: number;
  jsonParseCpuSeconds: number;
  importCpuSeconds: number;
  /** JSON.parse time / import time: 1 means import is as fast as parsing alone. */
  ratio: number;
  cpuRatio: number;
  recordsPerSecond: number;
  /** Every run's wall-clock seconds, in order. */
  jsonParseRuns: number[];
  importRuns: number[];
  big?: { fileGb: number; records: number; seconds: number; peakRssMb: number; imported: number };
}

/** One realistic Graph sign-in (≈1.3 KB of JSON), unique per index. */
function signInLine(i: number): string {
  const t = new Date(Date.UTC(2026, 4, 1) + i * 1000).toISOString();
  return JSON.stringify({
    id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`,
    createdDateTime: t,
    userDisplayName: `User ${i % 5000}`,
    userPrincipalName: `user${i % 5000}@contoso.com`,
    userId: `10000000-0000-4000-8000-${(i % 5000).toString(16).padStart(12, "0")}`,
    appId: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
    appDisplayName: "Azure Portal",
    ipAddress: `203.0.${(i >> 8) & 255}.${i & 255}`,
    clientAppUsed: "Browser",
    correlationId: `20000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`,
    conditionalAccessStatus: i % 7 === 0 ? "failure" : "success",
    isInteractive: true,
    riskDetail: "none",
    riskLevelAggregated: "none",
    riskLevelDuringSignIn: "none",
    riskState: "none",
    riskEventTypes_v2: [],
    resourceDisplayName: "Windows Azure Service Management API",
    resourceId: "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    userAgent:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    status: {
      errorCode: i % 11 === 0 ? 50074 : 0,
      failureReason: i % 11 === 0 ? "Strong Authentication is required." : null,
      additionalDetails: null,
    },
    deviceDetail: {
      deviceId: "",
      displayName: null,
      operatingSystem: "Windows 10",
      browser: "Chrome 120.0",
      isCompliant: false,
      isManaged: false,
      trustType: null,
    },
    location: {
      city: "Redmond",
      state: "Washington",
      countryOrRegion: "US",
      geoCoordinates: { altitude: null, latitude: 47.68, longitude: -122.12 },
    },
    appliedConditionalAccessPolicies: [
      {
        id: "de7e60eb-ed89-4d73-8205-2227def6b7c9",
        displayName: "Require MFA for admins",
        enforcedGrantControls: ["Mfa"],
        enforcedSessionControls: [],
        result: "success",
      },
    ],
    authenticationDetails: [
      {
        authenticationStepDateTime: t,
        authenticationMethod: "Password",
        authenticationMethodDetail: "Password in the cloud",
        succeeded: true,
        authenticationStepResultDetail: "Correct password",
        authenticationStepRequirement: "Primary authentication",
      },
    ],
  });
}

/** Writes sign-in lines (`records` of them, or until `bytes`) in 4 MB blocks; returns the line count. */
export function generateSignIns(file: string, limit: { records?: number; bytes?: number }): number {
  const fd = fs.openSync(file, "w");
  let written = 0;
  let i = 0;
  try {
    for (;;) {
      const block: string[] = [];
      let size = 0;
      while (size < 4 << 20) {
        if (limit.records !== undefined && i >= limit.records) break;
        if (limit.bytes !== undefined && written + size >= limit.bytes) break;
        const line = `${signInLine(i++)}\n`;
        block.push(line);
        size += line.length;
      }
      if (block.length === 0) break;
      fs.writeSync(fd, block.join(""));
      written += size;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return i;
}

/** Baseline: read the same file line by line and JSON.parse every line, nothing else. */
async function parseOnly(file: string): Promise<number> {
  let carry = "";
  let parsed = 0;
  for await (const chunk of fs.createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const lines = (carry + chunk).split("\n");
    carry = lines.pop()!;
    for (const line of lines)
      if (line) {
        JSON.parse(line);
        parsed++;
      }
  }
  if (carry) JSON.parse(carry);
  return parsed;
}

const RUNS = 3;

interface Timed<T = unknown> {
  value: T;
  seconds: number;
  cpuSeconds: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Wall and CPU seconds of `fn`. */
async function timed<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { value, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

export async function benchImport(
  options: { records?: number; sizeGb?: number } = {},
): Promise<ImportBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mfa-evict-bench-import-"));
  try {
    const records = options.records ?? 200_000;
    const file = path.join(dir, "signins.jsonl");
    generateSignIns(file, { records });
    const fileMb = fs.statSync(file).size / 2 ** 20;
    const parses: Timed[] = [];
    const imports: Timed[] = [];
    for (let run = 0; run < RUNS; run++) {
      parses.push(await timed(() => parseOnly(file)));
      const casePath = path.join(dir, `case-${run}.db`);
      const store = openCase(casePath);
      const load = await timed(() => importFile(store, file));
      store.close();
      fs.rmSync(casePath, { force: true });
      if (load.value.imported !== records) throw new Error(`imported ${load.value.imported} of ${records}`);
      imports.push(load);
    }
    const parse = {
      seconds: median(parses.map((t) => t.seconds)),
      cpu: median(parses.map((t) => t.cpuSeconds)),
    };
    const load = {
      seconds: median(imports.map((t) => t.seconds)),
      cpu: median(imports.map((t) => t.cpuSeconds)),
    };
    const result: ImportBenchResult = {
      records,
      fileMb,
      runs: RUNS,
      jsonParseSeconds: parse.seconds,
      importSeconds: load.seconds,
      jsonParseCpuSeconds: parse.cpu,
      importCpuSeconds: load.cpu,
      ratio: parse.seconds / load.seconds,
      cpuRatio: parse.cpu / load.cpu,
      recordsPerSecond: records / load.seconds,
      jsonParseRuns: parses.map((t) => t.seconds),
      importRuns: imports.map((t) => t.seconds),
    };
    fs.rmSync(file, { force: true });
    if ((options.sizeGb ?? 2) > 0) result.big = bigImport(dir, options.sizeGb ?? 2);
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Imports a generated file of `sizeGb` in a child process and reads that process's peak RSS. */
function bigImport(dir: string, sizeGb: number): NonNullable<ImportBenchResult["big"]> {
  const file = path.join(dir, "big.jsonl");
  const records = generateSignIns(file, { bytes: sizeGb * 2 ** 30 });
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", self, "--child", file, path.join(dir, "big.db")],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  if (child.status !== 0) throw new Error(`child import failed with status ${child.status}`);
  const out = JSON.parse(child.stdout) as { seconds: number; peakRssMb: number; imported: number };
  return { fileGb: fs.statSync(file).size / 2 ** 30, records, ...out };
}

async function child(file: string, casePath: string): Promise<void> {
  const store = openCase(casePath);
  const start = process.hrtime.bigint();
  const summary = await importFile(store, file);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  store.close();
  // maxRSS is in kilobytes.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ seconds, peakRssMb, imported: summary.imported }));
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args[i + 1];
  };
  if (args[0] === "--child") {
    await child(args[1]!, args[2]!);
  } else {
    const records = option("--records");
    const sizeGb = option("--size-gb");
    const result = await benchImport({
      ...(records ? { records: Number(records) } : {}),
      ...(sizeGb ? { sizeGb: Number(sizeGb) } : {}),
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}
