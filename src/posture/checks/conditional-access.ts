import { enabledPolicies, type PostureContext } from "../context.js";
import {
  appTarget,
  clientAppTypes,
  coversClientApps,
  grantFacts,
  LEGACY_CLIENT_APPS,
  MODERN_CLIENT_APPS,
  narrowingConditions,
  transferMethods,
} from "../policy-facts.js";
import { HIGHLY_PRIVILEGED_ROLES } from "../roles.js";
import { includesAllUsers } from "../scope.js";
import type { PolicyEvidence, PostureCheck } from "../types.js";
import type { CaPolicy } from "../wire.js";
import {
  type CheckMeta,
  evaluateRequirement,
  type Gap,
  makeCheck,
  notCollected,
  policyLabel,
} from "./requirement.js";

/** Sign-in policies: legacy auth, MFA for everyone, phishing-resistant admins, risk, device code. */

const CA_POLICIES = "Conditional Access policy data";

const grant = (ctx: PostureContext, policy: CaPolicy) =>
  grantFacts(policy, ctx.snapshot.authenticationStrengthPolicies);

function narrowingGaps(policy: CaPolicy, ignore: (condition: string) => boolean = () => false): Gap[] {
  return narrowingConditions(policy)
    .filter((condition) => !ignore(condition))
    .map((condition) => ({
      setting: "conditions",
      value: condition,
      note: `narrowed by "${condition}": the sign-ins it leaves out are not covered`,
      hard: false,
    }));
}

function allAppsGap(policy: CaPolicy): Gap[] {
  const target = appTarget(policy);
  return target.kind === "allApps"
    ? []
    : [
        {
          setting: "conditions.applications",
          value: target.text,
          note: "does not target all apps",
          hard: true,
        },
      ];
}

export const LEGACY_AUTH: CheckMeta = {
  id: "ca.legacyAuthBlocked",
  title: "Legacy authentication is blocked",
  area: "conditionalAccess",
  scubaGear: ["MS.AAD.1.1v1"],
  maester: ["MT.1009", "MT.1010"],
};

export function legacyAuthBlocked(ctx: PostureContext): PostureCheck {
  if (!ctx.policiesCollected) return notCollected(LEGACY_AUTH, CA_POLICIES);
  const outcome = evaluateRequirement(ctx, {
    relates: (p) =>
      grant(ctx, p).blocks &&
      appTarget(p).kind !== "userAction" &&
      clientAppTypes(p).some((type) => (LEGACY_CLIENT_APPS as readonly string[]).includes(type)),
    gaps: (p) => [
      ...LEGACY_CLIENT_APPS.filter((type) => !clientAppTypes(p).includes(type)).map((type) => ({
        setting: "conditions.clientAppTypes",
        value: clientAppTypes(p),
        note: `does not include ${type}`,
        hard: true,
      })),
      ...allAppsGap(p),
      ...narrowingGaps(p, (condition) => condition.startsWith("client apps")),
    ],
  });
  const summary = {
    pass: `${policyLabel(outcome.satisfiedBy)} blocks Exchange ActiveSync and other legacy clients for all users.`,
    warning: `Legacy authentication is blocked, but not for every user or sign-in (${policyLabel(outcome.best)}).`,
    fail: "No enforced policy blocks legacy authentication (Exchange ActiveSync and other clients) for all users; legacy protocols cannot do MFA.",
  }[outcome.result];
  return makeCheck(
    LEGACY_AUTH,
    outcome.result,
    summary,
    outcome.evidence,
    "Enforce a policy: All users (break-glass excluded), All apps, client apps Exchange ActiveSync + Other clients, grant Block.",
  );
}

export const MFA_ALL: CheckMeta = {
  id: "ca.mfaAllUsers",
  title: "MFA is required for all users and all apps",
  area: "conditionalAccess",
  scubaGear: ["MS.AAD.3.2v2"],
  maester: ["MT.1007", "CISA.MS.AAD.3.2"],
};

