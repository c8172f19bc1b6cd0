import { canonicalJson, sha256Hex } from "../journal/canonical.js";
import type { PostureContext } from "./context.js";
import { appTarget } from "./policy-facts.js";
import { type ProposedPolicy, REPORT_ONLY } from "./proposal-schema.js";
import { HIGHLY_PRIVILEGED_ROLES } from "./roles.js";
import { userScope } from "./scope.js";
import type { PostureReport } from "./types.js";
import {
  type CaPolicy,
  STRENGTH_MFA,
  STRENGTH_PHISHING_RESISTANT,
  USER_ACTION_REGISTER_DEVICE,
  USER_ACTION_REGISTER_SECURITY_INFO,
} from "./wire.js";

/**
 * Proposed fixes as Graph bodies. Every proposal is report-only; every proposal excludes the
 * break-glass accounts. A fix to an enforced policy is proposed as a report-only copy beside it,
 * never as an edit: switching an enforced policy to report-only would switch its protection off.
 */

export interface Proposal {
  /** File name in the proposal directory, e.g. `01-block-legacy-authentication.json`. */
  file: string;
  action: "create" | "update";
  /** The existing policy an update changes. */
  policyId?: string;
  /**
   * For an update: the hash of the policy's user conditions as the case saw them. Apply refuses
   * the update when the live policy's differ (someone changed it since; a stale PATCH could drop
   * an exclusion added meanwhile, a break-glass one included).
   */
  basedOnUsersSha256?: string;
  /** The checks this fixes. */
  checkIds: string[];
  reason: string;
  body: ProposedPolicy;
}

export interface ProposalSet {
  generatedAt: string;
  tenantId?: string;
  /** Accounts every proposal excludes; apply refuses a body that drops one. */
  breakGlassUserIds: string[];
  proposals: Proposal[];
}

export const PROPOSAL_PREFIX = "mfa-evict: ";

type Users = ProposedPolicy["conditions"]["users"];
type Grant = ProposedPolicy["grantControls"];

interface Template {
  checkId: string;
  slug: string;
  name: string;
  reason: string;
  build(users: Users): Omit<ProposedPolicy, "displayName" | "state" | "sessionControls" | "description">;
}

const allApps = {
  includeApplications: ["All"],
  excludeApplications: [],
  includeUserActions: [],
  includeAuthenticationContextClassReferences: [],
};
const userAction = (action: "urn:user:registersecurityinfo" | "urn:user:registerdevice") => ({
  includeApplications: [],
  excludeApplications: [],
  includeUserActions: [action],
  includeAuthenticationContextClassReferences: [],
});
const noRisk = { signInRiskLevels: [], userRiskLevels: [], servicePrincipalRiskLevels: [] };
const grant = (
  builtInControls: Grant["builtInControls"],
  strength?: string,
  operator: "AND" | "OR" = "OR",
): Grant => ({
  operator,
  builtInControls,
  customAuthenticationFactors: [],
  termsOfUse: [],
  authenticationStrength: strength ? { id: strength } : null,
});

