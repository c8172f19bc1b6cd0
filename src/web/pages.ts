import type { Finding, Severity, Triage } from "../detect/finding.js";
import { timelineChart } from "../report/charts.js";
import { compareFindings, severityRank } from "../report/model.js";
import { REPORT_CSS } from "../report/styles.js";
import type { TimelineEvent } from "../report/timeline.js";
import { html, type SafeHtml, trustedHtml } from "../shared/html.js";
import type { ApplyView, PlanView, UserView } from "./backend.js";

/** Server-rendered pages with no script at all: nothing in tenant data can run in the responder's browser. */
export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} — mfa-evict</title>
<style>${trustedHtml(REPORT_CSS)} nav a { margin-right: 16px; } form.inline { display: inline; } .filters label { margin-right: 12px; }</style></head>
<body><nav><a href="/">Findings</a><a href="/users">Users</a></nav><h1>${title}</h1>${body}</body></html>`
    .value;
}

export interface FindingFilters {
  minSeverity?: Severity;
  technique?: string;
  verdict?: Triage["verdict"] | "any";
  text?: string;
}

export function filterFindings(findings: Finding[], triage: Triage[], filters: FindingFilters): Finding[] {
  const verdicts = new Map(triage.map((t) => [t.findingId, t.verdict]));
  const text = filters.text?.toLowerCase();
  return findings
    .filter((f) => !filters.minSeverity || severityRank(f.severity) >= severityRank(filters.minSeverity))
    .filter((f) => !filters.technique || f.technique === filters.technique)
    .filter(
      (f) =>
        !filters.verdict ||
        filters.verdict === "any" ||
        (verdicts.get(f.id) ?? "undecided") === filters.verdict,
    )
    .filter(
      (f) =>
        !text ||
        [f.userPrincipalName, f.title, f.explanation, f.userId].some((v) => v?.toLowerCase().includes(text)),
    )
    .sort(compareFindings);
}

function option(value: string, label: string, selected: string | undefined): SafeHtml {
  return value === selected
    ? html`<option value="${value}" selected>${label}</option>`
    : html`<option value="${value}">${label}</option>`;
}

export function findingsPage(all: Finding[], triage: Triage[], filters: FindingFilters): string {
  const shown = filterFindings(all, triage, filters);
  const verdicts = new Map(triage.map((t) => [t.findingId, t]));
  const techniques = [...new Set(all.map((f) => f.technique))].sort();
  const rows = shown.map((f) => {
    const v = verdicts.get(f.id);
    return html`<tr><td><input type="checkbox" name="finding" value="${f.id}" aria-label="select ${f.id}"></td>
<td><span class="sev sev-${f.severity}">${f.severity}</span>${f.privileged ? html` <span class="tag">privileged</span>` : ""}</td>
<td>${f.score}</td><td><a href="/users/${encodeURIComponent(f.userId)}">${f.userPrincipalName ?? f.userId}</a></td>
<td><a href="/findings/${encodeURIComponent(f.id)}">${f.title}</a><br><span class="muted">${f.technique}</span></td>
<td>${f.explanation}</td><td>${v?.verdict ?? "undecided"}${f.suppressedBy ? html`<br><span class="tag">suppressed</span>` : ""}</td></tr>`;
  });
  return layout(
    "Findings",
    html`<form class="filters" method="get" action="/">
<label>Min severity <select name="minSeverity">${option("", "any", filters.minSeverity ?? "")}${(["low", "medium", "high", "critical"] as const).map((s) => option(s, s, filters.minSeverity))}</select></label>
<label>Technique <select name="technique">${option("", "any", filters.technique ?? "")}${techniques.map((t) => option(t, t, filters.technique))}</select></label>
<label>Verdict <select name="verdict">${(["any", "undecided", "truePositive", "falsePositive"] as const).map((v) => option(v, v, filters.verdict ?? "any"))}</select></label>
<label>Search <input name="text" value="${filters.text ?? ""}"></label>
<button type="submit">Filter</button></form>
<p class="muted">${shown.length} of ${all.length} finding(s).</p>
<form method="post" action="/plans">
<table><tr><th></th><th>severity</th><th>score</th><th>user</th><th>detection</th><th>why</th><th>verdict</th></tr>${rows}</table>
<button type="submit">Build an eviction plan from the selected findings</button></form>`,
  );
}

export function findingPage(f: Finding, verdict: Triage | undefined, events: TimelineEvent[]): string {
  const evidence = f.evidence.map(
    (e) =>
      html`<tr><td>${e.time ?? ""}</td><td>${e.kind}</td><td>${e.summary}</td><td>${[e.ipAddress, e.location, e.app].filter(Boolean).join(" · ")}</td></tr>`,
  );
  const checked = (v: Triage["verdict"]) => (verdict?.verdict ?? "undecided") === v;
  const radio = (v: Triage["verdict"], label: string) =>
    checked(v)
      ? html`<label><input type="radio" name="verdict" value="${v}" checked> ${label}</label> `
      : html`<label><input type="radio" name="verdict" value="${v}"> ${label}</label> `;
  return layout(
    f.title,
    html`<p><span class="sev sev-${f.severity}">${f.severity}</span> score ${f.score} · ${f.technique} · ${f.detectionId} · ${f.userPrincipalName ?? f.userId}${f.privileged ? " · privileged" : ""}</p>
