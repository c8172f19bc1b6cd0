/**
 * Benchmark: time to generate a tenant of 10,000 and 50,000 users with 30 days of history.
 * Goal (issue #4): 50,000 users × 30 days well under a minute. Wall time depends on what else the
 * machine runs, so CPU time (user + system, including the garbage collector's threads) is printed too.
 *
 *   npx tsx bench/generator.ts [users...] [--days D]
 */
import { pathToFileURL } from "node:url";
import { generateTenant } from "../src/emulator/tenant/generator.js";

export interface GeneratorBenchResult {
  users: number;
  days: number;
  wallMs: number;
  cpuMs: number;
  records: { signIns: number; audits: number; methods: number; devices: number };
  heapUsedMb: number;
}

export function benchGenerator(
  sizes: readonly number[] = [10_000, 50_000],
  days = 30,
): GeneratorBenchResult[] {
  return sizes.map((users) => {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const doc = generateTenant({ users, days, seed: "bench" });
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    const result: GeneratorBenchResult = {
      users,
      days,
      wallMs: Math.round(wallMs),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      records: {
        signIns: doc.signIns.length,
        audits: doc.directoryAudits.length,
        methods: doc.methods.length,
        devices: doc.devices.length,
      },
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1e6),
    };
    return result;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const daysAt = args.indexOf("--days");
  const days = daysAt >= 0 ? Number(args[daysAt + 1]) : 30;
  const sizes = args.filter((_, i) => daysAt < 0 || (i !== daysAt && i !== daysAt + 1)).map(Number);
  for (const r of benchGenerator(sizes.length ? sizes : undefined, days)) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.stdout.write(
      `generate ${r.users} users × ${r.days} days: ${r.wallMs} ms wall, ${r.cpuMs} ms CPU, ${r.records.signIns} sign-ins, ${r.records.audits} audits (goal for 50,000: well under 60 s)\n`,
    );
  }
}
