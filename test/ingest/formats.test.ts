import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { DirectoryAudit, SignIn } from "../../src/graph/types.js";
import { importFile } from "../../src/ingest/index.js";
import { type CaseStore, openCase } from "../../src/store/index.js";

let dir: string;
let store: CaseStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mfa-evict-ingest-"));
  store = openCase(path.join(dir, "case.db"));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};

const ehAudit = (id: string, result: number | string = 0) => ({
  time: "2026-05-04T09:12:44.1234567Z",
  category: "AuditLogs",
  operationName: "User registered security info",
  callerIpAddress: "<null>",
  properties: {
    id,
    activityDateTime: "2026-05-04T09:12:44.1234567Z",
    activityDisplayName: "User registered security info",
    category: "UserManagement",
    result,
    initiatedBy: { user: { id: "u1", userPrincipalName: "alice@contoso.com" } },
    targetResources: [{ id: "u1", type: "User", userPrincipalName: "alice@contoso.com" }],
  },
});

const graphSignIn = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  createdDateTime: "2026-05-04T09:00:00Z",
  userId: "u1",
  userPrincipalName: "alice@contoso.com",
  appDisplayName: "Azure Portal",
  ipAddress: "203.0.113.7",
  status: { errorCode: 0 },
  ...extra,
});

const signIns = () => [...store.iterate("signIns")].map((r) => r.record as SignIn);
const audits = () => [...store.iterate("audits")].map((r) => r.record as DirectoryAudit);

