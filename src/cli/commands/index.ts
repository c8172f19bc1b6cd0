import type { Command } from "commander";

type Registration = { register: (program: Command) => void };

/**
 * Every CLI command, one module each, loaded on demand: a run imports only the command it runs
 * (some pull in large dependencies, such as the Kusto language service), `--help` loads them all.
 */
export const commands: Record<string, () => Promise<Registration>> = {
  apply: () => import("./apply.js"),
  collect: () => import("./collect.js"),
  detect: () => import("./detect.js"),
  emulator: () => import("./emulator.js"),
  explain: () => import("./explain.js"),
  import: () => import("./import.js"),
  journal: () => import("./journal.js"),
  plan: () => import("./plan.js"),
  posture: () => import("./posture.js"),
  report: () => import("./report.js"),
  rules: () => import("./rules.js"),
  serve: () => import("./serve.js"),
  status: () => import("./status.js"),
  verify: () => import("./verify.js"),
  watch: () => import("./watch.js"),
};
