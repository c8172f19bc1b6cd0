import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { importFiles } from "../../src/ingest/index.js";
import { evaluateIntent, type IntentMatch, type LogRecords } from "../../src/rules/evaluate.js";
import { RULE_INTENTS } from "../../src/rules/intents.js";
import { openCase } from "../../src/store/index.js";
import { sharedDataAvailable, sharedDataFiles } from "../support/shared-data.js";

/**
 * The rules' intents on the real public Entra records of ../shared/data (imported as the product
 * imports them): real field shapes evaluate without surprises, the public Microsoft example of an
 * admin writing StrongAuthenticationMethod directly is flagged, and nothing else in these benign
 * samples is.
 */

const exists = sharedDataAvailable;
const dataFiles = () => sharedDataFiles().filter((file) => !/\.invalid\./i.test(file));

describe.skipIf(!exists)("rules on the shared public sample logs (not run when ../shared is absent)", () => {
  let dir: string;
  let records: LogRecords;
  const matches = new Map<string, IntentMatch[]>();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mfa-evict-rules-shared-"));
    const store = openCase(path.join(dir, "case.db"));
    await importFiles(store, dataFiles());
    const snapshot = store.snapshot();
    store.close();
    records = { audits: snapshot.audits, signIns: snapshot.signIns };
    for (const intent of RULE_INTENTS) matches.set(intent.id, evaluateIntent(intent, records));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("the samples hold real audits and sign-ins", () => {
    expect(records.audits.length).toBeGreaterThan(10);
    expect(records.signIns.length).toBeGreaterThan(100);
  });

  test("an admin writing StrongAuthenticationMethod directly (Microsoft's example record) is flagged", () => {
    const found = matches.get("strong-authentication-set-directly") ?? [];
    expect(found).toHaveLength(1);
    const audit = records.audits.find((a) => a.id === found[0]?.recordIds[0]);
    expect(audit?.activityDisplayName).toBe("Update user");
    expect(audit?.initiatedBy?.app).toBeNull();
  });

  test("no other rule fires on these benign samples", () => {
    const others = [...matches].filter(
      ([id, found]) => id !== "strong-authentication-set-directly" && found.length,
    );
    expect(others).toEqual([]);
  });
});
