import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectCase, RUN_CHECKPOINT } from "../../src/collect/index.js";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { openCase } from "../../src/store/index.js";
import {
  clientFor,
  collectInto,
  contentsOf,
  emulatorFor,
  SINCE,
  TEST_LIMITS,
  tempDir,
  testTenant,
} from "./emulator-case.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const tmp = tempDir();
let emulator: RunningEmulator;

beforeAll(async () => {
  // Latency stretches the run so the kills land in the middle of it.
  emulator = await emulatorFor(testTenant(60), { latencyMs: 40 });
});

afterAll(async () => {
  await emulator?.close();
  tmp.remove();
});

/** `mfa-evict collect` in a child process, as a responder runs it, with the emulator's environment. */
function startCollect(file: string): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "collect", "--case", file, "--since", SINCE.toISOString()],
    {
      cwd: repoRoot,
      env: { ...process.env, ...emulator.env, MFA_EVICT_GRAPH_LIMITS: TEST_LIMITS },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Waits until the child has printed `marker`, then kills it with SIGKILL (no chance to clean up). */
async function killWhen(
  run: ReturnType<typeof startCollect>,
  marker: RegExp,
  afterMs: number,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!marker.test(run.output())) {
    if (Date.now() > deadline) throw new Error(`the child never printed ${marker}: ${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  run.child.kill("SIGKILL");
  await run.exited;
}

function unfinishedRun(file: string): unknown {
  const store = openCase(file, { readonly: true });
  try {
    return store.getCheckpoint(RUN_CHECKPOINT);
  } finally {
    store.close();
  }
}

/** Runs the interrupted collection once more; it must finish it and leave no unfinished run. Returns its output. */
async function resumeToTheEnd(file: string): Promise<string> {
  const last = startCollect(file);
  expect(await last.exited).toBe(0);
  expect(last.output()).toMatch(/collect resumed and finished/);
  expect(unfinishedRun(file)).toBeUndefined();
  return last.output();
}

describe("kill -9 and resume", () => {
  it("a collection killed twice mid-run and resumed gives exactly the case of an uninterrupted run", async () => {
    const reference = tmp.file("uninterrupted.db");
    const client = clientFor(emulator);
    const store = openCase(reference);
    await collectCase({ client, store, since: SINCE });
    store.close();
    await client.close();

    const file = tmp.file("killed.db");
    await killWhen(startCollect(file), /collect: users \d+ users/, 50);
    expect(unfinishedRun(file)).toBeDefined();
    // Right after a stream starts: with the CLI starting fast, a later kill can miss a short resumed run.
    await killWhen(startCollect(file), /collect: \w+ started/, 20);
    expect(unfinishedRun(file)).toBeDefined();

    await resumeToTheEnd(file);
    expect(contentsOf(file)).toEqual(contentsOf(reference));
  });

  it("an incremental collection killed mid-run and resumed gives exactly the case of an uninterrupted one", async () => {
    const reference = tmp.file("incremental-uninterrupted.db");
    const file = tmp.file("incremental-killed.db");
    await collectInto(emulator, reference);
    await collectInto(emulator, file);
    // Half the users register a method and a few a device: the incremental pass has work to cut.
    const users = [...emulator.state.users.values()].filter((user) => !emulator.state.isAdmin(user.id));
    const actor = { ipAddress: "198.51.100.23", userAgent: "Mozilla/5.0 (X11; Linux x86_64)" };
    for (const user of users.slice(0, 30)) {
      emulator.actions.registerMethod({
        ...actor,
        userId: user.id,
        method: {
          "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
          emailAddress: "x@example.org",
        },
      });
    }
    for (const user of users.slice(30, 35)) {
      emulator.actions.registerDevice({
        ...actor,
        userId: user.id,
        displayName: `PC-${user.id.slice(0, 4)}`,
        operatingSystem: "Windows",
        operatingSystemVersion: "10.0.22631",
      });
    }
    await new Promise((resolve) => setTimeout(resolve, emulator.state.auditDelayMs + 200));

    const uninterrupted = await collectInto(emulator, reference);
    const methods = uninterrupted.outcomes.find((outcome) => outcome.part === "methods");
    expect(methods).toMatchObject({ mode: "incremental" });

    // Once the methods pass has started (it first waits for the audits), and again right away.
    await killWhen(startCollect(file), /collect: methods started/, 150);
    expect(unfinishedRun(file)).toBeDefined();
    await killWhen(startCollect(file), /collect: \w+ started/, 20);
    expect(unfinishedRun(file)).toBeDefined();
    const last = await resumeToTheEnd(file);
    // The resumed run finished the interrupted run's incremental passes (or found them done).
    for (const part of ["methods/methods", "devices/devices"]) {
      expect(last).toMatch(new RegExp(`${part}\\s+collected \\d+ records — (incremental|already collected)`));
    }
    expect(contentsOf(file)).toEqual(contentsOf(reference));
  });
});
