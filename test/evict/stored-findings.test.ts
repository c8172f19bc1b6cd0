import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { saveDetection, setTriage } from "../../src/detect/persist.js";
import { planCommand } from "../../src/evict/run.js";
import { openCase } from "../../src/store/index.js";
import { authenticator, methodFinding, PASSWORD } from "./fixtures.js";

/** Planning reads what `detect` stored and honours the responders' verdicts on it (console or CLI). */

let dir: string;
let caseFile: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "evict-stored-"));
  caseFile = path.join(dir, "case.sqlite");
  const store = openCase(caseFile);
  const provenance = { source: "file" as const, file: "fixture", line: 1 };
  store.upsert("users", [{ id: "u-1", userPrincipalName: "ana@contoso.test" }], provenance);
  store.upsert("users", [{ id: "u-2", userPrincipalName: "ben@contoso.test" }], provenance);
  const rogue1 = authenticator("m-rogue-1", "Attacker phone");
  const rogue2 = authenticator("m-rogue-2", "Travel phone");
  store.upsert("methods", [PASSWORD, authenticator("m-own-1", "Own"), rogue1], provenance, "u-1");
  store.upsert("methods", [PASSWORD, authenticator("m-own-2", "Own"), rogue2], provenance, "u-2");
  const findings = [
    { ...methodFinding("u-1", rogue1), id: "F-true" },
    { ...methodFinding("u-2", rogue2), id: "F-false" },
  ];
  saveDetection(store, {
    findings,
    gaps: [],
    notes: {
      responderEvents: 0,
      serviceEvents: 0,
      methodRegistrations: 2,
      deviceRegistrations: 0,
      expiredAllowlistEntries: [],
      invalidAllowlistEntries: [],
    },
  });
  setTriage(store, {
    findingId: "F-false",
    verdict: "falsePositive",
    reason: "user's own travel phone",
    decidedAt: "2026-05-05T00:00:00Z",
  });
  store.close();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test("a finding triaged false positive is not planned; the true one is", async () => {
  const { plan } = await planCommand({ caseFile, offline: true });
  expect(plan.users.map((u) => u.userPrincipalName)).toEqual(["ana@contoso.test"]);
  const deleted = plan.users.flatMap((u) =>
    u.steps.filter((s) => s.kind === "deleteMethod").map((s) => s.methodId),
  );
  expect(deleted).toEqual(["m-rogue-1"]);
  expect(plan.skipped).toEqual([expect.objectContaining({ findingId: "F-false", userId: "u-2" })]);
});
