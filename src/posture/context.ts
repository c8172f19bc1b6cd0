import type { Finding } from "../detect/finding.js";
import type { AuthenticationMethodConfiguration } from "../graph/types.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import { DirectoryIndex } from "./directory.js";
import { PostureInputError } from "./errors.js";
import { grantFacts, isEnabled, isReportOnly } from "./policy-facts.js";
import { GLOBAL_ADMINISTRATOR } from "./roles.js";
import { includesAllUsers, userScope } from "./scope.js";
import type { BreakGlassAccount } from "./types.js";
import { asCaPolicy, type CaPolicy } from "./wire.js";

export interface PostureOptions {
  /** Break-glass accounts by object id or UPN; when absent they are inferred (and said so). */
  breakGlass?: readonly string[];
  now?: Date;
}

/** What the case's findings say the attacker used, which raises some checks from warning to fail. */
export interface CaseSignals {
  /** SMS / voice interception or a rogue phone method (T1111, SIM swap). */
  phoneInterception: Finding[];
  /** MFA request flooding (T1621). */
  fatigue: Finding[];
  rogueDevices: Finding[];
  rogueFido2: Finding[];
}

/** Everything the checks read, resolved once. */
export interface PostureContext {
  snapshot: CaseSnapshot;
  dir: DirectoryIndex;
  policiesCollected: boolean;
  policies: CaPolicy[];
  breakGlass: BreakGlassAccount[];
  breakGlassIds: ReadonlySet<string>;
  affectedUserIds: ReadonlySet<string>;
  privilegedUserIds: ReadonlySet<string>;
  signals: CaseSignals;
  now: Date;
}

const BREAK_GLASS_NAME = /break.?glass|emergency|\bbg[-_.]?admin/i;

export function buildContext(
  snapshot: CaseSnapshot,
  findings: readonly Finding[],
  options: PostureOptions = {},
): PostureContext {
  const dir = new DirectoryIndex(snapshot);
  const policies = snapshot.conditionalAccessPolicies.map(asCaPolicy);
  // Suppressed findings are shown but never acted on; posture follows the same rule.
  const active = findings.filter((finding) => !finding.suppressedBy);
  const breakGlass = options.breakGlass
    ? designatedBreakGlass(options.breakGlass, dir)
    : inferBreakGlass(policies, dir, snapshot);
  return {
    snapshot,
    dir,
    policiesCollected: !snapshot.missing.has("policies"),
    policies,
    breakGlass,
    breakGlassIds: new Set(breakGlass.map((account) => account.userId)),
    affectedUserIds: new Set(active.map((finding) => finding.userId)),
    privilegedUserIds: new Set(dir.privilegedUserIds()),
    signals: caseSignals(active),
    now: options.now ?? new Date(),
  };
}

/**
 * One method configuration by id, read as its specific CSDL type `T` (the shared type only knows
 * the common base; the specific properties travel in the same JSON object).
 */
export function methodConfiguration<T extends { id: string } = AuthenticationMethodConfiguration>(
  ctx: PostureContext,
  id: string,
): T | undefined {
  const configs = ctx.snapshot.authenticationMethodsPolicy?.authenticationMethodConfigurations ?? [];
  return configs.find((config) => config.id.toLowerCase() === id.toLowerCase()) as unknown as T | undefined;
}

export const enabledPolicies = (ctx: PostureContext): CaPolicy[] => ctx.policies.filter(isEnabled);
export const reportOnlyPolicies = (ctx: PostureContext): CaPolicy[] => ctx.policies.filter(isReportOnly);

function designatedBreakGlass(refs: readonly string[], dir: DirectoryIndex): BreakGlassAccount[] {
  return refs.map((ref) => {
    const user = dir.findUser(ref);
    if (!user) throw new PostureInputError(`break-glass account "${ref}" is not a user in the case`);
    return { userId: user.id, userPrincipalName: user.userPrincipalName, source: "designated" };
  });
}

/**
 * A user counts as break-glass when it is a Global Administrator named like an emergency account,
 * or when it is excluded from every enabled all-users policy that grants or blocks (the usual
 * emergency-access pattern) and is either a Global Administrator or named like one. Inferred accounts are reported as such so the responder can confirm them with
 * `--break-glass`.
 */
function inferBreakGlass(
  policies: CaPolicy[],
  dir: DirectoryIndex,
  snapshot: CaseSnapshot,
): BreakGlassAccount[] {
  const guarding = policies.filter(
    (policy) =>
      isEnabled(policy) &&
      includesAllUsers(policy) &&
      (grantFacts(policy, snapshot.authenticationStrengthPolicies).builtIn.length > 0 ||
        policy.grantControls?.authenticationStrength != null),
  );
  const out: BreakGlassAccount[] = [];
  for (const user of snapshot.users) {
    const named = BREAK_GLASS_NAME.test(`${user.userPrincipalName} ${user.displayName ?? ""}`);
    const globalAdmin = dir.rolesOf(user.id).some((holding) => holding.templateId === GLOBAL_ADMINISTRATOR);
    // Every rule below needs one of the two; testing them first keeps a 50k-user tenant cheap.
    if (!named && !globalAdmin) continue;
    const excludedEverywhere =
      guarding.length > 0 &&
      guarding.every((policy) => userScope(policy, user.id, dir).excludedBy !== undefined);
    if (excludedEverywhere && (named || globalAdmin)) {
      out.push({
        userId: user.id,
        userPrincipalName: user.userPrincipalName,
        source: `inferred: excluded from all ${guarding.length} enabled all-users policies and ${
          named ? "named as an emergency account" : "a Global Administrator"
        }`,
      });
    } else if (named && globalAdmin) {
      out.push({
        userId: user.id,
        userPrincipalName: user.userPrincipalName,
        source: "inferred: Global Administrator named as an emergency account",
      });
    }
  }
  return out;
}

function caseSignals(findings: Finding[]): CaseSignals {
  const methodType = (finding: Finding): string =>
    finding.object.kind === "method" ? finding.object.odataType : "";
  return {
    phoneInterception: findings.filter(
      (f) => f.technique === "T1111" || methodType(f) === "#microsoft.graph.phoneAuthenticationMethod",
    ),
    fatigue: findings.filter((f) => f.technique === "T1621"),
    rogueDevices: findings.filter((f) => f.object.kind === "device"),
    rogueFido2: findings.filter((f) => methodType(f) === "#microsoft.graph.fido2AuthenticationMethod"),
  };
}
