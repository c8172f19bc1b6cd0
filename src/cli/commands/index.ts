import type { Command } from "commander";
import { register as importCommand } from "./import.js";
import { register as statusCommand } from "./status.js";

/** Every CLI command registers itself here (one module per command, one line each). */
export const commands: ((program: Command) => void)[] = [importCommand, statusCommand];
