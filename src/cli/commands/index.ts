import type { Command } from "commander";
import { register as applyCommand } from "./apply.js";
import { register as collectCommand } from "./collect.js";
import { register as detectCommand } from "./detect.js";
import { register as emulatorCommand } from "./emulator.js";
import { register as explainCommand } from "./explain.js";
import { register as importCommand } from "./import.js";
import { register as journalCommand } from "./journal.js";
import { register as planCommand } from "./plan.js";
import { register as postureCommand } from "./posture.js";
import { register as reportCommand } from "./report.js";
import { register as rulesCommand } from "./rules.js";
import { register as serveCommand } from "./serve.js";
import { register as statusCommand } from "./status.js";
import { register as verifyCommand } from "./verify.js";
import { register as watchCommand } from "./watch.js";

/** Every CLI command registers itself here (one module per command, one line each). */
export const commands: ((program: Command) => void)[] = [
  applyCommand,
  collectCommand,
  detectCommand,
  emulatorCommand,
  explainCommand,
  importCommand,
  journalCommand,
  planCommand,
  postureCommand,
  reportCommand,
  rulesCommand,
  serveCommand,
  statusCommand,
  verifyCommand,
  watchCommand,
];
