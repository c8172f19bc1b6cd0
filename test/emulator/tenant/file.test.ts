import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { readTenantLineLayout } from "../../../src/emulator/tenant/file.js";
import {
  buildScenario,
  exportTenantFile,
  generateTenant,
  loadTenantFile,
  parseTenantDocument,
  TenantFileError,
} from "../../../src/emulator/tenant/index.js";

const dir = mkdtempSync(path.join(tmpdir(), "tenant-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tenant = buildScenario("demo", { users: 60, days: 5, seed: "file-test" }).tenant;

describe("tenant files round-trip", () => {
  test("JSON: load → export → load is identical, and export is byte-stable", () => {
    const a = path.join(dir, "a.json");
    const b = path.join(dir, "b.json");
    exportTenantFile(tenant, a);
    const loaded = loadTenantFile(a);
    expect(loaded).toEqual(JSON.parse(JSON.stringify(tenant)));
    exportTenantFile(loaded, b);
    expect(readFileSync(b, "utf8")).toBe(readFileSync(a, "utf8"));
    expect(loadTenantFile(b)).toEqual(loaded);
  });

  test("JSON export is valid JSON with one array element per line", () => {
    const file = path.join(dir, "lines.json");
    exportTenantFile(tenant, file);
    const text = readFileSync(file, "utf8");
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(tenant)));
    expect(text.split("\n").length).toBeGreaterThan(tenant.signIns.length);
  });

  test("the line-by-line reader (used for files over 256 MiB) reads the same document", () => {
    const file = path.join(dir, "big-layout.json");
    exportTenantFile(tenant, file);
    expect(parseTenantDocument(readTenantLineLayout(file), file)).toEqual(loadTenantFile(file));
  });

  test("YAML: load → export → load is identical (hostile strings survive)", () => {
    const a = path.join(dir, "a.yaml");
    const b = path.join(dir, "b.yml");
    // YAML is for hand-written tenants: a few hundred log records keep this test quick.
    const small = {
      ...tenant,
      signIns: tenant.signIns.slice(-300),
      directoryAudits: tenant.directoryAudits.slice(-100),
    };
    exportTenantFile(small, a);
    const loaded = loadTenantFile(a);
    expect(loaded).toEqual(JSON.parse(JSON.stringify(small)));
    exportTenantFile(loaded, b);
    expect(loadTenantFile(b)).toEqual(loaded);
    expect(loaded.users.some((u) => u.userPrincipalName.startsWith("o'brien@"))).toBe(true);
  });
});

describe("bad tenant files get clear errors naming the file and the field", () => {
  const small = generateTenant({ users: 10, days: 1, seed: 1 });

  test("a missing file", () => {
    const file = path.join(dir, "absent.json");
    expect(() => loadTenantFile(file)).toThrow(`tenant file ${file}: cannot be read (ENOENT)`);
  });

  test("invalid JSON", () => {
    const file = path.join(dir, "broken.json");
    writeFileSync(file, '{"schemaVersion": 1,');
    expect(() => loadTenantFile(file)).toThrow(new RegExp(`tenant file ${file}: is not valid JSON`));
  });

  test("invalid YAML", () => {
    const file = path.join(dir, "broken.yaml");
    writeFileSync(file, "schemaVersion: [1\n");
    expect(() => loadTenantFile(file)).toThrow(/is not valid YAML/);
  });

  test("a bad field is reported by its path", () => {
    const doc = JSON.parse(JSON.stringify(small));
    doc.users[3].userPrincipalName = 42;
    doc.methods[0].method.phoneType = "pager";
    doc.methods[0].method["@odata.type"] = "#microsoft.graph.phoneAuthenticationMethod";
    const file = path.join(dir, "bad-field.json");
    writeFileSync(file, JSON.stringify(doc));
    let error: unknown;
    try {
      loadTenantFile(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TenantFileError);
    const message = (error as Error).message;
    expect(message).toContain(`tenant file ${file}: does not match the tenant schema`);
    expect(message).toContain("users[3].userPrincipalName");
    expect(message).toMatch(/methods\[0\]\.method/);
  });

  test("an unsupported schemaVersion is named as such", () => {
    const file = path.join(dir, "v2.json");
    writeFileSync(file, JSON.stringify({ ...small, schemaVersion: 2 }));
    expect(() => loadTenantFile(file)).toThrow(/schemaVersion 2 is not supported \(this version reads 1\)/);
  });

  test("a corrupt line in the line layout names the line", () => {
    const file = path.join(dir, "corrupt-lines.json");
    exportTenantFile(small, file);
    const lines = readFileSync(file, "utf8").split("\n");
    const at = lines.indexOf('"users": [') + 2;
    lines[at - 1] = "{not json},";
    writeFileSync(file, lines.join("\n"));
    expect(() => readTenantLineLayout(file)).toThrow(
      new RegExp(`line ${at}: array element is not valid JSON`),
    );
  });
});

test("the YAML example in docs/tenant-model.md is a valid tenant", () => {
  const doc = readFileSync(path.resolve(import.meta.dirname, "../../../docs/tenant-model.md"), "utf8");
  const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  expect(example).toBeDefined();
  const file = path.join(dir, "example.yaml");
  writeFileSync(file, example!);
  const loaded = loadTenantFile(file);
  expect(loaded.users[0]!.userPrincipalName).toBe("o'brien@contoso.com");
  expect(loaded.methods).toHaveLength(3);
});
