import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { ApplyRefusedError } from "../../src/evict/executor.js";
import { applyCommand, planCommand, verifyCommand } from "../../src/evict/run.js";
import { EvictStore } from "../../src/evict/store.js";
import { Journal } from "../../src/journal/journal.js";
import { openCase } from "../../src/store/index.js";
import { RESPONDER, USERS } from "../support/emulator-tenant.js";
import {
  AFFECTED,
  auditedWrites,
  BENIGN,
  type Bed,
  BREAK_GLASS_ROGUE,
  BREAK_GLASS_UPN,
  evictionTenant,
  present,
  ROGUE,
  startBed,
} from "./emulator-fixture.js";

const USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1";
let bed: Bed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function planFor(b: Bed) {
  const client = b.client();
  const { plan } = await planCommand({
    caseFile: b.caseFile,
    findingsFile: b.findingsFile,
    breakGlass: [BREAK_GLASS_UPN],
    graph: client,
  });
  return plan;
}

function journalOf(b: Bed) {
  const store = openCase(b.caseFile);
  try {
    const journal = new Journal(store);
    return {
      verify: journal.verify(),
      entries: journal.entries(),
      forensics: new EvictStore(store).forensics,
    };
  } finally {
    store.close();
  }
}

function assertEndState(b: Bed) {
  for (const target of ROGUE)
    expect(present(b.emulator, target), `rogue ${target.kind} ${target.id} of ${target.userId}`).toBe(false);
  for (const target of BENIGN)
    expect(present(b.emulator, target), `benign ${target.kind} ${target.id} of ${target.userId}`).toBe(true);
  for (const userId of AFFECTED) {
    const methods = b.emulator.state.methodsOf(userId).map((r) => r.method["@odata.type"]);
    const usable = methods.some(
      (t) =>
        t !== "#microsoft.graph.passwordAuthenticationMethod" &&
        t !== "#microsoft.graph.emailAuthenticationMethod",
    );
    expect(usable, `${userId} has a TAP or another strong method (${methods.join(", ")})`).toBe(true);
  }
}

/** Each write the journal says was made appears exactly once in the emulator's audit log, and nothing else. */
function assertWitnessedOnce(b: Bed) {
  const writes = auditedWrites(b.emulator, RESPONDER.appId);
  for (const [key, count] of writes) expect(count, key).toBe(1);
  const { entries } = journalOf(b);
  // A write whose answer was lost, then found done by a read, was made once too.
  const done = entries.filter(
    (e) =>
      e.kind === "step.end" &&
      (e.payload.outcome === "done" || (e.payload.outcome === "alreadyDone" && e.payload.afterLostAnswer)),
  );
  // A password reset writes two records (reset + force change), every other step one.
  const expected = done.reduce((n, e) => n + (e.payload.kind === "rotatePassword" ? 2 : 1), 0);
  expect([...writes.values()].reduce((a, b) => a + b, 0)).toBe(expected);
  for (const userId of AFFECTED) {
    expect(writes.get(`Reset user password||${userId}`), `password of ${userId}`).toBe(1);
    expect(writes.get(`Update StsRefreshTokenValidFrom Timestamp||${userId}`), `revoke of ${userId}`).toBe(1);
  }
}

async function evictAndVerify(b: Bed, revealSecrets?: string) {
  const plan = await planFor(b);
  expect(plan.users.map((u) => `${u.userPrincipalName}:${u.status}`).sort()).toEqual([
    "alice@contoso.test:ready",
    "bob@contoso.test:ready",
    `${BREAK_GLASS_UPN}:refused`,
    "carol@contoso.test:ready",
    "o'brien@contoso.test:ready",
  ]);
  const apply = await applyCommand({
    plan,
    caseFile: b.caseFile,
    yes: true,
    graph: b.client(),
    outcomeSettleMs: 0,
    ...(revealSecrets ? { revealSecrets } : {}),
  });
  expect(apply.summary!.counts, apply.text).toEqual({ done: 4, failed: 0, refused: 1, skipped: 0 });
  const verify = await verifyCommand({ caseFile: b.caseFile, graph: b.client() });
  expect(
    verify.results.every((r) => r.ok),
    verify.text,
  ).toBe(true);
  expect(present(b.emulator, BREAK_GLASS_ROGUE)).toBe(true);
  assertEndState(b);
  assertWitnessedOnce(b);
  const journal = journalOf(b);
  expect(journal.verify.ok).toBe(true);
  return plan;
}