const TEMPLATES: Template[] = [
  {
    checkId: "ca.legacyAuthBlocked",
    slug: "block-legacy-authentication",
    name: "Block legacy authentication",
    reason: "Legacy protocols cannot do MFA (MS.AAD.1.1v1).",
    build: (users) => ({
      conditions: {
        users,
        applications: allApps,
        clientAppTypes: ["exchangeActiveSync", "other"],
        ...noRisk,
      },
      grantControls: grant(["block"]),
    }),
  },
  {
    checkId: "ca.mfaAllUsers",
    slug: "require-mfa-all-users",
    name: "Require MFA for all users",
    reason: "MFA for every user on every app, with no location exemptions (MS.AAD.3.2v2).",
    build: (users) => ({
      conditions: { users, applications: allApps, clientAppTypes: ["all"], ...noRisk },
      grantControls: grant([], STRENGTH_MFA),
    }),
  },
  {
    checkId: "ca.phishingResistantPrivileged",
    slug: "phishing-resistant-privileged-roles",
    name: "Phishing-resistant MFA for privileged roles",
    reason: "Tier 0 accounts must not be satisfiable by SMS, voice, push or OTP (MS.AAD.3.6v1).",
    build: (users) => ({
      conditions: {
        users: { ...users, includeUsers: [], includeRoles: Object.keys(HIGHLY_PRIVILEGED_ROLES) },
        applications: allApps,
        clientAppTypes: ["all"],
        ...noRisk,
      },
      grantControls: grant([], STRENGTH_PHISHING_RESISTANT),
    }),
  },
  {
    checkId: "ca.highRiskUsersBlocked",
    slug: "block-high-risk-users",
    name: "Block high-risk users",
    reason:
      "Users Identity Protection rates high risk are blocked until an administrator clears them (MS.AAD.2.1v1).",
    build: (users) => ({
      conditions: {
        users,
        applications: allApps,
        clientAppTypes: ["all"],
        ...noRisk,
        userRiskLevels: ["high"],
      },
      grantControls: grant(["block"]),
    }),
  },
  {
    checkId: "ca.highRiskSignInsBlocked",
    slug: "block-high-risk-sign-ins",
    name: "Block high-risk sign-ins",
    reason: "Sign-ins Identity Protection rates high risk are blocked (MS.AAD.2.3v1).",
    build: (users) => ({
      conditions: {
        users,
        applications: allApps,
        clientAppTypes: ["all"],
        ...noRisk,
        signInRiskLevels: ["high"],
      },
      grantControls: grant(["block"]),
    }),
  },
  {
    checkId: "ca.deviceCodeFlowBlocked",
    slug: "block-device-code-flow",
    name: "Block device code flow",
    reason:
      "Device-code phishing yields tokens that can register devices and methods (MS.AAD.3.9v1, MT.1052).",
    build: (users) => ({
      conditions: {
        users,
        applications: allApps,
        clientAppTypes: ["all"],
        ...noRisk,
        authenticationFlows: { transferMethods: "deviceCodeFlow" },
      },
      grantControls: grant(["block"]),
    }),
  },
  {
    checkId: "reg.securityInfoRegistration",
    slug: "protect-security-info-registration",
    name: "Require MFA to register security info",
    reason:
      "A password alone must not be enough to add an MFA method (T1098.005, MS.AAD.3.8v1, MT.1011); the Multifactor authentication strength accepts a Temporary Access Pass for first enrolment (ATT&CK M1032).",
    build: (users) => ({
      conditions: {
        users,
        applications: userAction(USER_ACTION_REGISTER_SECURITY_INFO),
        clientAppTypes: ["all"],
        ...noRisk,
      },
      grantControls: grant([], STRENGTH_MFA),
    }),
  },
  {
    checkId: "reg.deviceRegistrationMfa",
    slug: "require-mfa-register-devices",
    name: "Require MFA to register or join devices",
    reason:
      'A password alone must not be enough to register a device (T1098.005, ATT&CK M1032); keep the tenant toggle "Require MFA to register or join devices" off (MT.1061).',
    build: (users) => ({
      conditions: {
        users,
        applications: userAction(USER_ACTION_REGISTER_DEVICE),
        clientAppTypes: ["all"],
        ...noRisk,
      },
      grantControls: grant(["mfa"]),
    }),
  },
];

export function proposeFixes(ctx: PostureContext, report: PostureReport): ProposalSet {
  const breakGlass = [...ctx.breakGlassIds];
  const baseUsers = (): Users => ({
    includeUsers: ["All"],
    excludeUsers: breakGlass,
    includeGroups: [],
    excludeGroups: [],
    includeRoles: [],
    excludeRoles: [],
  });
  const failing = new Set(
    report.checks.filter((c) => c.result === "fail" || c.result === "warning").map((c) => c.id),
  );
  const proposals: Omit<Proposal, "file">[] = [];
  for (const template of TEMPLATES) {
    if (!failing.has(template.checkId) || !needsNewPolicy(ctx, template.checkId)) continue;
    proposals.push({
      action: "create",
      checkIds: [template.checkId],
      reason: template.reason,
      body: {
        displayName: `${PROPOSAL_PREFIX}${template.name}`,
        description: `Proposed by mfa-evict posture review (${template.checkId}). Review report-only results before enforcing.`,
        state: REPORT_ONLY,
        ...template.build(baseUsers()),
        sessionControls: null,
      },
    });
  }
  proposals.push(...exclusionFixes(ctx, breakGlass));
  return {
    generatedAt: ctx.now.toISOString(),
    tenantId: ctx.snapshot.tenantId,
    breakGlassUserIds: breakGlass,
    proposals: proposals.map((proposal, index) => ({
      file: `${String(index + 1).padStart(2, "0")}-${slugOf(proposal)}.json`,
      ...proposal,
    })),
  };
}

