/**
 * `npm run eval`: detection measured against the emulator's ground truth.
 *
 * Every scenario runs at several seeds and sizes through the fast path (the case built straight
 * from the tenant document), once per scenario through the full path (emulator → collect → case),
 * and once at 10,000 users; each run is scored (eval/score.ts). Every ../shared/data file is then
 * imported and detected. Results go to eval/RESULTS.md and the last line printed is
 * `eval: recall R precision P` over all runs (medium severity and above).
 *
 *   npx tsx eval/run.ts [--quick] [--no-full] [--no-large]
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DETECTIONS } from "../src/detect/detections/index.js";
import { detect } from "../src/detect/engine.js";
import { buildScenario, listScenarios } from "../src/emulator/tenant/scenarios/index.js";
import { type CaseSnapshot, caseSnapshot, STREAMS } from "../src/store/snapshot.js";
import { collectTenant } from "./full-path.js";
import { type RunRecord, renderResults, totals } from "./results.js";
import { ratio, scoreRun } from "./score.js";
import { detectSharedData, type SharedDataRun } from "./shared-data.js";
import { snapshotFromTenant } from "./tenant-snapshot.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The snapshot an import of exported logs would give: logs kept, every inventory stream missing. */
function logsOnly(snapshot: CaseSnapshot): CaseSnapshot {
  const missing = new Set(STREAMS.filter((stream) => !["audits", "signins", "risk"].includes(stream)));
  return caseSnapshot({
    missing,
    audits: snapshot.audits,
    signIns: snapshot.signIns,
    riskDetections: snapshot.riskDetections,
  });
}
const repoRoot = path.resolve(here, "..");

interface Plan {
  seeds: string[];
  sizes: number[];
  days: number;
  full: boolean;
  large: number | undefined;
}

function plan(args: { quick?: boolean; "no-full"?: boolean; "no-large"?: boolean }): Plan {
  return {
    seeds: args.quick ? ["1"] : ["1", "2", "3"],
    sizes: args.quick ? [150] : [150, 600],
    days: 30,
    full: !args["no-full"],
    large: args["no-large"] ? undefined : 10_000,
  };
}

function score(
  scenario: string,
  seed: string,
  users: number,
  days: number,
  pathKind: RunRecord["path"],
  snapshot: CaseSnapshot,
  truth: Parameters<typeof scoreRun>[1],
  responderAppIds: string[],
  collectSeconds?: number,
): RunRecord {
  const started = performance.now();
  const result = detect(snapshot, { responderAppIds });
  const detectSeconds = (performance.now() - started) / 1000;
  const record: RunRecord = {
    scenario,
    seed,
    users,
    days,
    path: pathKind,
    score: scoreRun(result.findings, truth, scenario === "benign-noise"),
    detectSeconds,
    signIns: snapshot.signIns.length,
  };
  if (collectSeconds !== undefined) record.collectSeconds = collectSeconds;
  const s = record.score;
  process.stdout.write(
    `${scenario.padEnd(18)} seed ${seed} ${String(users).padStart(6)} users ${pathKind.padEnd(4)}  ` +
      `objects ${s.objectsFound}/${s.objects}  TP ${s.tp} FP ${s.fp}  detect ${detectSeconds.toFixed(2)} s` +
      `${collectSeconds !== undefined ? `  collect ${collectSeconds.toFixed(1)} s` : ""}\n`,
  );
  return record;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean" },
      "no-full": { type: "boolean" },
      "no-large": { type: "boolean" },
    },
  });
  const settings = plan(values);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const runs: RunRecord[] = [];
  const scenarioNames = listScenarios().map((scenario) => scenario.name);

  for (const scenario of scenarioNames) {
    for (const users of settings.sizes) {
      for (const seed of settings.seeds) {
        const { tenant, groundTruth } = buildScenario(scenario, { users, days: settings.days, seed });
        runs.push(
          score(
            scenario,
            seed,
            users,
            settings.days,
            "fast",
            snapshotFromTenant(tenant),
            groundTruth,
            tenant.apps.map((a) => a.appId),
          ),
        );
      }
    }
  }

  let fullPathSkipped: string | undefined;
  if (settings.full) {
    for (const scenario of scenarioNames) {
      const users = settings.sizes[0]!;
      const { tenant, groundTruth } = buildScenario(scenario, { users, days: settings.days, seed: "1" });
      try {
        const collected = await collectTenant(tenant, settings.days);
        runs.push(
          score(
            scenario,
            "1",
            users,
            settings.days,
            "full",
            collected.snapshot,
            groundTruth,
            [collected.responderAppId],
            collected.seconds,
          ),
        );
      } catch (error) {
        fullPathSkipped = `${scenario}: ${error instanceof Error ? error.message : String(error)}`;
        process.stdout.write(`full path failed: ${fullPathSkipped}\n`);
        break;
      }
    }
  } else {
    fullPathSkipped = "disabled with --no-full";
  }

  // Logs only: what `import` of exported logs gives, with every inventory stream missing.
  for (const scenario of scenarioNames) {
    const users = settings.sizes[0]!;
    const { tenant, groundTruth } = buildScenario(scenario, { users, days: settings.days, seed: "1" });
    runs.push(
      score(
        scenario,
        "1",
        users,
        settings.days,
        "logs-only",
        logsOnly(snapshotFromTenant(tenant)),
        groundTruth,
        tenant.apps.map((a) => a.appId),
      ),
    );
  }

  if (settings.large) {
    const { tenant, groundTruth } = buildScenario("demo", {
      users: settings.large,
      days: settings.days,
      seed: "large",
    });
    runs.push(
      score(
        "demo",
        "large",
        settings.large,
        settings.days,
        "fast",
        snapshotFromTenant(tenant),
        groundTruth,
        tenant.apps.map((a) => a.appId),
      ),
    );
  }

  const dataDir = path.resolve(repoRoot, "../shared/data");
  let shared: SharedDataRun | undefined;
  let sharedSkipped: string | undefined;
  if (fs.existsSync(dataDir)) {
    shared = await detectSharedData(dataDir);
    process.stdout.write(
      `shared data: ${shared.files.length} files, ${shared.records.signIns} sign-ins, ${shared.records.audits} audits → ${shared.result.findings.length} finding(s)\n`,
    );
    for (const finding of shared.result.findings) {
      process.stdout.write(`  ${finding.severity} ${finding.detectionId}: ${finding.explanation}\n`);
    }
  } else {
    sharedSkipped = "../shared/data is absent, so the public sample files were not imported";
    process.stdout.write(`shared data: not run (${sharedSkipped})\n`);
  }

  const markdown = renderResults({
    runs,
    detectionIds: DETECTIONS.map((d) => d.id),
    shared,
    sharedSkipped,
    fullPathSkipped,
    startedAt,
    seconds: (performance.now() - started) / 1000,
  });
  const resultsFile = path.join(here, "RESULTS.md");
  fs.writeFileSync(resultsFile, markdown);
  const all = totals(runs.filter((run) => run.path !== "logs-only"));
  const recall = ratio(all.objectsFound, all.objects);
  const precision = ratio(all.tp, all.tp + all.fp);
  process.stdout.write(`eval: recall ${recall.toFixed(3)} precision ${precision.toFixed(3)}\n`);
  if (recall < 1 || precision < 0.95 || all.benignHigh > 0) process.exitCode = 1;
}

await main();
