import type { ApplyProposalsResult } from "./apply.js";
import type { ProposalSet } from "./proposals.js";
import type { CheckResult, PostureReport } from "./types.js";

/** Plain-text rendering for the terminal. Tenant-supplied names are stripped of control characters. */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const printable = (text: string): string => text.replace(CONTROL, "?");

const MARK: Record<CheckResult, string> = {
  pass: "PASS",
  fail: "FAIL",
  warning: "WARN",
  notApplicable: "N/A ",
};

function value(v: unknown): string {
  return printable(typeof v === "string" ? v : JSON.stringify(v));
}

export function renderReport(report: PostureReport): string {
  const lines: string[] = [];
  const c = report.counts;
  lines.push(
    `Posture review: ${c.fail} fail, ${c.warning} warning, ${c.pass} pass, ${c.notApplicable} not applicable`,
  );
  if (report.missingStreams.length > 0) {
    lines.push(
      `Not in the case: ${report.missingStreams.join(", ")} — checks that need them are marked N/A.`,
    );
  }
  if (report.unresolvedGroups.length > 0) {
    const groups = report.unresolvedGroups.map(
      (g) => `${printable(g.name)}${g.nestedIn ? ` (nested in ${printable(g.nestedIn)})` : ""}`,
    );
    lines.push(
      `Group membership not in the case for: ${groups.join(", ")} — coverage through these groups is unknown.`,
    );
  }
  lines.push(
    report.breakGlass.length > 0
      ? `Break-glass: ${report.breakGlass.map((b) => `${printable(b.userPrincipalName)} (${printable(b.source)})`).join("; ")}`
      : "Break-glass: none designated or inferred (use --break-glass)",
  );
  lines.push("");
  for (const check of report.checks) {
    const refs = [...check.scubaGear, ...check.maester];
    lines.push(`${MARK[check.result]}  ${check.id}${refs.length ? ` [${refs.join(", ")}]` : ""}`);
    lines.push(`      ${printable(check.summary)}`);
    for (const e of check.evidence) {
      const name = e.name ? ` "${printable(e.name)}"` : "";
      lines.push(
        `      - ${printable(e.ref)}${name}: ${printable(e.setting)} = ${value(e.value)}${e.note ? ` — ${printable(e.note)}` : ""}`,
      );
    }
    if (check.fix) lines.push(`      fix: ${printable(check.fix)}`);
  }
  if (report.coverage.length > 0) {
    lines.push("", "Per-user coverage (affected and privileged users):");
    for (const user of report.coverage) {
      lines.push(
        `  ${printable(user.userPrincipalName)} [${user.why.join(", ")}]${user.roles.length ? ` roles: ${user.roles.map(printable).join(", ")}` : ""}`,
      );
      lines.push(
        `      MFA for sign-in: ${user.mfaForSignIn}; phishing-resistant: ${yes(user.phishingResistantForSignIn)}; legacy auth blocked: ${yes(user.legacyAuthBlocked)}; security-info registration protected: ${yes(user.securityInfoRegistrationProtected)}; device registration protected: ${yes(user.deviceRegistrationProtected)}`,
      );
      for (const p of user.enforced) {
        lines.push(
          `      enforced: "${printable(p.displayName)}" via ${printable(p.includedBy)} — ${p.target} → ${p.controls}${p.narrowedBy.length ? ` (narrowed by: ${p.narrowedBy.join("; ")})` : ""}`,
        );
      }
      for (const p of user.reportOnly)
        lines.push(
          `      report-only: "${printable(p.displayName)}" via ${printable(p.includedBy)} — ${p.target} → ${p.controls}`,
        );
      for (const p of user.excludedFrom)
        lines.push(
          `      excluded from: "${printable(p.displayName)}" (${p.state}) by ${printable(p.excludedBy)}`,
        );
      lines.push(`      gaps: ${user.gaps.length ? user.gaps.map(printable).join(", ") : "none"}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const yes = (flag: boolean) => (flag ? "yes" : "NO");

export function renderProposals(set: ProposalSet, dir: string): string {
  if (set.proposals.length === 0) return `No policy changes to propose; nothing written to ${dir}.\n`;
  const lines = [
    `${set.proposals.length} proposal(s) written to ${dir} (all report-only, break-glass excluded):`,
  ];
  for (const p of set.proposals) {
    lines.push(
      `  ${p.file}: ${p.action}${p.policyId ? ` ${p.policyId}` : ""} "${printable(p.body.displayName)}" — ${printable(p.reason)}`,
    );
  }
  lines.push(
    `Review the files, then: mfa-evict posture --case <file> --apply ${dir} (dry run) and add --yes to write.`,
  );
  return `${lines.join("\n")}\n`;
}

export function renderApply(result: ApplyProposalsResult): string {
  const lines = result.results.map(
    (r) =>
      `  ${r.status.padEnd(11)} ${r.file}: "${printable(r.displayName)}"${r.policyId ? ` (${r.policyId})` : ""} — ${printable(r.detail)}`,
  );
  const counts = Object.entries(result.counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(", ");
  lines.unshift(result.dryRun ? "Dry run (add --yes to write):" : `Applied (journal run ${result.runId}):`);
  lines.push(counts || "nothing to do");
  return `${lines.join("\n")}\n`;
}