/**
 * The device-registration check fails on a toggle conflict even when the CA policy exists; the
 * fix there is the toggle, not another policy. Every other failing check needs a new policy.
 */
function needsNewPolicy(ctx: PostureContext, checkId: string): boolean {
  if (checkId !== "reg.deviceRegistrationMfa") return true;
  return !ctx.policies.some(
    (p) => p.state === "enabled" && appTarget(p).userActions.includes(USER_ACTION_REGISTER_DEVICE),
  );
}

/**
 * For each policy that excludes an affected user: the same policy without the exclusions that
 * reach affected users (user, group or role), break-glass kept. Report-only and disabled policies
 * are updated in place (to report-only); enforced ones get a report-only copy.
 */
function exclusionFixes(ctx: PostureContext, breakGlass: string[]): Omit<Proposal, "file">[] {
  const out: Omit<Proposal, "file">[] = [];
  for (const policy of ctx.policies) {
    if (policy.state === "disabled" && !policy.grantControls) continue;
    const removals = affectedExclusions(ctx, policy);
    if (removals.users.size + removals.groups.size + removals.roles.size === 0) continue;
    const current = policy.conditions.users;
    const users: Users = {
      includeUsers: current?.includeUsers ?? [],
      excludeUsers: unique([
        ...(current?.excludeUsers ?? []).filter((id) => !removals.users.has(id)),
        ...breakGlass,
      ]),
      includeGroups: current?.includeGroups ?? [],
      excludeGroups: (current?.excludeGroups ?? []).filter((id) => !removals.groups.has(id)),
      includeRoles: current?.includeRoles ?? [],
      excludeRoles: (current?.excludeRoles ?? []).filter((id) => !removals.roles.has(id)),
      ...(current?.includeGuestsOrExternalUsers
        ? {
            includeGuestsOrExternalUsers:
              current.includeGuestsOrExternalUsers as Users["includeGuestsOrExternalUsers"],
          }
        : {}),
      ...(current?.excludeGuestsOrExternalUsers
        ? {
            excludeGuestsOrExternalUsers:
              current.excludeGuestsOrExternalUsers as Users["excludeGuestsOrExternalUsers"],
          }
        : {}),
    };
    const widened = [...removals.groups].map((id) => {
      const others = ctx.dir.transitiveUserMembers(id).filter((u) => !ctx.affectedUserIds.has(u));
      return `group ${ctx.dir.groupName(id)} also brings ${others.length} other member(s) into scope`;
    });
    const enforced = policy.state === "enabled";
    out.push({
      action: enforced ? "create" : "update",
      policyId: enforced ? undefined : policy.id,
      basedOnUsersSha256: enforced ? undefined : usersFingerprint(policy),
      checkIds: ["exc.affectedUsersExcluded"],
      reason: [
        `${enforced ? "Report-only copy of" : "Report-only update of"} "${policy.displayName ?? policy.id}" without the exclusions that leave affected users out: ${removals.labels.join("; ")}.`,
        ...widened,
        ...(enforced
          ? [
              "Once its report-only results look right, apply the same change to the original and delete the copy.",
            ]
          : []),
      ].join(" "),
      body: {
        displayName: enforced
          ? `${PROPOSAL_PREFIX}${policy.displayName ?? policy.id} (affected users included)`.slice(0, 256)
          : (policy.displayName ?? policy.id),
        description: `Proposed by mfa-evict posture review (exc.affectedUsersExcluded) from policy ${policy.id}.`,
        state: REPORT_ONLY,
        conditions: { ...copyConditions(policy), users },
        grantControls: copyGrant(policy),
        sessionControls: null,
      },
    });
  }
  return out;
}