export function mfaAllUsers(ctx: PostureContext): PostureCheck {
  const defaults = ctx.snapshot.securityDefaults;
  if (!ctx.policiesCollected && !defaults) return notCollected(MFA_ALL, CA_POLICIES);
  const outcome = evaluateRequirement(ctx, {
    relates: (p) =>
      appTarget(p).kind === "allApps" &&
      grant(ctx, p).mfa !== "notRequired" &&
      (p.conditions.userRiskLevels ?? []).length === 0 &&
      (p.conditions.signInRiskLevels ?? []).length === 0,
    gaps: (p) => {
      const gaps: Gap[] = [];
      if (grant(ctx, p).mfa === "conditional") {
        gaps.push({
          setting: "grantControls",
          value: grant(ctx, p).text,
          note: "MFA can be skipped by meeting the other control (OR)",
          hard: false,
        });
      }
      if (!coversClientApps(p, MODERN_CLIENT_APPS)) {
        gaps.push({
          setting: "conditions.clientAppTypes",
          value: clientAppTypes(p),
          note: "does not cover browser and mobile/desktop clients",
          hard: true,
        });
      }
      return [...gaps, ...narrowingGaps(p, (condition) => condition.startsWith("client apps"))];
    },
  });
  if (outcome.result !== "pass" && defaults?.isEnabled && enabledPolicies(ctx).length === 0) {
    return makeCheck(
      MFA_ALL,
      "pass",
      "Security defaults are on and no Conditional Access policy is enabled: every user must register and use MFA.",
      [{ ref: defaults.id, name: "Security defaults", setting: "isEnabled", value: true }],
      "",
    );
  }
  const summary = {
    pass: `${policyLabel(outcome.satisfiedBy)} requires MFA for all users on all apps.`,
    warning: `MFA is required for all apps, but with exclusions or extra conditions (${policyLabel(outcome.best)}).`,
    fail: "No enforced policy requires MFA for all users on all apps.",
  }[outcome.result];
  return makeCheck(
    MFA_ALL,
    outcome.result,
    summary,
    outcome.evidence,
    "Enforce a policy: All users (break-glass excluded), All apps, all client apps, grant Require authentication strength (Multifactor authentication) or Require MFA, with no location or platform exclusions.",
  );
}

export const PHISHING_RESISTANT_ADMINS: CheckMeta = {
  id: "ca.phishingResistantPrivileged",
  title: "Privileged roles must use phishing-resistant authentication",
  area: "conditionalAccess",
  scubaGear: ["MS.AAD.3.6v1"],
  // Maester's port of the CISA baseline; its own MT.1006 only asks for MFA, which is weaker.
  maester: ["CISA.MS.AAD.3.6"],
};

/** Coverage is the union over enforced all-apps phishing-resistant policies: one policy per role is fine. */
export function phishingResistantPrivileged(ctx: PostureContext): PostureCheck {
  if (!ctx.policiesCollected) return notCollected(PHISHING_RESISTANT_ADMINS, CA_POLICIES);
  const covered = new Set<string>();
  const evidence: PolicyEvidence[] = [];
  const weaker: PolicyEvidence[] = [];
  for (const policy of ctx.policies) {
    if (appTarget(policy).kind !== "allApps") continue;
    const facts = grant(ctx, policy);
    if (facts.mfa === "notRequired") continue;
    const roles = includesAllUsers(policy)
      ? Object.keys(HIGHLY_PRIVILEGED_ROLES)
      : (policy.conditions.users?.includeRoles ?? []).filter((id) => id in HIGHLY_PRIVILEGED_ROLES);
    const excludedRoles = new Set(policy.conditions.users?.excludeRoles ?? []);
    const effective = roles.filter((id) => !excludedRoles.has(id));
    if (effective.length === 0) continue;
    const name = policy.displayName ?? undefined;
    if (policy.state !== "enabled" || !facts.phishingResistant) {
      weaker.push({
        ref: policy.id,
        name,
        setting: policy.state !== "enabled" ? "state" : "grantControls",
        value: policy.state !== "enabled" ? policy.state : facts.text,
        note:
          policy.state !== "enabled"
            ? "targets privileged roles but is not enforced"
            : "targets privileged roles but accepts phishable methods",
      });
      continue;
    }
    for (const id of effective) covered.add(id);
    evidence.push({
      ref: policy.id,
      name,
      setting: "grantControls",
      value: facts.text,
      note: `covers ${effective.map((id) => HIGHLY_PRIVILEGED_ROLES[id]).join(", ")}`,
    });
  }
  const missing = Object.keys(HIGHLY_PRIVILEGED_ROLES).filter((id) => !covered.has(id));
  const result = missing.length === 0 ? "pass" : "fail";
  if (missing.length > 0) {
    evidence.push({
      ref: "roles",
      setting: "conditions.users.includeRoles",
      value: missing,
      note: `not covered by an enforced phishing-resistant policy: ${missing.map((id) => HIGHLY_PRIVILEGED_ROLES[id]).join(", ")}`,
    });
  }
  return makeCheck(
    PHISHING_RESISTANT_ADMINS,
    result,
    result === "pass"
      ? "Every highly privileged role is covered by an enforced phishing-resistant authentication strength on all apps."
      : `${missing.length} highly privileged role(s) can still sign in with phishable methods (SMS, voice, push, OTP).`,
    result === "pass" ? evidence : [...evidence, ...weaker],
    "Enforce a policy: include the highly privileged roles (break-glass excluded), All apps, grant Require authentication strength = Phishing-resistant MFA (FIDO2, Windows Hello for Business, certificate).",
  );
}

