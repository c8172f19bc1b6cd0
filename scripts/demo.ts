/**
 * `npm run demo`: the whole mfa-evict pipeline against the emulated `demo` tenant, through the
 * same `mfa-evict` commands a responder runs against a real tenant:
 *
 *   emulator → collect → detect → plan → apply --yes → verify → posture → rules → report
 *
 * The emulator runs in this process; every mfa-evict command runs as a child process with only the
 * variables a real run would have (AZURE_*, MFA_EVICT_GRAPH_URL, NODE_EXTRA_CA_CERTS for the
 * emulator's local CA). Output goes to out/demo/ (case file, plan, rules, report).
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { serveEmulator } from "../src/emulator/run.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "mfa-evict.js");

interface Step {
  title: string;
  args: string[];
  /** Exit code 1 means "finished with failures": the demo reports it and goes on. */
  tolerateFailures?: boolean;
}

function run(
  args: string[],
  env: Record<string, string>,
  quiet: boolean,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (!quiet) process.stdout.write(chunk);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? 1, output }));
  });
}

function indent(text: string, lines: number): string {
  const all = text.trimEnd().split("\n");
  const shown = all.slice(0, lines).map((l) => `      ${l}`);
  if (all.length > lines) shown.push(`      … (${all.length - lines} more lines)`);
  return `${shown.join("\n")}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: "string", default: "demo" },
      seed: { type: "string", default: "demo" },
      out: { type: "string", default: path.join(root, "out", "demo") },
      verbose: { type: "boolean", default: false },
    },
  });
  const out = path.resolve(values.out!);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const caseFile = path.join(out, "case.sqlite");
  const planFile = path.join(out, "plan.json");
  const report = path.join(out, "report.html");
  const started = Date.now();

  process.stdout.write(
    `mfa-evict demo: starting the Graph emulator with the '${values.scenario}' scenario…\n`,
  );
  const emu = await serveEmulator({
    writeEnv: path.join(out, "emulator.env"),
    scenario: values.scenario!,
    seed: values.seed!,
  });
  // Scenario tenants are generated at a fixed date (deterministic), so the log window is taken
  // from the scenario, not from today: the demo keeps working whenever it is run.
  const scenarioNow = Date.parse(emu.groundTruth?.now ?? new Date().toISOString());
  const since = new Date(scenarioNow - 35 * 86_400_000).toISOString();
  const steps: Step[] = [
    {
      title: "Collect the tenant through Microsoft Graph",
      args: ["collect", "--case", caseFile, "--since", since],
    },
    { title: "Detect rogue MFA methods and devices", args: ["detect", "--case", caseFile] },
    {
      title: "Plan the eviction (reviewable, no writes)",
      args: ["plan", "--case", caseFile, "--out", planFile],
    },
    {
      title: "Apply the plan on the emulated tenant (journaled)",
      args: ["apply", planFile, "--case", caseFile, "--yes"],
      tolerateFailures: true,
    },
    {
      title: "Verify the end state",
      args: ["verify", "--case", caseFile, "--plan", planFile],
      tolerateFailures: true,
    },
    { title: "Check the journal's hash chain", args: ["journal", "--case", caseFile, "--verify"] },
    {
      title: "Review Conditional Access and method policy",
      args: ["posture", "--case", caseFile],
      tolerateFailures: true,
    },
    {
      title: "Export Sentinel (KQL) rules",
      args: ["rules", "--format", "kql", "--out", path.join(out, "rules", "kql"), "--case", caseFile],
    },
    {
      title: "Export Sigma rules",
      args: ["rules", "--format", "sigma", "--out", path.join(out, "rules", "sigma"), "--case", caseFile],
    },
    {
      title: "Write the report",
      args: [
        "report",
        "--case",
        caseFile,
        "--out",
        report,
        "--json",
        path.join(out, "report.json"),
        "--csv",
        path.join(out, "csv"),
      ],
    },
  ];
  let failed = 0;
  try {
    for (const [i, step] of steps.entries()) {
      const t0 = Date.now();
      process.stdout.write(
        `\n[${i + 1}/${steps.length}] ${step.title}\n      $ mfa-evict ${step.args.map((a) => (a.startsWith(out) ? path.relative(root, a) : a)).join(" ")}\n`,
      );
      const { code, output } = await run(step.args, emu.env, !values.verbose);
      if (!values.verbose) process.stdout.write(indent(output, 14));
      process.stdout.write(`      → exit ${code} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      if (code !== 0 && !(step.tolerateFailures && code === 1)) {
        failed++;
        process.stdout.write("      stopping: this step failed.\n");
        break;
      }
    }
  } finally {
    await emu.close();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(
    failed
      ? `\nmfa-evict demo stopped after a failure (${seconds} s). Case file: ${path.relative(root, caseFile)}\n`
      : `\nmfa-evict demo finished in ${seconds} s.\nReport: ${report}\nCase file, plan and rules: ${out}\n`,
  );
  process.exitCode = failed ? 1 : 0;
}

await main();
