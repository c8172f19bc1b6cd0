import type { AuthenticationStrengthPolicy } from "../graph/types.js";
import type { MfaRequirement } from "./types.js";
import {
  ALL,
  type CaPolicy,
  PHISHING_RESISTANT_MODES,
  STRENGTH_MFA,
  STRENGTH_PASSWORDLESS,
  STRENGTH_PHISHING_RESISTANT,
} from "./wire.js";

/** Facts about one Conditional Access policy, read from its Graph JSON without judging it. */

const BUILT_IN_STRENGTH_NAMES: Readonly<Record<string, string>> = {
  [STRENGTH_MFA]: "Multifactor authentication",
  [STRENGTH_PASSWORDLESS]: "Passwordless MFA",
  [STRENGTH_PHISHING_RESISTANT]: "Phishing-resistant MFA",
};

/** Grant controls that, next to `mfa` under OR, let a sign-in through without MFA. */
const NON_MFA_ALTERNATIVES = new Set([
  "compliantDevice",
  "domainJoinedDevice",
  "approvedApplication",
  "compliantApplication",
]);

export interface GrantFacts {
  blocks: boolean;
  mfa: MfaRequirement;
  phishingResistant: boolean;
  strengthId?: string;
  builtIn: string[];
  /** Controls in words, e.g. `mfa OR compliantDevice`, `strength Phishing-resistant MFA`. */
  text: string;
}

export function grantFacts(policy: CaPolicy, strengths: readonly AuthenticationStrengthPolicy[]): GrantFacts {
  const grant = policy.grantControls;
  const builtIn = grant?.builtInControls ?? [];
  const strengthId = grant?.authenticationStrength?.id;
  const operator = (grant?.operator ?? "OR").toUpperCase();
  const hasMfa = builtIn.includes("mfa") || strengthId != null;
  const alternatives = builtIn.filter((control) => NON_MFA_ALTERNATIVES.has(control));
  let mfa: MfaRequirement = "notRequired";
  if (hasMfa) mfa = operator === "OR" && alternatives.length > 0 ? "conditional" : "required";
  const parts: string[] = [...builtIn];
  if (strengthId) parts.push(`strength ${strengthName(strengthId, strengths)}`);
  return {
    blocks: builtIn.includes("block"),
    mfa,
    phishingResistant: mfa === "required" && strengthId != null && isPhishingResistant(strengthId, strengths),
    strengthId,
    builtIn,
    text: parts.length > 0 ? parts.join(` ${operator} `) : "none",
  };
}

export function strengthName(id: string, strengths: readonly AuthenticationStrengthPolicy[]): string {
  return BUILT_IN_STRENGTH_NAMES[id] ?? strengths.find((s) => s.id === id)?.displayName ?? id;
}

/** A strength resists phishing when every allowed combination uses only phishing-resistant modes. */
export function isPhishingResistant(id: string, strengths: readonly AuthenticationStrengthPolicy[]): boolean {
  if (id === STRENGTH_PHISHING_RESISTANT) return true;
  if (id === STRENGTH_MFA || id === STRENGTH_PASSWORDLESS) return false;
  const combinations = strengths.find((s) => s.id === id)?.allowedCombinations ?? [];
  return (
    combinations.length > 0 &&
    combinations.every((combination) =>
      combination.split(",").every((mode) => PHISHING_RESISTANT_MODES.has(mode.trim())),
    )
  );
}

export type AppTargetKind = "allApps" | "apps" | "userAction" | "authContext" | "none";

export interface AppTarget {
  kind: AppTargetKind;
  userActions: string[];
  text: string;
}