export const HIGH_RISK_USERS: CheckMeta = {
  id: "ca.highRiskUsersBlocked",
  title: "High-risk users are blocked or remediated",
  area: "conditionalAccess",
  scubaGear: ["MS.AAD.2.1v1"],
  maester: ["MT.1013"],
};

export function highRiskUsers(ctx: PostureContext): PostureCheck {
  if (!ctx.policiesCollected) return notCollected(HIGH_RISK_USERS, CA_POLICIES);
  const outcome = evaluateRequirement(ctx, {
    relates: (p) => (p.conditions.userRiskLevels ?? []).includes("high"),
    gaps: (p) => {
      const facts = grant(ctx, p);
      const remediates =
        facts.blocks || facts.builtIn.includes("passwordChange") || facts.builtIn.includes("riskRemediation");
      return [
        ...(remediates
          ? []
          : [
              {
                setting: "grantControls",
                value: facts.text,
                note: "neither blocks nor requires a secure password change / risk remediation",
                hard: true,
              },
            ]),
        ...allAppsGap(p),
      ];
    },
  });
  return makeCheck(
    HIGH_RISK_USERS,
    outcome.result,
    {
      pass: `${policyLabel(outcome.satisfiedBy)} blocks or remediates users at high risk.`,
      warning: "A high user-risk policy exists but has exclusions or extra conditions.",
      fail: "No enforced policy blocks or remediates users Identity Protection rates high risk.",
    }[outcome.result],
    outcome.evidence,
    "Enforce a policy: All users (break-glass excluded), All apps, user risk High, grant Block (or Require risk remediation / password change + MFA). Needs Entra ID P2.",
  );
}

export const HIGH_RISK_SIGNINS: CheckMeta = {
  id: "ca.highRiskSignInsBlocked",
  title: "High-risk sign-ins are blocked or remediated",
  area: "conditionalAccess",
  scubaGear: ["MS.AAD.2.3v1"],
  maester: ["MT.1012"],
};

export function highRiskSignIns(ctx: PostureContext): PostureCheck {
  if (!ctx.policiesCollected) return notCollected(HIGH_RISK_SIGNINS, CA_POLICIES);
  const outcome = evaluateRequirement(ctx, {
    relates: (p) => (p.conditions.signInRiskLevels ?? []).includes("high"),
    gaps: (p) => {
      const facts = grant(ctx, p);
      const handles = facts.blocks || facts.mfa === "required" || facts.builtIn.includes("riskRemediation");
      return [
        ...(handles
          ? []
          : [
              {
                setting: "grantControls",
                value: facts.text,
                note: "neither blocks nor requires MFA / risk remediation",
                hard: true,
              },
            ]),
        ...allAppsGap(p),
      ];
    },
  });
  return makeCheck(
    HIGH_RISK_SIGNINS,
    outcome.result,
    {
      pass: `${policyLabel(outcome.satisfiedBy)} blocks or remediates high-risk sign-ins.`,
      warning: "A high sign-in-risk policy exists but has exclusions or extra conditions.",
      fail: "No enforced policy blocks or challenges sign-ins Identity Protection rates high risk.",
    }[outcome.result],
    outcome.evidence,
    "Enforce a policy: All users (break-glass excluded), All apps, sign-in risk High, grant Block (or Require MFA with sign-in frequency Every time). Needs Entra ID P2.",
  );
}