describe("formats", () => {
  test("gzip of Event Hub records, detected by magic bytes; numeric result becomes Graph's enum", async () => {
    const text = `${JSON.stringify({ records: [ehAudit("a1", 0), ehAudit("a2", 1)] })}\n`;
    const file = write("insights-logs-auditlogs.json.data", zlib.gzipSync(text));
    const summary = await importFile(store, file);
    expect(summary).toMatchObject({
      compression: "gzip",
      imported: 2,
      rejected: 0,
      recordFormats: { "event-hub": 2 },
    });
    expect(audits().map((a) => a.result)).toEqual(["success", "failure"]);
    // The envelope is kept, out of Graph's namespace.
    expect(audits()[0]).toMatchObject({
      "@mfaEvict.source": { format: "event-hub", envelope: { category: "AuditLogs" } },
    });
  });

  test("a truncated gzip keeps the records before the cut and says where it stopped", async () => {
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify(graphSignIn(`s${i}`, { n: "x".repeat(200) })),
    );
    const gz = zlib.gzipSync(lines.join("\n"));
    const file = write("cut.jsonl.gz", gz.subarray(0, Math.floor(gz.length / 2)));
    const summary = await importFile(store, file);
    expect(summary.imported).toBeGreaterThan(100);
    expect(summary.imported).toBeLessThan(3000);
    expect(summary.rejections.at(-1)?.reason).toMatch(/cannot read past this point|truncated/);
  });

  test("UTF-16 LE with BOM", async () => {
    const page = JSON.stringify({ value: [graphSignIn("s1", { userDisplayName: "Zoë Ångström" })] }, null, 2);
    const file = write(
      "utf16.json",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(page, "utf16le")]),
    );
    const summary = await importFile(store, file);
    expect(summary).toMatchObject({ encoding: "utf-16le", imported: 1, rejected: 0 });
    expect(signIns()[0]!.userDisplayName).toBe("Zoë Ångström");
  });

  test("Latin-1 CSV is decoded as Windows-1252", async () => {
    const csv = [
      "TimeGenerated [UTC],Id,UserPrincipalName,UserDisplayName,AppDisplayName,ResultType,Type",
      '"4/28/2021, 2:08:45.221 PM",s1,jose@contoso.com,José Müller,Azure Portal,0,SigninLogs',
    ].join("\r\n");
    const file = write("latin1.csv", Buffer.from(csv, "latin1"));
    const summary = await importFile(store, file);
    expect(summary).toMatchObject({ encoding: "windows-1252", imported: 1, rejected: 0 });
    expect(signIns()[0]).toMatchObject({
      userDisplayName: "José Müller",
      createdDateTime: "2021-04-28T14:08:45.221Z",
      status: { errorCode: 0 },
    });
  });

  test("invalid UTF-8 past the start is rejected at its line, the records before it are kept", async () => {
    const good = Array.from({ length: 2000 }, (_, i) =>
      JSON.stringify(graphSignIn(`s${i}`, { pad: "y".repeat(60) })),
    );
    const file = write(
      "mixed.jsonl",
      Buffer.concat([Buffer.from(`${good.join("\n")}\n`), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])]),
    );
    const summary = await importFile(store, file);
    expect(summary.rejections.at(-1)?.reason).toMatch(/not valid utf-8/);
    expect(summary.imported).toBeGreaterThan(1000);
  });

  test("archives, binary files and text that is no log export are refused with a reason", async () => {
    const zip = await importFile(store, write("logs.zip", Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4])));
    expect(zip.rejections).toEqual([
      { line: 0, reason: "a zip archive: extract it and import the files inside" },
    ]);
    const bin = await importFile(store, write("x.pkl", Buffer.from([0x80, 0x04, 0x95, 0, 0, 0, 0, 1, 2])));
    expect(bin.rejections[0]?.reason).toBe("a binary file, not a text log export");
    const empty = await importFile(store, write("empty.json", ""));
    expect(empty).toMatchObject({ format: "empty", rejected: 0, imported: 0 });
    const missing = await importFile(store, path.join(dir, "absent.json"));
    expect(missing.rejections[0]?.reason).toMatch(/cannot read the file/);
  });

  test("portal sign-in CSV download", async () => {
    const header =
      "Date (UTC),Request ID,User agent,Correlation ID,User ID,User,Username,User type,Application,Application ID,Resource,IP address,Location,Status,Sign-in error code,Failure reason,Client app,Device ID,Browser,Operating System,Compliant,Managed,Join Type,Multifactor authentication result,Multifactor authentication auth method,Multifactor authentication auth detail,Authentication requirement,Conditional Access";
    const row =
      '2026-05-04T09:00:00Z,r1,Mozilla/5.0,c1,u1,Alice,alice@contoso.com,Member,Azure Portal,c44b4083-3bb0-49c1-b47d-974e53cbdf3c,Windows Azure Service Management API,203.0.113.7,"Redmond, Washington, US",Failure,500121,Authentication failed during strong authentication request.,Browser,,Edge 120,Windows 10,false,false,,MFA denied,Mobile app notification,,Multifactor authentication,Success';
    const file = write("InteractiveSignIns_2026-05-04.csv", `\ufeff${header}\n${row}\n`);
    const summary = await importFile(store, file);
    expect(summary).toMatchObject({ format: "csv:portal-signins", imported: 1, rejected: 0 });
    expect(signIns()[0]).toMatchObject({
      id: "r1",
      createdDateTime: "2026-05-04T09:00:00.000Z",
      userPrincipalName: "alice@contoso.com",
      status: { errorCode: 500121 },
      location: { city: "Redmond", countryOrRegion: "US" },
      deviceDetail: { browser: "Edge 120", isCompliant: false },
      mfaDetail: { authMethod: "Mobile app notification" },
      isInteractive: true,
    });
  });

  test("portal audit CSV download: targets, modified properties and a content-derived id", async () => {
    const header =
      "Date (UTC),CorrelationId,Service,Category,Activity,Result,ResultReason,ActorType,ActorDisplayName,ActorObjectId,ActorUserPrincipalName,IPAddress,Target1Type,Target1DisplayName,Target1ObjectId,Target1UserPrincipalName,Target1ModifiedProperty1Name,Target1ModifiedProperty1OldValue,Target1ModifiedProperty1NewValue,AdditionalDetail1Key,AdditionalDetail1Value";
    const row =
      '5/4/2026 9:12:44 AM,c1,Authentication Methods,UserManagement,User registered security info,Success,,User,Alice,u1,alice@contoso.com,203.0.113.7,User,Alice,u1,alice@contoso.com,StrongAuthenticationMethod,"[]","[{""MethodType"":6}]",Method,Authenticator app';
    const file = write("AuditLogs_2026-05-04.csv", `${header}\n${row}\n`);
    const first = await importFile(store, file);
    expect(first).toMatchObject({ format: "csv:portal-audits", imported: 1, rejected: 0 });
    const audit = audits()[0]!;
    expect(audit).toMatchObject({
      activityDateTime: "2026-05-04T09:12:44.000Z",
      activityDisplayName: "User registered security info",
      result: "success",
      initiatedBy: { user: { id: "u1", ipAddress: "203.0.113.7" } },
      targetResources: [
        {
          id: "u1",
          type: "User",
          modifiedProperties: [{ displayName: "StrongAuthenticationMethod", newValue: '[{"MethodType":6}]' }],
        },
      ],
      additionalDetails: [{ key: "Method", value: "Authenticator app" }],
    });
    expect(audit.id).toMatch(/^portal-csv:[0-9a-f]{64}$/);
    expect((await importFile(store, file)).duplicates).toBe(1);
  });

  test("Log Analytics query API tables (columns + rows) become rows", async () => {
    const doc = {
      tables: [
        {
          name: "PrimaryResult",
          columns: [
            { name: "TimeGenerated", type: "datetime" },
            { name: "Id", type: "string" },
            { name: "OperationName", type: "string" },
            { name: "Category", type: "string" },
            { name: "ActivityDisplayName", type: "string" },
            { name: "InitiatedBy", type: "dynamic" },
            { name: "TargetResources", type: "dynamic" },
            { name: "Type", type: "string" },
          ],
          rows: [
            [
              "2026-05-04T09:12:44Z",
              "Directory_1",
              "Admin registered security info",
              "UserManagement",
              "Admin registered security info",
              '{"user":{"id":"admin1"}}',
              '[{"id":"u1","type":"User"}]',
              "AuditLogs",
            ],
          ],
        },
      ],
    };
    const summary = await importFile(store, write("query.json", JSON.stringify(doc)));
    expect(summary).toMatchObject({ imported: 1, rejected: 0 });
    expect(audits()[0]).toMatchObject({
      id: "Directory_1",
      activityDateTime: "2026-05-04T09:12:44.000Z",
      initiatedBy: { user: { id: "admin1" } },
      targetResources: [{ id: "u1", type: "User" }],
    });
  });

  test("Graph inventory dumps are recognised by their @odata.context, methods scoped to their user", async () => {
    const users = {
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
      value: [{ id: "u1", userPrincipalName: "alice@contoso.com" }],
    };
    const methods = {
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('u1')/authentication/methods",
      value: [
        { "@odata.type": "#microsoft.graph.fido2AuthenticationMethod", id: "f1", displayName: "YubiKey" },
      ],
    };
    // Two pages in one file, pretty-printed one after the other (a paged dump).
    const file = write(
      "dump.json",
      `${JSON.stringify(users, null, 2)}\n${JSON.stringify(methods, null, 2)}\n`,
    );
    const summary = await importFile(store, file);
    expect(summary).toMatchObject({
      format: "json-document",
      imported: 2,
      rejected: 0,
      byKind: { users: 1, methods: 1 },
    });
    expect(store.snapshot().methods.get("u1")).toEqual([methods.value[0]]);
  });

  test("a record that trips a mapper costs only itself", async () => {
    const bad = {
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('%E0%A4%A')/authentication/methods",
      value: [{ id: "m1" }],
    };
    const file = write("bad-context.jsonl", `${JSON.stringify(bad)}\n${JSON.stringify(graphSignIn("ok"))}\n`);
    const summary = await importFile(store, file);
    expect(summary).toMatchObject({ imported: 1, rejected: 1 });
    expect(summary.rejections[0]).toEqual({ line: 1, reason: "cannot map this record: URI malformed" });
  });

  test("tab-separated UTF-16 (Excel's Unicode text)", async () => {
    const tsv =
      "Id\tTimeGenerated\tUserPrincipalName\tAppDisplayName\tResultType\tType\ns1\t2026-05-04T09:00:00Z\talice@contoso.com\tAzure Portal\t50074\tSigninLogs\n";
    const file = write(
      "signins.txt",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, "utf16le")]),
    );
    const summary = await importFile(store, file);
    expect(summary).toMatchObject({
      encoding: "utf-16le",
      format: "csv:log-analytics",
      imported: 1,
      rejected: 0,
    });
    expect(signIns()[0]).toMatchObject({ id: "s1", status: { errorCode: 50074 } });
  });

  test("a sign-in imported from a file and later collected from Graph is one record with both provenances", async () => {
    const file = write("signins.jsonl", `${JSON.stringify(graphSignIn("s1"))}\n`);
    await importFile(store, file);
    const collected = graphSignIn("s1", { isInteractive: true });
    store.upsert("signIns", [collected], {
      source: "graph",
      collectedAt: "2026-05-05T00:00:00Z",
      endpoint: "/auditLogs/signIns",
    });
    expect(signIns()).toEqual([collected]);
    const key = [...store.iterate("signIns")][0]!.key;
    expect(store.provenance("signIns", key).map((p) => p.source)).toEqual(["file", "graph"]);
  });
});

