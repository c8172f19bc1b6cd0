import type { Command } from "commander";

/** Every CLI command registers itself here (one module per command, one line each). */
export const commands: ((program: Command) => void)[] = [];
