import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { register as registerApply } from "../../src/cli/commands/apply.js";
import { register as registerJournal } from "../../src/cli/commands/journal.js";
import { register as registerPlan } from "../../src/cli/commands/plan.js";
import { UsageError } from "../../src/cli/errors.js";
import { Journal } from "../../src/journal/journal.js";
import { openCase } from "../../src/store/index.js";
import { authenticator, methodFinding, PASSWORD } from "./fixtures.js";

/** The commands as the binary wires them, run in-process (no Graph: plan --offline, apply without --yes). */

let dir: string;
let out: string;
const writes: string[] = [];

function program(): Command {
  const p = new Command("mfa-evict").exitOverride();
  registerPlan(p);
  registerApply(p);
  registerJournal(p);
  return p;
}

async function run(...args: string[]): Promise<string> {
  writes.length = 0;
  await program().parseAsync(["node", "mfa-evict", ...args]);
  return writes.join("");
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "evict-cli-"));
  out = path.join(dir, "plan.json");
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  process.exitCode = undefined;
  const store = openCase(path.join(dir, "case.sqlite"));
  const rogue = authenticator("m-rogue", "Attacker \u001b[2J phone");
  store.upsert("users", [{ id: "u-1", userPrincipalName: "o'brien@contoso.test", displayName: "Pat" }], {
    source: "file",
    file: "fixture",
    line: 1,
  });
  store.upsert(
    "methods",
    [PASSWORD, authenticator("m-own", "Own"), rogue],
    { source: "file", file: "fixture", line: 2 },
    "u-1",
  );
  store.close();
  fs.writeFileSync(path.join(dir, "findings.json"), JSON.stringify([methodFinding("u-1", rogue)]));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("eviction commands", () => {
  test("plan --offline writes a valid plan and prints the readable table", async () => {
    const text = await run(
      "plan",
      "--case",
      path.join(dir, "case.sqlite"),
      "--findings",
      path.join(dir, "findings.json"),
      "--offline",
      "--out",
      out,
    );
    expect(text).toMatch(/o'brien@contoso.test \[READY\]/);
    expect(text).toMatch(/Delete rogue microsoftAuthenticator "Attacker \?\[2J phone"/);
    expect(text).not.toContain("\u001b");
    expect(JSON.parse(fs.readFileSync(out, "utf8")).users[0].steps).toHaveLength(3);
  });

  test("apply without --yes prints exactly the writes, with no secret and no Graph call", async () => {
    await run(
      "plan",
      "--case",
      path.join(dir, "case.sqlite"),
      "--findings",
      path.join(dir, "findings.json"),
      "--offline",
      "--out",
      out,
    );
    const text = await run("apply", out, "--case", path.join(dir, "case.sqlite"));
    expect(text.split("\n").filter((l) => l.startsWith("  "))).toEqual([
      '  PATCH /v1.0/users/u-1 {"passwordProfile":{"password":"<generated at apply time, never shown>","forceChangePasswordNextSignIn":true}}',
      "  POST /v1.0/users/u-1/revokeSignInSessions",
      "  DELETE /v1.0/users/u-1/authentication/microsoftAuthenticatorMethods/m-rogue",
    ]);
  });

  test("a malformed plan is bad input (exit 2 via UsageError) naming the field", async () => {
    fs.writeFileSync(out, JSON.stringify({ format: "mfa-evict/eviction-plan@1", id: "x" }));
    await expect(run("apply", out, "--case", path.join(dir, "case.sqlite"))).rejects.toThrow(UsageError);
    await expect(run("apply", out, "--case", path.join(dir, "case.sqlite"))).rejects.toThrow(
      /invalid plan at createdAt/,
    );
  });

  test("journal --verify reports an intact chain, and a broken one with exit code 1", async () => {
    const caseFile = path.join(dir, "case.sqlite");
    const store = openCase(caseFile);
    const journal = new Journal(store);
    journal.append({ actor: "evict", runId: "r", kind: "step.begin", subject: "s1" });
    journal.append({
      actor: "evict",
      runId: "r",
      kind: "step.end",
      subject: "s1",
      payload: { outcome: "done" },
    });
    store.close();
    expect(await run("journal", "--case", caseFile, "--verify")).toMatch(/journal OK: 2 entries/);
    expect(process.exitCode).toBeUndefined();
    expect(await run("journal", "--case", caseFile)).toMatch(/step.end done s1/);

    const raw = openCase(caseFile);
    raw.db.exec("DROP TRIGGER journal_entries_no_update");
    raw.db.prepare("UPDATE journal_entries SET subject = 's2' WHERE seq = 1").run();
    raw.close();
    expect(await run("journal", "--case", caseFile, "--verify")).toMatch(/journal BROKEN at entry 1/);
    expect(process.exitCode).toBe(1);
  });
});
