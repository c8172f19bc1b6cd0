import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Finding } from "../../src/detect/finding.js";
import type { AuthenticationMethod } from "../../src/graph/types.js";
import { csvCell, reportJson, writeCsvExports } from "../../src/report/exports.js";
import { renderReportHtml } from "../../src/report/html.js";
import type { ReportInput } from "../../src/report/model.js";
import { type CaseSnapshot, caseSnapshot } from "../../src/store/snapshot.js";

const HOSTILE = `<script>alert("pwned")</script><img src=x onerror=alert(1)>`;
const userId = "9f0d2c1a-0000-4000-8000-000000000001";

function snapshot(): CaseSnapshot {
  const methods: AuthenticationMethod[] = [
    {
      "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
      id: "m-1",
      displayName: HOSTILE,
    },
  ];
  return caseSnapshot({
    tenantId: "contoso",
    missing: new Set(["risk"]),
    users: [{ id: userId, userPrincipalName: "o'brien@contoso.com", displayName: HOSTILE }],
    methods: new Map([[userId, methods]]),
    devices: [{ id: "d-1", displayName: "x".repeat(5000), operatingSystem: "Windows" }],
    audits: [
      {
        id: "a-1",
        activityDateTime: "2026-05-04T09:12:44Z",
        activityDisplayName: "User registered security info",
        category: "UserManagement",
        resultReason: HOSTILE,
        initiatedBy: { user: { id: userId, ipAddress: "203.0.113.77" } },
        targetResources: [{ id: userId, type: "User" }],
      },
    ],
    signIns: [
      {
        id: "s-1",
        createdDateTime: "2026-05-04T09:00:00Z",
        userId,
        appDisplayName: HOSTILE,
        status: { errorCode: 500121, additionalDetails: "MFA denied; user declined the authentication" },
      },
    ],
    authenticationStrengthPolicies: [],
  });
}

const finding: Finding = {
  id: "f-1",
  detectionId: "new-method-unfamiliar-location",
  title: "Authenticator registered from an unfamiliar country",
  technique: "T1098.005",
  severity: "high",
  score: 85,
  userId,
  userPrincipalName: "o'brien@contoso.com",
  object: {
    kind: "method",
    methodId: "m-1",
    odataType: "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
    label: HOSTILE,
  },
  explanation: `Registered ${HOSTILE} from 203.0.113.77`,
  evidence: [
    { kind: "audit", id: "a-1", time: "2026-05-04T09:12:44Z", summary: HOSTILE, ipAddress: "203.0.113.77" },
  ],
  recommendedActions: ["deleteMethod"],
  privileged: false,
};

function input(): ReportInput {
  return {
    generatedAt: "2026-05-05T00:00:00Z",
    snapshot: snapshot(),
    findings: [finding],
    triage: [],
    eviction: {
      actions: [
        { userId, step: "deleteMethod", target: "m-1", status: "done", time: "2026-05-04T10:00:00Z" },
      ],
      verification: [{ userId, check: "rogue method gone", ok: true }],
      journalIntact: true,
    },
  };
}

describe("HTML report", () => {
  test("renders tenant data as text: no injected element or handler survives", () => {
    const out = renderReportHtml(input());
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/<img/i);
    expect(out).toContain("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;");
    expect(out).toContain("o&#39;brien@contoso.com");
  });

  test("is self-contained and says what remains to be done", () => {
    const out = renderReportHtml(input());
    expect(out).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(out).toContain("Content-Security-Policy");
    expect(out).toContain("The posture review has not been run.");
    expect(out).toContain('<svg class="timeline"');
    expect(out).toContain("Not in the case (so not checked): risk.");
  });
});

describe("exports", () => {
  test("CSV cells are quoted and neutralise spreadsheet formulas", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell("+1 5555551234")).toBe("'+1 5555551234");
  });

  test("writes one CSV per section and a JSON document with no secrets", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-"));
    const files = writeCsvExports(input(), dir);
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(
      ["actions.csv", "devices.csv", "findings.csv", "methods.csv", "posture.csv", "verification.csv"].sort(),
    );
    expect(readFileSync(join(dir, "findings.csv"), "utf8")).toContain("f-1,high,85,false,T1098.005");
    const withTap = input();
    withTap.snapshot.methods.get(userId)!.push({
      "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
      id: "tap",
      temporaryAccessPass: "+drkzqAD",
    });
    expect(JSON.stringify(reportJson(withTap))).not.toContain("+drkzqAD");
  });
});