export function appTarget(policy: CaPolicy): AppTarget {
  const apps = policy.conditions.applications;
  const include = apps?.includeApplications ?? [];
  const userActions = apps?.includeUserActions ?? [];
  const contexts = apps?.includeAuthenticationContextClassReferences ?? [];
  if (userActions.length > 0) {
    return { kind: "userAction", userActions, text: `user action: ${userActions.join(", ")}` };
  }
  if (include.includes(ALL)) {
    const excluded = apps?.excludeApplications ?? [];
    return {
      kind: "allApps",
      userActions: [],
      text: excluded.length > 0 ? `all apps except ${excluded.join(", ")}` : "all apps",
    };
  }
  if (include.length > 0 && !include.includes("None")) {
    return { kind: "apps", userActions: [], text: `apps: ${include.join(", ")}` };
  }
  if (contexts.length > 0)
    return { kind: "authContext", userActions: [], text: `auth context: ${contexts.join(", ")}` };
  return { kind: "none", userActions: [], text: "no apps" };
}

/** `clientAppTypes` empty or `all` means every client; legacy auth is `exchangeActiveSync` + `other`. */
export function clientAppTypes(policy: CaPolicy): string[] {
  const types = policy.conditions.clientAppTypes ?? [];
  return types.length === 0 || types.includes("all") ? ["all"] : types;
}

export function coversClientApps(policy: CaPolicy, wanted: readonly string[]): boolean {
  const types = clientAppTypes(policy);
  return types.includes("all") || wanted.every((type) => types.includes(type));
}

export const LEGACY_CLIENT_APPS = ["exchangeActiveSync", "other"] as const;
export const MODERN_CLIENT_APPS = ["browser", "mobileAppsAndDesktopClients"] as const;

/**
 * Every condition that makes the policy apply to fewer sign-ins than "all users, all apps, all
 * clients, everywhere" — the extra conditions behind ScubaGear issues #1815/#1818's false passes.
 */
export function narrowingConditions(policy: CaPolicy): string[] {
  const c = policy.conditions;
  const out: string[] = [];
  const includeLocations = c.locations?.includeLocations ?? [];
  const excludeLocations = c.locations?.excludeLocations ?? [];
  if (includeLocations.length > 0 && !includeLocations.includes(ALL)) {
    out.push(`locations include ${includeLocations.join(", ")}`);
  }
  if (excludeLocations.length > 0) out.push(`locations exclude ${excludeLocations.join(", ")}`);
  const includePlatforms = c.platforms?.includePlatforms ?? [];
  const excludePlatforms = c.platforms?.excludePlatforms ?? [];
  if (includePlatforms.length > 0 && !includePlatforms.includes("all")) {
    out.push(`platforms include ${includePlatforms.join(", ")}`);
  }
  if (excludePlatforms.length > 0) out.push(`platforms exclude ${excludePlatforms.join(", ")}`);
  const clients = clientAppTypes(policy);
  if (!clients.includes("all")) out.push(`client apps ${clients.join(", ")}`);
  if ((c.signInRiskLevels ?? []).length > 0) out.push(`sign-in risk ${c.signInRiskLevels!.join(", ")}`);
  if ((c.userRiskLevels ?? []).length > 0) out.push(`user risk ${c.userRiskLevels!.join(", ")}`);
  if (c.insiderRiskLevels) out.push(`insider risk ${c.insiderRiskLevels}`);
  if (c.devices?.deviceFilter?.rule) {
    out.push(`device filter (${c.devices.deviceFilter.mode ?? "include"}) ${c.devices.deviceFilter.rule}`);
  }
  const transfer = c.authenticationFlows?.transferMethods;
  if (transfer && transfer !== "none") out.push(`authentication flows ${transfer}`);
  const excludedApps = c.applications?.excludeApplications ?? [];
  if (excludedApps.length > 0) out.push(`apps exclude ${excludedApps.join(", ")}`);
  return out;
}

export function transferMethods(policy: CaPolicy): string[] {
  const value = policy.conditions.authenticationFlows?.transferMethods ?? "";
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && part !== "none");
}

export const isEnabled = (policy: CaPolicy): boolean => policy.state === "enabled";
export const isReportOnly = (policy: CaPolicy): boolean =>
  policy.state === "enabledForReportingButNotEnforced";
