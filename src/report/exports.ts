import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { redactValue } from "../shared/redact.js";
import type { ReportInput } from "./model.js";

/**
 * One CSV cell, RFC 4180 quoted. Cells that a spreadsheet would run as a formula (=, +, -, @, tab,
 * CR at the start) get a leading apostrophe: tenant data is attacker-controlled (CSV injection).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text =
    typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** The machine-readable twin of the HTML report, for other tools. Secrets are redacted on the way out. */
export function reportJson(input: ReportInput): unknown {
  const s = input.snapshot;
  return redactValue({
    generatedAt: input.generatedAt,
    tenantId: s.tenantId,
    missing: [...s.missing],
    findings: input.findings,
    triage: input.triage,
    inventory: {
      users: s.users.map((u) => ({
        id: u.id,
        userPrincipalName: u.userPrincipalName,
        displayName: u.displayName,
      })),
      methods: [...s.methods.entries()].flatMap(([userId, methods]) =>
        methods.map((m) => ({ userId, ...m })),
      ),
      devices: s.devices,
    },
    eviction: input.eviction,
    posture: input.posture,
    rules: input.rules,
  });
}

/** findings.csv, methods.csv, devices.csv, actions.csv, verification.csv, posture.csv in DIR. */
export function writeCsvExports(input: ReportInput, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    [
      "findings.csv",
      toCsv(
        [
          "id",
          "severity",
          "score",
          "privileged",
          "technique",
          "detection",
          "user",
          "object",
          "explanation",
          "suppressedBy",
        ],
        input.findings.map((f) => [
          f.id,
          f.severity,
          f.score,
          f.privileged,
          f.technique,
          f.detectionId,
          f.userPrincipalName ?? f.userId,
          f.object.kind === "method"
            ? f.object.methodId
            : f.object.kind === "device"
              ? (f.object.deviceObjectId ?? f.object.deviceId)
              : "",
          f.explanation,
          f.suppressedBy,
        ]),
      ),
    ],
    [
      "methods.csv",
      toCsv(
        ["userId", "methodId", "type", "detail", "createdDateTime"],
        [...input.snapshot.methods.entries()].flatMap(([userId, methods]) =>
          methods.map((m) => [
            userId,
            m.id,
            m["@odata.type"].replace("#microsoft.graph.", ""),
            "phoneNumber" in m
              ? m.phoneNumber
              : "displayName" in m
                ? m.displayName
                : "emailAddress" in m
                  ? m.emailAddress
                  : "",
            m.createdDateTime,
          ]),
        ),
      ),
    ],
    [
      "devices.csv",
      toCsv(
        [
          "id",
          "deviceId",
          "displayName",
          "operatingSystem",
          "trustType",
          "registrationDateTime",
          "accountEnabled",
          "owners",
        ],
        input.snapshot.devices.map((d) => [
          d.id,
          d.deviceId,
          d.displayName,
          d.operatingSystem,
          d.trustType,
          d.registrationDateTime,
          d.accountEnabled,
          (d.registeredOwners ?? []).map((o) => o.userPrincipalName ?? o.id).join(" "),
        ]),
      ),
    ],
    [
      "actions.csv",
      toCsv(
        ["time", "user", "step", "target", "status", "detail"],
        (input.eviction?.actions ?? []).map((a) => [
          a.time,
          a.userPrincipalName ?? a.userId,
          a.step,
          a.target,
          a.status,
          a.detail,
        ]),
      ),
    ],
    [
      "verification.csv",
      toCsv(
        ["user", "check", "ok", "detail"],
        (input.eviction?.verification ?? []).map((c) => [
          c.userPrincipalName ?? c.userId,
          c.check,
          c.ok,
          c.detail,
        ]),
      ),
    ],
    [
      "posture.csv",
      toCsv(
        ["id", "title", "result", "references", "evidence", "fix"],
        (input.posture ?? []).map((p) => [
          p.id,
          p.title,
          p.result,
          p.references.join(" "),
          p.evidence,
          p.fix,
        ]),
      ),
    ],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
