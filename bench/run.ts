/**
 * `npm run bench`: runs every benchmark in its own process (so memory figures and JIT state do not
 * leak between them), shows their output live, and records it in bench/RESULTS.md with the machine
 * and the date. Each benchmark states its own baseline and goal in what it prints.
 *
 *   npm run bench                 # all
 *   npm run bench -- emulator import   # some
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

const BENCHES: { name: string; file: string; what: string }[] = [
  {
    name: "emulator",
    file: "emulator.ts",
    what: "Emulator throughput, throttling off (simple GETs/s, p50/p99); goal ≥ 5,000 GETs/s",
  },
  {
    name: "generator",
    file: "generator.ts",
    what: "Tenant generation, 10k and 50k users × 30 days; goal: 50k well under a minute",
  },
  {
    name: "import",
    file: "import.ts",
    what: "Log import vs raw JSON.parse of the same lines (goal ≥ 0.5×); peak RSS on a ≥ 2 GB file (goal < 500 MB)",
  },
  {
    name: "collect",
    file: "collect.ts",
    what: "Collection at the real throttling limits with 50 ms latency vs the throttle-bound minimum (goal ≥ 0.9); inventory vs a naive sequential loop with the official client (goal ≥ 50×)",
  },
  {
    name: "detect",
    file: "detect.ts",
    what: "Detection over a 10,000-user, 30-day case vs one scan of its records (goal ≤ ~2×)",
  },
  {
    name: "evict",
    file: "evict.ts",
    what: "Evicting 1,000 users at the real throttling limits vs the throttle-bound minimum (goal ≥ 0.8)",
  },
];

function runOne(file: string): Promise<{ code: number; output: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, file)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: process.env,
    });
    let output = "";
    const take = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      process.stdout.write(chunk);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? 1, output, seconds: (Date.now() - started) / 1000 }));
  });
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** Keeps the sections of benchmarks not run this time, replaces the ones that were. */
function mergeResults(file: string, sections: Map<string, string>): string {
  let previous = "";
  try {
    previous = readFileSync(file, "utf8");
  } catch {
    // first run
  }
  const kept = new Map<string, string>();
  for (const block of previous.split(/^(?=## )/m).slice(1)) {
    const name = /^## (\S+)/.exec(block)?.[1];
    if (name) kept.set(name, block.trimEnd());
  }
  for (const [name, text] of sections) kept.set(name, text);
  const ordered = BENCHES.map((b) => kept.get(b.name)).filter((s): s is string => s !== undefined);
  return `# Benchmark results\n\nWritten by \`npm run bench\`; each section is the benchmark's own output, with the machine and date it ran on.\n\n${ordered.join("\n\n")}\n`;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const selected = wanted.length ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
  if (selected.length === 0) {
    process.stderr.write(
      `no such benchmark: ${wanted.join(", ")} (have: ${BENCHES.map((b) => b.name).join(", ")})\n`,
    );
    process.exitCode = 2;
    return;
  }
  const sections = new Map<string, string>();
  let failures = 0;
  for (const bench of selected) {
    process.stdout.write(`\n=== ${bench.name}: ${bench.what}\n`);
    const { code, output, seconds } = await runOne(bench.file);
    if (code !== 0) failures++;
    sections.set(
      bench.name,
      `## ${bench.name}\n\n${bench.what}.\n\nRun ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}; took ${seconds.toFixed(0)} s${code !== 0 ? `; **exited with code ${code}**` : ""}.\n\n\`\`\`\n${output.trim()}\n\`\`\``,
    );
  }
  const results = path.join(here, "RESULTS.md");
  writeFileSync(results, mergeResults(results, sections));
  process.stdout.write(`\nrecorded in ${path.relative(process.cwd(), results)}\n`);
  process.exitCode = failures ? 1 : 0;
}

await main();
