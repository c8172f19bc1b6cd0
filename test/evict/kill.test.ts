import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, test } from "vitest";
import { applyCommand, planCommand, verifyCommand } from "../../src/evict/run.js";
import { Journal } from "../../src/journal/journal.js";
import { openCase } from "../../src/store/index.js";
import { RESPONDER, USERS } from "../support/emulator-tenant.js";
import {
  auditedWrites,
  BENIGN,
  type Bed,
  CAROL,
  evictionTenant,
  present,
  ROGUE,
  startBed,
} from "./emulator-fixture.js";

/**
 * kill -9 at each step in turn: `apply --yes` runs in a child process against the emulator; as soon
 * as the journal shows the next step begun (its write in flight or just landed), the child is
 * killed with SIGKILL and started again, until a run finishes on its own. The end state must be the
 * planned one and the emulator's audit log must show every write exactly once.
 *
 * Each round starts a Node process, so the plan is limited to two users whose steps cover every
 * step kind (o'brien: password, sessions, method, device disable + delete, TAP; carol: the default
 * method switch). The in-process executor test kills before and after every write of a larger plan.
 */

const repoRoot = path.resolve(import.meta.dirname, "../..");
let bed: Bed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

function begun(caseFile: string, stepId: string): boolean {
  try {
    const db = new Database(caseFile, { readonly: true, fileMustExist: true });
    try {
      return !!db
        .prepare("SELECT 1 FROM journal_entries WHERE kind = 'step.begin' AND subject = ?")
        .get(stepId);
    } finally {
      db.close();
    }
  } catch {
    return false; // the journal table does not exist yet
  }
}

/** Runs apply in a child; kills it (SIGKILL) once `stepId` has begun, `settleMs` later. Resolves how it ended. */
function runChild(
  b: Bed,
  planFile: string,
  stepId: string | undefined,
  settleMs: number,
): Promise<"killed" | number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "apply",
        planFile,
        "--case",
        b.caseFile,
        "--yes",
        "--concurrency",
        "1",
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, ...b.env, MFA_EVICT_LOG_LEVEL: "silent" },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    let killed = false;
    const poll = setInterval(() => {
      if (killed || !stepId || !begun(b.caseFile, stepId)) return;
      killed = true;
      clearInterval(poll);
      setTimeout(() => child.kill("SIGKILL"), settleMs);
    }, 3);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(poll);
      if (killed && code === null) resolve("killed");
      else if (code === 0) resolve(0);
      else reject(new Error(`apply exited with ${code}: ${stderr}`));
    });
  });
}

test("kill -9 at each step in turn, then apply again: the plan finishes, each write exactly once", async () => {
  // Latency keeps each write in flight long enough for the kill to land inside a step.
  bed = await startBed(evictionTenant(), { latencyMs: 15 });
  const { plan } = await planCommand({
    caseFile: bed.caseFile,
    findingsFile: bed.findingsFile,
    users: ["o'brien@contoso.test", "carol@contoso.test"],
    graph: bed.client(),
  });
  expect(new Set(plan.users.flatMap((u) => u.steps.map((s) => s.kind)))).toEqual(
    new Set([
      "rotatePassword",
      "revokeSessions",
      "deleteMethod",
      "setDefaultMethod",
      "disableDevice",
      "deleteDevice",
      "issueTap",
    ]),
  );
  const planFile = path.join(bed.dir, "plan.json");
  fs.writeFileSync(planFile, JSON.stringify(plan));
  const totalSteps = plan.users.reduce((n, u) => n + u.steps.length, 0);

  // One kill inside the first step of each kind, in plan order (carol's steps come first).
  const seen = new Set<string>();
  const killAt = plan.users
    .flatMap((u) => u.steps)
    .filter((step) => !seen.has(step.kind) && seen.add(step.kind));
  expect(killAt).toHaveLength(7);
  for (const [i, step] of killAt.entries()) {
    // Alternate: kill the moment the step begins (write in flight), or a little later (write landed, answer lost).
    const outcome = await runChild(bed, planFile, step.id, i % 2 === 0 ? 0 : 25);
    expect(outcome, `run killed inside ${step.id}`).toBe("killed");
  }
  expect(await runChild(bed, planFile, undefined, 0)).toBe(0);

  const final = await applyCommand({ plan, caseFile: bed.caseFile, yes: true, graph: bed.client() });
  expect(final.summary!.counts, final.text).toEqual({ done: 0, failed: 0, refused: 0, skipped: 2 });
  const verify = await verifyCommand({ caseFile: bed.caseFile, graph: bed.client() });
  expect(
    verify.results.every((r) => r.ok),
    verify.text,
  ).toBe(true);

  const planned = new Set([USERS.obrien, CAROL]);
  for (const target of ROGUE.filter((t) => planned.has(t.userId)))
    expect(present(bed.emulator, target), `rogue ${target.id}`).toBe(false);
  for (const target of BENIGN) expect(present(bed.emulator, target), `benign ${target.id}`).toBe(true);
  const writes = auditedWrites(bed.emulator, RESPONDER.appId);
  for (const [key, count] of writes) expect(count, key).toBe(1);
  for (const userId of planned) expect(writes.get(`Reset user password||${userId}`), userId).toBe(1);
  expect(
    writes.get(
      `Admin registered security info|Admin registered temporary access pass method for user|${USERS.obrien}`,
    ),
  ).toBe(1);
  expect([...writes.values()].reduce((a, b) => a + b, 0)).toBe(totalSteps + 2); // + the two force-change records

  const store = openCase(bed.caseFile);
  try {
    expect(new Journal(store).verify().ok).toBe(true);
  } finally {
    store.close();
  }
}, 240_000);