export const SECURITY_DEFAULTS: CheckMeta = {
  id: "ca.securityDefaultsConsistency",
  title: "Security defaults and Conditional Access are consistent",
  area: "conditionalAccess",
  scubaGear: [],
  maester: [],
};

export function securityDefaultsConsistency(ctx: PostureContext): PostureCheck {
  const defaults = ctx.snapshot.securityDefaults;
  if (!defaults) return notCollected(SECURITY_DEFAULTS, "The security defaults policy");
  const enabled = ctx.policiesCollected ? enabledPolicies(ctx) : [];
  const evidence: PolicyEvidence[] = [
    { ref: defaults.id, name: "Security defaults", setting: "isEnabled", value: defaults.isEnabled },
    ...enabled.map((p) => ({
      ref: p.id,
      name: p.displayName ?? undefined,
      setting: "state",
      value: p.state,
    })),
  ];
  if (defaults.isEnabled && enabled.length > 0) {
    return makeCheck(
      SECURITY_DEFAULTS,
      "warning",
      `Security defaults are on while ${enabled.length} Conditional Access policy(ies) are enabled; Entra does not allow both, so one of the two readings is stale.`,
      evidence,
      "Re-collect the policies; then keep Conditional Access and turn security defaults off.",
    );
  }
  if (defaults.isEnabled) {
    return makeCheck(
      SECURITY_DEFAULTS,
      "warning",
      "Security defaults are on and no Conditional Access policy is enabled: MFA is required, but registration of security info and devices cannot be restricted to trusted locations or devices.",
      evidence,
      "Move to Conditional Access (Entra ID P1): turn security defaults off only after enforcing MFA, legacy-auth block and registration policies.",
    );
  }
  if (!ctx.policiesCollected) return notCollected(SECURITY_DEFAULTS, CA_POLICIES);
  if (enabled.length === 0) {
    return makeCheck(
      SECURITY_DEFAULTS,
      "fail",
      "Security defaults are off and no Conditional Access policy is enabled: nothing in the tenant requires MFA.",
      evidence,
      "Enforce Conditional Access policies for MFA (or turn security defaults back on until they exist).",
    );
  }
  return makeCheck(
    SECURITY_DEFAULTS,
    "pass",
    `Security defaults are off and ${enabled.length} Conditional Access policy(ies) are enabled.`,
    evidence,
    "",
  );
}

export const DEVICE_CODE: CheckMeta = {
  id: "ca.deviceCodeFlowBlocked",
  title: "Device-code flow is blocked",
  area: "conditionalAccess",
  scubaGear: ["MS.AAD.3.9v1"],
  maester: ["MT.1052"],
};

export function deviceCodeFlowBlocked(ctx: PostureContext): PostureCheck {
  if (!ctx.policiesCollected) return notCollected(DEVICE_CODE, CA_POLICIES);
  const outcome = evaluateRequirement(ctx, {
    relates: (p) => transferMethods(p).includes("deviceCodeFlow"),
    gaps: (p) => [
      ...(grant(ctx, p).blocks
        ? []
        : [{ setting: "grantControls", value: grant(ctx, p).text, note: "does not block", hard: true }]),
      ...allAppsGap(p),
      ...narrowingGaps(p, (condition) => condition.startsWith("authentication flows")),
    ],
  });
  return makeCheck(
    DEVICE_CODE,
    outcome.result,
    {
      pass: `${policyLabel(outcome.satisfiedBy)} blocks the device-code flow for all users.`,
      warning: "The device-code flow is blocked, but with exclusions or extra conditions.",
      fail: "No enforced policy blocks the device-code flow, which device-code phishing uses to obtain tokens and register devices.",
    }[outcome.result],
    outcome.evidence,
    "Enforce a policy: All users (break-glass excluded), All apps, authentication flows = Device code flow, grant Block.",
  );
}
