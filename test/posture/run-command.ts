import { Command } from "commander";
import { vi } from "vitest";
import { register } from "../../src/cli/commands/posture.js";

/** Runs `mfa-evict posture …` in-process (commander + the command module), returning its stdout. */
export async function inProcess(...args: string[]): Promise<string> {
  const program = new Command("mfa-evict").exitOverride();
  register(program);
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(["node", "mfa-evict", "posture", ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}