<p>${f.explanation}</p>
${f.suppressedBy ? html`<p class="tag">suppressed by ${f.suppressedBy}</p>` : ""}
<h2>Evidence timeline</h2>${timelineChart(events)}
<table><tr><th>time</th><th>kind</th><th>what</th><th>where</th></tr>${evidence}</table>
<h2>Triage</h2>
<form method="post" action="/findings/${encodeURIComponent(f.id)}/triage">
${radio("truePositive", "true positive")}${radio("falsePositive", "false positive")}${radio("undecided", "undecided")}
<p><label>Reason <input name="reason" size="60" value="${verdict?.reason ?? ""}"></label></p>
<button type="submit">Save verdict</button></form>`,
  );
}

/** The exact text the responder types to apply: the plan's users, in the order shown. */
export function confirmationPhrase(plan: PlanView): string {
  return plan.users.map((u) => u.userPrincipalName).join(", ");
}

export function planPage(plan: PlanView, message?: string): string {
  const users = plan.users.map(
    (u) =>
      html`<h3>${u.userPrincipalName}</h3><ol>${u.steps.map((s) => html`<li>${s.title}${s.detail ? html` <span class="muted">— ${s.detail}</span>` : ""}</li>`)}</ol>`,
  );
  return layout(
    `Eviction plan ${plan.id}`,
    html`<p class="muted">Created ${plan.createdAt}. Nothing has been written to the tenant.</p>
${message ? html`<p class="fail">${message}</p>` : ""}
${plan.warnings.length ? html`<ul>${plan.warnings.map((w) => html`<li class="warning">${w}</li>`)}</ul>` : ""}
${users}
<h2>Dry run: the calls apply would make</h2><pre>${plan.dryRun.join("\n")}</pre>
<h2>Apply</h2>
<p>Applying writes to the live tenant. To confirm, type the users' names exactly as below, or run
<code>mfa-evict apply</code> from the command line.</p>
<pre>${confirmationPhrase(plan)}</pre>
<form method="post" action="/plans/${encodeURIComponent(plan.id)}/apply"><input name="confirm" size="80" autocomplete="off">
<button type="submit">Apply this plan</button></form>`,
  );
}

export function applyResultPage(plan: PlanView, result: ApplyView): string {
  return layout(
    `Applied plan ${plan.id}`,
    html`<p>${result.done} user(s) evicted and verified, ${result.skipped} skipped, ${result.failed.length} failed or refused.</p>
${result.failed.length ? html`<table><tr><th>user</th><th>outcome</th><th>reason</th></tr>${result.failed.map((f) => html`<tr><td>${f.userPrincipalName}</td><td>${f.status}</td><td>${f.reason}</td></tr>`)}</table>` : ""}
<p>Run <code>mfa-evict verify</code> to re-read the affected users.</p>`,
  );
}

export function usersPage(users: UserView[], text: string, limit: number): string {
  const rows = users.map(
    (u) =>
      html`<tr><td><a href="/users/${encodeURIComponent(u.id)}">${u.userPrincipalName}</a></td><td>${u.displayName ?? ""}</td><td>${u.methods.length}</td><td>${u.devices.length}</td><td>${u.findingIds.length}</td></tr>`,
  );
  return layout(
    "Users",
    html`<form class="filters" method="get" action="/users"><label>Search <input name="text" value="${text}"></label> <button type="submit">Search</button></form>
<p class="muted">${users.length === limit ? `First ${limit} matches.` : `${users.length} match(es).`}</p>
<table><tr><th>user</th><th>display name</th><th>methods</th><th>devices</th><th>findings</th></tr>${rows}</table>`,
  );
}

export function userPage(user: UserView): string {
  return layout(
    user.displayName ? `${user.displayName}` : user.userPrincipalName,
    html`<p>${user.userPrincipalName} · <span class="muted">${user.id}</span></p>
<h2>Authentication methods</h2>
<table><tr><th>type</th><th>detail</th><th>registered</th><th>id</th></tr>${user.methods.map(
      (m) =>
        html`<tr><td>${m.type}</td><td>${m.detail ?? ""}</td><td>${m.created ?? ""}</td><td class="muted">${m.id}</td></tr>`,
    )}</table>
<h2>Devices</h2>
<table><tr><th>name</th><th>OS</th><th>trust</th><th>registered</th><th>enabled</th></tr>${user.devices.map(
      (d) =>
        html`<tr><td>${d.displayName ?? d.id}</td><td>${d.operatingSystem ?? ""}</td><td>${d.trustType ?? ""}</td><td>${d.registered ?? ""}</td><td>${d.enabled === undefined ? "" : d.enabled ? "yes" : "no"}</td></tr>`,
    )}</table>
<h2>Findings</h2>
${user.findingIds.length ? html`<ul>${user.findingIds.map((id) => html`<li><a href="/findings/${encodeURIComponent(id)}">${id}</a></li>`)}</ul>` : html`<p>None.</p>`}`,
  );
}
