import type { Finding, Severity } from "../detect/finding.js";
import { html, type SafeHtml, trustedHtml } from "../shared/html.js";
import { barChart, timelineChart } from "./charts.js";
import { activeFindings, compareFindings, type ReportInput, severityRank } from "./model.js";
import { REPORT_CSS } from "./styles.js";
import { userTimeline } from "./timeline.js";

const SEVERITY_COLOURS: Record<Severity, string> = {
  critical: "#7b1020",
  high: "#b3261e",
  medium: "#c77700",
  low: "#1f5fa8",
  informational: "#5f6368",
};

/** The whole report as one self-contained HTML document (no script, no external resource). */
export function renderReportHtml(input: ReportInput): string {
  const findings = [...input.findings].sort(compareFindings);
  const active = activeFindings(findings, input.triage);
  const doc = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>mfa-evict report${input.snapshot.tenantId ? ` — ${input.snapshot.tenantId}` : ""}</title>
<style>${trustedHtml(REPORT_CSS)}</style></head>
<body>
<header><h1>mfa-evict incident report</h1>
<p class="muted">Tenant ${input.snapshot.tenantId ?? "unknown"} · generated ${input.generatedAt}${input.caseFile ? ` · case ${input.caseFile}` : ""}</p></header>
${executiveSummary(input, active)}
${findingsSection(findings, input)}
${timelinesSection(input, active)}
${evictionSection(input)}
${postureSection(input)}
${rulesSection(input)}
${coverageSection(input)}
</body></html>`;
  return doc.value;
}

function executiveSummary(input: ReportInput, active: Finding[]): SafeHtml {
  const users = new Set(active.map((f) => f.userId));
  const privileged = new Set(active.filter((f) => f.privileged).map((f) => f.userId));
  const actions = input.eviction?.actions ?? [];
  const done = actions.filter((a) => a.status === "done" || a.status === "alreadyDone").length;
  const failed = actions.filter((a) => a.status === "failed");
  const checks = input.eviction?.verification ?? [];
  const failedChecks = checks.filter((c) => !c.ok);
  const evictedUsers = new Set(actions.map((a) => a.userId));
  const notEvicted = [...users].filter((u) => !evictedUsers.has(u));
  const postureFails = (input.posture ?? []).filter((p) => p.result === "fail");
  const bySeverity = (["critical", "high", "medium", "low", "informational"] as Severity[])
    .map((s) => ({
      label: s,
      value: active.filter((f) => f.severity === s).length,
      colour: SEVERITY_COLOURS[s],
    }))
    .filter((r) => r.value > 0);
  const techniques = [...new Set(active.map((f) => f.technique))].sort();

  const remains: SafeHtml[] = [];
  if (notEvicted.length > 0)
    remains.push(html`<li>${notEvicted.length} affected user(s) have no eviction action yet.</li>`);
  if (failed.length > 0)
    remains.push(html`<li>${failed.length} eviction step(s) failed — see the eviction section.</li>`);
  if (failedChecks.length > 0)
    remains.push(html`<li>${failedChecks.length} verification check(s) did not pass.</li>`);
  if (postureFails.length > 0)
    remains.push(
      html`<li>${postureFails.length} posture check(s) failed: the gaps the attacker used are still open.</li>`,
    );
  if (!input.eviction) remains.push(html`<li>No eviction has been applied from this case.</li>`);
  if (!input.posture) remains.push(html`<li>The posture review has not been run.</li>`);
  if (!input.rules) remains.push(html`<li>No detection rules have been exported for the SIEM.</li>`);

  return html`<section><h2>Executive summary</h2>
<div class="cards">
<div class="card"><b>${active.length}</b>active findings</div>
<div class="card"><b>${users.size}</b>affected users</div>
<div class="card"><b>${privileged.size}</b>privileged users affected</div>
<div class="card"><b>${done}</b>eviction steps done</div>
<div class="card"><b>${failed.length + failedChecks.length}</b>failures to follow up</div>
</div>
<h3>What happened</h3>
<p>${
    active.length === 0
      ? "No active finding: nothing in the case shows an attacker-registered MFA method or device."
      : `${active.length} finding(s) on ${users.size} user(s)${privileged.size ? `, ${privileged.size} of them privileged` : ""}, by technique ${techniques.join(", ")}.`
  }</p>
${barChart(bySeverity)}
<h3>What was done</h3>
<p>${
    input.eviction
      ? `${done} eviction step(s) completed for ${evictedUsers.size} user(s); ${checks.length - failedChecks.length} of ${checks.length} verification check(s) passed.`
      : "Nothing yet."
  }</p>
<h3>What remains</h3>
${remains.length > 0 ? html`<ul>${remains}</ul>` : html`<p>Nothing: every finding was acted on and verified.</p>`}
</section>`;
}

function findingsSection(findings: Finding[], input: ReportInput): SafeHtml {
  const verdicts = new Map(input.triage.map((t) => [t.findingId, t]));
  const rows = findings.map((f) => {
    const verdict = verdicts.get(f.id);
    const object =
      f.object.kind === "method"
        ? `${f.object.label ?? f.object.odataType.replace("#microsoft.graph.", "")} (${f.object.methodId})`
        : f.object.kind === "device"
          ? `device ${f.object.label ?? ""} (${f.object.deviceObjectId ?? f.object.deviceId ?? "?"})`
          : "account";
    const evidence = f.evidence.map(
      (e) =>
        html`<tr><td>${e.time ?? ""}</td><td>${e.kind}</td><td>${e.summary}</td><td>${[e.ipAddress, e.location, e.app].filter(Boolean).join(" · ")}</td></tr>`,
    );
    return html`<tr id="finding-${f.id}">
<td><span class="sev sev-${f.severity}">${f.severity}</span>${f.privileged ? html` <span class="tag">privileged</span>` : ""}</td>
<td>${f.score}</td><td>${f.userPrincipalName ?? f.userId}</td><td>${f.title}<br><span class="muted">${f.technique} · ${f.detectionId}</span></td>
<td>${object}</td>
<td>${f.explanation}${f.suppressedBy ? html`<br><span class="tag">suppressed: ${f.suppressedBy}</span>` : ""}${verdict ? html`<br><span class="tag">${verdict.verdict}${verdict.reason ? `: ${verdict.reason}` : ""}</span>` : ""}
<details><summary>${f.evidence.length} evidence record(s)</summary><table><tr><th>time</th><th>kind</th><th>what</th><th>where</th></tr>${evidence}</table></details></td></tr>`;
  });
  return html`<section><h2>Findings</h2>
${findings.length === 0 ? html`<p>No findings.</p>` : html`<table class="findings"><tr><th>severity</th><th>score</th><th>user</th><th>detection</th><th>object</th><th>why</th></tr>${rows}</table>`}
</section>`;
}

function timelinesSection(input: ReportInput, active: Finding[]): SafeHtml {
  const byUser = new Map<string, Finding[]>();
  for (const f of active) byUser.set(f.userId, [...(byUser.get(f.userId) ?? []), f]);
  const users = [...byUser.entries()].sort(
    ([, a], [, b]) =>
      Number(b.some((f) => f.privileged)) - Number(a.some((f) => f.privileged)) ||
      Math.max(...b.map((f) => severityRank(f.severity))) -
        Math.max(...a.map((f) => severityRank(f.severity))),
  );
  const actions = input.eviction?.actions ?? [];
  const sections = users.map(([userId, findings]) => {
    const upn =
      findings[0]?.userPrincipalName ?? input.snapshot.users.find((u) => u.id === userId)?.userPrincipalName;
    const events = userTimeline(input.snapshot, userId, findings, actions);
    const keyEvents = events.filter((e) => e.evidence || e.lane === "eviction" || e.lane === "risk");
    return html`<section class="user"><h3>${upn ?? userId}</h3>
${timelineChart(events)}
<details><summary>${keyEvents.length} key event(s)</summary><table><tr><th>time</th><th>event</th><th>detail</th></tr>${keyEvents.map(
      (e) => html`<tr><td>${e.time}</td><td>${e.label}</td><td>${e.detail ?? ""}</td></tr>`,
    )}</table></details></section>`;
  });
  return html`<section><h2>Per-user timelines</h2>
<p class="muted">Large dots with a black ring are the findings' evidence. Hover a dot for its details.</p>
${sections.length > 0 ? sections : html`<p>No affected users.</p>`}</section>`;
}

function evictionSection(input: ReportInput): SafeHtml {
  const eviction = input.eviction;
  if (!eviction)
    return html`<section><h2>Eviction</h2><p>No eviction has been applied from this case.</p></section>`;
  const actionRows = eviction.actions.map(
    (a) =>
      html`<tr><td>${a.time ?? ""}</td><td>${a.userPrincipalName ?? a.userId}</td><td>${a.step}</td><td>${a.target ?? ""}</td><td class="${a.status === "failed" ? "fail" : a.status === "done" || a.status === "alreadyDone" ? "pass" : ""}">${a.status}</td><td>${a.detail ?? ""}</td></tr>`,
  );
  const checkRows = eviction.verification.map(
    (c) =>
      html`<tr><td>${c.userPrincipalName ?? c.userId}</td><td>${c.check}</td><td class="${c.ok ? "pass" : "fail"}">${c.ok ? "pass" : "fail"}</td><td>${c.detail ?? ""}</td></tr>`,
  );
  return html`<section><h2>Eviction</h2>
<p>Journal integrity: ${eviction.journalIntact === undefined ? "not checked" : eviction.journalIntact ? "hash chain verified" : "HASH CHAIN BROKEN"}.</p>
${eviction.expectedAlerts?.length ? html`<p>SOC alerts these steps are expected to trigger (not a new attack):</p><ul>${eviction.expectedAlerts.map((a) => html`<li>${a}</li>`)}</ul>` : ""}
<h3>Actions</h3><table><tr><th>time</th><th>user</th><th>step</th><th>target</th><th>status</th><th>detail</th></tr>${actionRows}</table>
<h3>Verification</h3>${checkRows.length > 0 ? html`<table><tr><th>user</th><th>check</th><th>result</th><th>detail</th></tr>${checkRows}</table>` : html`<p>Not verified yet.</p>`}
</section>`;
}

function postureSection(input: ReportInput): SafeHtml {
  if (!input.posture)
    return html`<section><h2>Posture</h2><p>The posture review has not been run.</p></section>`;
  const order = { fail: 0, warning: 1, pass: 2, notApplicable: 3 };
  const rows = [...input.posture]
    .sort((a, b) => order[a.result] - order[b.result] || a.id.localeCompare(b.id))
    .map(
      (p) =>
        html`<tr><td class="${p.result}">${p.result}</td><td>${p.title}<br><span class="muted">${p.id}${p.references.length ? ` · ${p.references.join(", ")}` : ""}</span></td><td>${p.evidence}</td><td>${p.fix ?? ""}</td></tr>`,
    );
  return html`<section><h2>Posture</h2><table><tr><th>result</th><th>check</th><th>evidence</th><th>fix</th></tr>${rows}</table></section>`;
}

function rulesSection(input: ReportInput): SafeHtml {
  if (!input.rules) return html`<section><h2>Detection rules</h2><p>No rules exported yet.</p></section>`;
  const rows = input.rules.map(
    (r) =>
      html`<tr><td>${r.name}<br><span class="muted">${r.id}</span></td><td>${r.severity}</td><td>${r.technique ?? ""}</td><td>${r.formats.join(", ")}</td></tr>`,
  );
  return html`<section><h2>Detection rules</h2><p>Export them with <code>mfa-evict rules --format kql|sigma --out DIR --case FILE</code> (tuned to this tenant).</p>
<table><tr><th>rule</th><th>severity</th><th>technique</th><th>formats</th></tr>${rows}</table></section>`;
}

function coverageSection(input: ReportInput): SafeHtml {
  const s = input.snapshot;
  const counts: [string, number][] = [
    ["users", s.users.length],
    ["users with method inventory", s.methods.size],
    ["devices", s.devices.length],
    ["directory audits", s.audits.length],
    ["sign-ins", s.signIns.length],
    ["risk detections", s.riskDetections.length],
    ["Conditional Access policies", s.conditionalAccessPolicies.length],
  ];
  return html`<section><h2>What the case holds</h2><table>${counts.map(([k, v]) => html`<tr><td>${k}</td><td>${v}</td></tr>`)}</table>
${s.missing.size > 0 ? html`<p>Not in the case (so not checked): ${[...s.missing].join(", ")}.</p>` : ""}</section>`;
}