describe("hostile and damaged input", () => {
  test("oversized ids, deep nesting, prototype keys and secrets", async () => {
    const deep = `{"id":"deep","createdDateTime":"2026-01-01T00:00:00Z","userId":"u","status":{},"a":${'{"a":'.repeat(100000)}1${"}".repeat(100000)}}`;
    const lines = [
      JSON.stringify(graphSignIn("x".repeat(5000))),
      deep,
      '{"id":"proto","createdDateTime":"2026-01-01T00:00:00Z","userId":"u","status":{},"__proto__":{"polluted":true}}',
      JSON.stringify(
        graphSignIn("tap", {
          temporaryAccessPass: "ABCD-SECRET",
          passwordProfile: { password: "P@ss-SECRET" },
        }),
      ),
      JSON.stringify(graphSignIn("ok")),
    ];
    const file = write("hostile.jsonl", lines.join("\n"));
    const summary = await importFile(store, file);
    expect(summary.imported).toBe(3);
    expect(summary.rejections.map((r) => r.line)).toEqual([1, 2]);
    expect(summary.rejections[0]!.reason).toMatch(/no valid "id"/);
    expect(summary.rejections[1]!.reason).toBe("signIns record nests deeper than 256 levels");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const raw = JSON.stringify(signIns());
    expect(raw).not.toContain("SECRET");
  });

  test("records over 16 M characters are refused without holding them, in both layouts", async () => {
    const huge = JSON.stringify(graphSignIn("huge", { pad: "z".repeat(17 * 1024 * 1024) }));
    const lines = [JSON.stringify(graphSignIn("a")), huge, JSON.stringify(graphSignIn("b"))].join("\n");
    const asLines = await importFile(store, write("huge.jsonl", lines));
    expect(asLines).toMatchObject({ format: "json-lines", imported: 2, rejected: 1 });
    expect(asLines.rejections[0]).toEqual({
      line: 2,
      reason: "a record of more than 16 M characters; skipped",
    });
    const doc = `{"value": [\n${JSON.stringify(graphSignIn("c"))},\n${huge},\n${JSON.stringify(graphSignIn("d"))}\n]}`;
    const asDocument = await importFile(store, write("huge.json", doc));
    expect(asDocument).toMatchObject({ format: "json-document", imported: 2, rejected: 1 });
    expect(asDocument.rejections[0]).toEqual({
      line: 3,
      reason: "a record of more than 16 M characters; skipped",
    });
  });

  test("fuzzed and truncated JSON Lines: never crashes, every untouched line still imports", async () => {
    const records = Array.from({ length: 120 }, (_, i) => JSON.stringify(ehAudit(`a${i}`)));
    const text = records.join("\n");
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 15; round++) {
      const bytes = Buffer.from(text);
      const touched = new Set<number>();
      for (let m = 0; m < 8; m++) {
        const at = Math.floor(random() * bytes.length);
        bytes[at] = Math.floor(random() * 256);
        touched.add(bytes.subarray(0, at).toString("latin1").split("\n").length - 1);
      }
      const cut = round % 5 === 0 ? Math.floor(random() * bytes.length) : bytes.length;
      const variant = bytes.subarray(0, cut);
      const complete = variant.toString("latin1").split("\n").length - 1;
      const fresh = openCase(path.join(dir, `fuzz-${round}.db`));
      try {
        // A fresh case per round: a mutated id must not count as a duplicate of an earlier round.
        const summary = await importFile(fresh, write(`fuzz-${round}.jsonl`, variant));
        const ok = summary.imported + summary.updated + summary.duplicates;
        if (summary.encoding === "utf-8" && summary.format === "json-lines") {
          let untouched = 0;
          for (let i = 0; i < complete; i++) if (!touched.has(i)) untouched++;
          expect(ok, `round ${round}`).toBeGreaterThanOrEqual(untouched);
        }
        for (const r of summary.rejections) expect(r.reason.length).toBeGreaterThan(0);
      } finally {
        fresh.close();
      }
    }
  });

  test("truncated pretty-printed documents at every cut keep every complete record", async () => {
    const page = JSON.stringify(
      { value: Array.from({ length: 6 }, (_, i) => graphSignIn(`s${i}`)) },
      null,
      2,
    );
    const starts = [...page.matchAll(/\n {4}\{/g)].map((m) => m.index!);
    const ends = [...starts.slice(1), page.lastIndexOf("]")];
    for (let cut = 10; cut < page.length; cut += 41) {
      const summary = await importFile(store, write(`cut-${cut}.json`, page.slice(0, cut)));
      const complete = ends.filter((end) => end <= cut).length;
      expect(summary.imported + summary.updated + summary.duplicates, `cut at ${cut}`).toBe(complete);
      expect(summary.rejected, `cut at ${cut}`).toBe(1);
      expect(summary.rejections[0]!.reason).toMatch(/truncated/);
    }
  });
});