function affectedExclusions(ctx: PostureContext, policy: CaPolicy) {
  const users = new Set<string>();
  const groups = new Set<string>();
  const roles = new Set<string>();
  const labels: string[] = [];
  const excluded = policy.conditions.users;
  for (const userId of ctx.affectedUserIds) {
    if (!userScope(policy, userId, ctx.dir).excludedBy) continue;
    if ((excluded?.excludeUsers ?? []).includes(userId)) users.add(userId);
    const memberOf = ctx.dir.groupsOf(userId);
    for (const groupId of excluded?.excludeGroups ?? []) if (memberOf.has(groupId)) groups.add(groupId);
    const held = new Set(ctx.dir.rolesOf(userId).map((h) => h.templateId));
    for (const roleId of excluded?.excludeRoles ?? []) if (held.has(roleId)) roles.add(roleId);
    labels.push(`${ctx.dir.label(userId)} by ${userScope(policy, userId, ctx.dir).excludedBy}`);
  }
  return { users, groups, roles, labels };
}

/** The policy's conditions in the writable shape, every collection present. */
function copyConditions(policy: CaPolicy): Omit<ProposedPolicy["conditions"], "users"> {
  const c = policy.conditions;
  const apps = c.applications;
  return {
    applications: {
      includeApplications: apps?.includeApplications ?? [],
      excludeApplications: apps?.excludeApplications ?? [],
      includeUserActions: (apps?.includeUserActions ??
        []) as ProposedPolicy["conditions"]["applications"]["includeUserActions"],
      includeAuthenticationContextClassReferences: apps?.includeAuthenticationContextClassReferences ?? [],
    },
    clientAppTypes: (c.clientAppTypes?.length
      ? c.clientAppTypes
      : ["all"]) as ProposedPolicy["conditions"]["clientAppTypes"],
    locations: c.locations
      ? {
          includeLocations: c.locations.includeLocations ?? [],
          excludeLocations: c.locations.excludeLocations ?? [],
        }
      : null,
    platforms: c.platforms
      ? {
          includePlatforms: (c.platforms.includePlatforms ?? []) as NonNullable<
            ProposedPolicy["conditions"]["platforms"]
          >["includePlatforms"],
          excludePlatforms: (c.platforms.excludePlatforms ?? []) as NonNullable<
            ProposedPolicy["conditions"]["platforms"]
          >["excludePlatforms"],
        }
      : null,
    signInRiskLevels: (c.signInRiskLevels ?? []) as ProposedPolicy["conditions"]["signInRiskLevels"],
    userRiskLevels: (c.userRiskLevels ?? []) as ProposedPolicy["conditions"]["userRiskLevels"],
    servicePrincipalRiskLevels: (c.servicePrincipalRiskLevels ??
      []) as ProposedPolicy["conditions"]["servicePrincipalRiskLevels"],
    ...(c.authenticationFlows?.transferMethods
      ? { authenticationFlows: { transferMethods: c.authenticationFlows.transferMethods } }
      : {}),
    ...(c.devices?.deviceFilter?.rule
      ? {
          devices: {
            deviceFilter: {
              mode: c.devices.deviceFilter.mode === "exclude" ? "exclude" : "include",
              rule: c.devices.deviceFilter.rule,
            },
          },
        }
      : {}),
  } as Omit<ProposedPolicy["conditions"], "users">;
}

function copyGrant(policy: CaPolicy): Grant {
  const g = policy.grantControls;
  return {
    operator: (g?.operator ?? "OR").toUpperCase() === "AND" ? "AND" : "OR",
    builtInControls: (g?.builtInControls ?? []) as Grant["builtInControls"],
    customAuthenticationFactors: g?.customAuthenticationFactors ?? [],
    termsOfUse: g?.termsOfUse ?? [],
    authenticationStrength: g?.authenticationStrength?.id ? { id: g.authenticationStrength.id } : null,
  };
}

function slugOf(proposal: Omit<Proposal, "file">): string {
  const name = proposal.body.displayName.replace(PROPOSAL_PREFIX, "");
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
  return `${proposal.action}-${slug || "policy"}`;
}

const unique = (values: string[]): string[] => [...new Set(values)];

/** The fingerprint apply compares before an update: the user conditions exactly as Graph returned them. */
export function usersFingerprint(policy: Pick<CaPolicy, "conditions">): string {
  return sha256Hex(canonicalJson(policy.conditions.users ?? null));
}