describe("eviction against the emulator", () => {
  test("plan → apply → verify: rogue objects gone, benign kept, no password-only user, each write witnessed once", async () => {
    bed = await startBed(evictionTenant());
    const plan = await evictAndVerify(bed);
    const obrien = plan.users.find((u) => u.userId === USERS.obrien)!;
    expect(obrien.steps.map((s) => s.kind)).toEqual([
      "rotatePassword",
      "revokeSessions",
      "deleteMethod",
      "disableDevice",
      "deleteDevice",
      "issueTap",
    ]);
    const carol = plan.users.find((u) => u.userPrincipalName === "carol@contoso.test")!;
    expect(carol.steps.map((s) => s.kind)).toContain("setDefaultMethod");
    // A second apply changes nothing.
    const before = auditedWrites(bed.emulator, RESPONDER.appId);
    const again = await applyCommand({ plan, caseFile: bed.caseFile, yes: true, graph: bed.client() });
    expect(again.summary!.counts.skipped).toBe(4);
    expect(auditedWrites(bed.emulator, RESPONDER.appId)).toEqual(before);
  });

  test("with faultRate 0.1: the same end state, each write exactly once", async () => {
    bed = await startBed(evictionTenant(), { faultRate: 0.1 });
    await evictAndVerify(bed);
  });

  test("every write processed but its answer lost (5xx or reset): one apply finishes, one TAP per user, the recorded password and TAP code in force", async () => {
    bed = await startBed(evictionTenant(), {
      faultRate: 1,
      // Every non-idempotent write; DELETEs and reads are answered (the connector repeats those).
      faultMethods: ["POST", "PATCH"],
      writeFaultTiming: "afterProcessing",
    });
    const secretsFile = path.join(bed.dir, "secrets.jsonl");
    const plan = await evictAndVerify(bed, secretsFile);
    const { entries } = journalOf(bed);
    const lost = entries.filter((e) => e.kind === "step.end" && e.payload.outcomeUnknown === true);
    // Every POST/PATCH step lost its answer, but for the few whose answer came slowly instead (1 in 6).
    const nonIdempotent = plan.users.flatMap((u) => u.steps).filter((s) => !s.kind.startsWith("delete"));
    expect(lost.length).toBeGreaterThan(nonIdempotent.length / 2);
    // Each lost write was found done by a read, never written again.
    expect(entries.filter((e) => e.kind === "step.begin" && e.payload.afterLostAnswer)).toEqual([]);
    const records = fs
      .readFileSync(secretsFile, "utf8")
      .trim()
      .split("\n")
      .map(
        (line) => JSON.parse(line) as { kind?: string; userId?: string; stepId?: string; secret?: string },
      );
    const secretsOf = (kind: string) => records.filter((r) => r.kind === kind);
    for (const userId of AFFECTED) {
      const passwords = secretsOf("password").filter((r) => r.userId === userId);
      expect(passwords, `password of ${userId}`).toHaveLength(1);
      expect(bed.emulator.state.passwordMatches(userId, passwords[0]!.secret!), `password of ${userId}`).toBe(
        true,
      );
    }
    for (const user of plan.users.filter((u) => u.status === "ready")) {
      const taps = bed.emulator.state
        .methodsOf(user.userId)
        .filter(
          (r) => r.method["@odata.type"] === "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
        );
      const tapStep = user.steps.find((s) => s.kind === "issueTap");
      expect(taps, `TAPs of ${user.userPrincipalName}`).toHaveLength(tapStep ? 1 : 0);
      if (!tapStep) continue;
      // The code is in the secrets file and in force, or it was only in the lost answer and the journal says so.
      const code = secretsOf("temporaryAccessPass").find((r) => r.stepId === tapStep.id);
      if (code) expect(bed.emulator.state.tapCodeMatches(user.userId, code.secret!)).toBe(true);
      else {
        const end = entries.filter((e) => e.subject === tapStep.id && e.kind === "step.end").at(-1)!;
        expect(end.payload.detail).toMatch(/its code was only in the lost response/);
      }
    }
  });

  test("the read-only app is refused before any write", async () => {
    bed = await startBed(evictionTenant());
    const plan = await planFor(bed);
    const run = applyCommand({ plan, caseFile: bed.caseFile, yes: true, graph: bed.client(true) });
    await expect(run).rejects.toBeInstanceOf(ApplyRefusedError);
    await expect(run).rejects.toThrow(/lacks a permission/);
    expect(auditedWrites(bed.emulator, bed.env.AZURE_READONLY_CLIENT_ID!).size).toBe(0);
    for (const target of ROGUE) expect(present(bed.emulator, target)).toBe(true);
  });

  test("an administrator target is refused when the app lacks a privileged role; the others are evicted", async () => {
    bed = await startBed(evictionTenant({ responderRoles: [USER_ADMINISTRATOR] }));
    const plan = await planFor(bed);
    const apply = await applyCommand({ plan, caseFile: bed.caseFile, yes: true, graph: bed.client() });
    const alice = apply.summary!.users.find((u) => u.userId === USERS.alice)!;
    expect(alice.status).toBe("refused");
    expect(alice.reason).toMatch(/Privileged Authentication Administrator/);
    const writes = [...auditedWrites(bed.emulator, RESPONDER.appId).keys()];
    expect(writes.filter((k) => k.endsWith(USERS.alice))).toEqual([]);
    expect(present(bed.emulator, ROGUE[0]!)).toBe(true);
    expect(apply.summary!.counts.done).toBe(3);
  });

  test("a drifted plan is refused and changes nothing", async () => {
    bed = await startBed(evictionTenant());
    const plan = await planFor(bed);
    bed.emulator.actions.registerMethod({
      userId: USERS.obrien,
      ipAddress: "203.0.113.7",
      method: {
        "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        displayName: "Attacker again",
      },
    } as Parameters<typeof bed.emulator.actions.registerMethod>[0]);
    const run = applyCommand({ plan, caseFile: bed.caseFile, yes: true, graph: bed.client() });
    await expect(run).rejects.toThrow(
      /o'brien@contoso.test: methods or targeted devices changed since the plan was made/,
    );
    expect(auditedWrites(bed.emulator, RESPONDER.appId).size).toBe(0);
  });
});
