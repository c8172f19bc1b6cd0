import type { AuthenticationMethodConfiguration } from "../../graph/types.js";
import { methodConfiguration, type PostureContext } from "../context.js";
import type { PolicyEvidence, PostureCheck } from "../types.js";
import {
  ALL_USERS_TARGET,
  type AuthenticatorConfiguration,
  type FeatureConfiguration,
  type Fido2Configuration,
  type SmsConfiguration,
  type TapConfiguration,
} from "../wire.js";
import { type CheckMeta, makeCheck, notCollected, sample } from "./requirement.js";

/** The authentication-methods policy: which methods the attacker could register and use. */

const METHODS_POLICY = "The authentication methods policy";
const ref = (id: string) => `authenticationMethodsPolicy/${id}`;

/** The portal's default maximum TAP lifetime (8 hours); longer passes outlive a working day. */
export const TAP_MAX_LIFETIME_MINUTES = 480;

type Targeted = Pick<AuthenticationMethodConfiguration, "excludeTargets"> & {
  includeTargets?: { id: string; targetType?: string }[];
};

function targetNames(ctx: PostureContext, config: Targeted): string[] {
  return (config.includeTargets ?? []).map((target) =>
    target.id === ALL_USERS_TARGET
      ? "all users"
      : target.targetType === "user"
        ? ctx.dir.label(target.id)
        : `group ${ctx.dir.groupName(target.id)}`,
  );
}

/** Whether a method policy's include/exclude targets reach a user (groups resolved transitively). */
export function methodTargetsUser(ctx: PostureContext, config: Targeted, userId: string): boolean {
  const groups = ctx.dir.groupsOf(userId);
  const hit = (id: string) => id === ALL_USERS_TARGET || id === userId || groups.has(id);
  return (
    (config.includeTargets ?? []).some((t) => hit(t.id)) &&
    !(config.excludeTargets ?? []).some((t) => hit(t.id))
  );
}

export const SMS_VOICE: CheckMeta = {
  id: "mth.smsVoiceDisabled",
  title: "SMS, voice and email OTP are disabled (or scoped) where the attack intercepted codes",
  area: "methods",
  scubaGear: ["MS.AAD.3.5v2"],
  maester: ["EIDSCA.AS04", "EIDSCA.AV01", "CISA.MS.AAD.3.5"],
};

export function smsVoiceDisabled(ctx: PostureContext): PostureCheck {
  if (!ctx.snapshot.authenticationMethodsPolicy) return notCollected(SMS_VOICE, METHODS_POLICY);
  const evidence: PolicyEvidence[] = [];
  const enabled: string[] = [];
  const affected = [...ctx.affectedUserIds];
  for (const id of ["Sms", "Voice", "Email"]) {
    const config = methodConfiguration<SmsConfiguration>(ctx, id);
    if (config?.state !== "enabled") continue;
    enabled.push(id);
    evidence.push({
      ref: ref(config.id),
      name: id,
      setting: "state",
      value: "enabled",
      note: `for ${targetNames(ctx, config).join(", ") || "no one"}`,
    });
    const reached = affected.filter((userId) => methodTargetsUser(ctx, config, userId));
    if (reached.length > 0) {
      evidence.push({
        ref: ref(config.id),
        name: id,
        setting: "includeTargets",
        value: reached,
        note: `reaches affected user(s) ${sample(reached.map((u) => ctx.dir.label(u)))}`,
      });
    }
    const signIn = (config.includeTargets ?? []).filter((t) => t.isUsableForSignIn);
    if (id === "Sms" && signIn.length > 0) {
      evidence.push({
        ref: ref(config.id),
        name: id,
        setting: "includeTargets[].isUsableForSignIn",
        value: true,
        note: "SMS can also be a first factor (passwordless SMS sign-in)",
      });
    }
  }
  if (enabled.length === 0) {
    return makeCheck(
      SMS_VOICE,
      "pass",
      "SMS, voice call and email one-time passcodes are disabled.",
      evidence,
      "",
    );
  }
  const interception = ctx.signals.phoneInterception;
  const phoneEnabled = enabled.some((id) => id === "Sms" || id === "Voice");
  const fail = phoneEnabled && interception.length > 0;
  for (const finding of interception.slice(0, 5)) {
    evidence.push({
      ref: finding.id,
      name: finding.title,
      setting: "finding",
      value: finding.technique,
      note: finding.explanation,
    });
  }
  return makeCheck(
    SMS_VOICE,
    fail ? "fail" : "warning",
    fail
      ? `${enabled.join(", ")} still enabled although the case shows SMS/voice interception or a rogue phone method (${interception.length} finding(s)).`
      : `${enabled.join(", ")} enabled; these methods can be intercepted (SIM swap, SS7) or phished.`,
    evidence,
    "Register a stronger method for the affected users first (Authenticator, FIDO2 — a Temporary Access Pass lets them enrol), then disable SMS and voice in the authentication methods policy or scope them to a shrinking group; keep Email OTP for SSPR only if needed.",
  );
}

export const AUTHENTICATOR_CONTEXT: CheckMeta = {
  id: "mth.authenticatorContext",
  title: "Microsoft Authenticator shows app and location context, with number matching",
  area: "methods",
  scubaGear: ["MS.AAD.3.3v2"],
  maester: [
    "EIDSCA.AM02",
    "EIDSCA.AM03",
    "EIDSCA.AM04",
    "EIDSCA.AM06",
    "EIDSCA.AM07",
    "EIDSCA.AM09",
    "EIDSCA.AM10",
    "CISA.MS.AAD.3.3",
  ],
};

export function authenticatorContext(ctx: PostureContext): PostureCheck {
  if (!ctx.snapshot.authenticationMethodsPolicy) return notCollected(AUTHENTICATOR_CONTEXT, METHODS_POLICY);
  const config = methodConfiguration<AuthenticatorConfiguration>(ctx, "MicrosoftAuthenticator");
  if (config?.state !== "enabled") {
    return makeCheck(
      AUTHENTICATOR_CONTEXT,
      "notApplicable",
      "Microsoft Authenticator is not enabled.",
      [],
      "",
    );
  }
  const features = config.featureSettings ?? {};
  const gaps: PolicyEvidence[] = [];
  const feature = (name: string, value: FeatureConfiguration | null | undefined, optional: boolean) => {
    // Number matching (beta) is now always on; only an explicit "disabled" is a gap.
    if (optional && (value == null || value.state !== "disabled")) return;
    if (value?.state === "enabled" && value.includeTarget?.id === ALL_USERS_TARGET) return;
    gaps.push({
      ref: ref(config.id),
      name: "MicrosoftAuthenticator",
      setting: `featureSettings.${name}`,
      value: value ?? null,
      note: value?.state === "enabled" ? "enabled, but not for all users" : "not enabled",
    });
  };
  feature("displayAppInformationRequiredState", features.displayAppInformationRequiredState, false);
  feature("displayLocationInformationRequiredState", features.displayLocationInformationRequiredState, false);
  feature("numberMatchingRequiredState", features.numberMatchingRequiredState, true);
  if (config.isSoftwareOathEnabled) {
    gaps.push({
      ref: ref(config.id),
      name: "MicrosoftAuthenticator",
      setting: "isSoftwareOathEnabled",
      value: true,
      note: "Authenticator OTP codes can be phished or read out",
    });
  }
  if (gaps.length === 0) {
    return makeCheck(
      AUTHENTICATOR_CONTEXT,
      "pass",
      "Authenticator prompts show the app and location to all users, and OTP codes in Authenticator are off.",
      [],
      "",
    );
  }
  const fatigue = ctx.signals.fatigue.length;
  return makeCheck(
    AUTHENTICATOR_CONTEXT,
    fatigue > 0 ? "fail" : "warning",
    `Authenticator prompts lack context for some users${fatigue > 0 ? `, and the case shows MFA fatigue (${fatigue} finding(s))` : ""}.`,
    gaps,
    "In the Microsoft Authenticator method configuration set displayAppInformationRequiredState and displayLocationInformationRequiredState to enabled for all_users and turn isSoftwareOathEnabled off.",
  );
}

export const TAP: CheckMeta = {
  id: "mth.temporaryAccessPass",
  title: "Temporary Access Pass is enabled, one-time and short-lived",
  area: "methods",
  scubaGear: [],
  maester: ["EIDSCA.AT01", "EIDSCA.AT02"],
};

/** TAP is how the eviction restores access and how users enrol a first strong method (ATT&CK M1032). */
export function temporaryAccessPass(ctx: PostureContext): PostureCheck {
  if (!ctx.snapshot.authenticationMethodsPolicy) return notCollected(TAP, METHODS_POLICY);
  const config = methodConfiguration<TapConfiguration>(ctx, "TemporaryAccessPass");
  const name = "TemporaryAccessPass";
  if (config?.state !== "enabled") {
    return makeCheck(
      TAP,
      "warning",
      "Temporary Access Pass is disabled: users cannot enrol a first strong method under an MFA-protected registration policy, and eviction cannot hand out a pass.",
      [{ ref: ref("TemporaryAccessPass"), name, setting: "state", value: config?.state ?? "absent" }],
      "Enable Temporary Access Pass for all users (or an enrolment group), one-time use, maximum lifetime ≤ 8 hours.",
    );
  }
  const gaps: PolicyEvidence[] = [];
  if (config.isUsableOnce !== true) {
    gaps.push({
      ref: ref(config.id),
      name,
      setting: "isUsableOnce",
      value: config.isUsableOnce ?? null,
      note: "multi-use passes can be replayed for their whole lifetime",
    });
  }
  const max = config.maximumLifetimeInMinutes ?? 480;
  if (max > TAP_MAX_LIFETIME_MINUTES) {
    gaps.push({
      ref: ref(config.id),
      name,
      setting: "maximumLifetimeInMinutes",
      value: max,
      note: `longer than ${TAP_MAX_LIFETIME_MINUTES} minutes`,
    });
  }
  if (gaps.length === 0) {
    return makeCheck(
      TAP,
      "pass",
      `Temporary Access Pass is enabled for ${targetNames(ctx, config).join(", ")}, one-time, at most ${max} minutes.`,
      [{ ref: ref(config.id), name, setting: "includeTargets", value: targetNames(ctx, config) }],
      "",
    );
  }
  return makeCheck(
    TAP,
    "warning",
    "Temporary Access Pass is enabled but passes are reusable or long-lived.",
    gaps,
    "Set isUsableOnce true and maximumLifetimeInMinutes ≤ 480 in the TemporaryAccessPass method configuration.",
  );
}

export const FIDO2: CheckMeta = {
  id: "mth.fido2Restrictions",
  title: "FIDO2 keys are attested and restricted",
  area: "methods",
  scubaGear: [],
  maester: ["EIDSCA.AF03", "EIDSCA.AF04"],
};

export function fido2Restrictions(ctx: PostureContext): PostureCheck {
  if (!ctx.snapshot.authenticationMethodsPolicy) return notCollected(FIDO2, METHODS_POLICY);
  const config = methodConfiguration<Fido2Configuration>(ctx, "Fido2");
  const name = "Fido2";
  if (config?.state !== "enabled") {
    return makeCheck(
      FIDO2,
      "warning",
      "FIDO2 security keys / passkeys are disabled, so privileged users have no phishing-resistant method to move to.",
      [{ ref: ref("Fido2"), name, setting: "state", value: config?.state ?? "absent" }],
      "Enable FIDO2 with attestation enforced and a key restriction (allow-list of AAGUIDs) for at least the privileged users.",
    );
  }
  const gaps: PolicyEvidence[] = [];
  if (config.isAttestationEnforced !== true) {
    gaps.push({
      ref: ref(config.id),
      name,
      setting: "isAttestationEnforced",
      value: config.isAttestationEnforced ?? null,
      note: "any authenticator model, including software passkeys an attacker controls, can register",
    });
  }
  if (config.keyRestrictions?.isEnforced !== true) {
    gaps.push({
      ref: ref(config.id),
      name,
      setting: "keyRestrictions.isEnforced",
      value: config.keyRestrictions?.isEnforced ?? null,
      note: "no AAGUID allow-list",
    });
  }
  if (gaps.length === 0) {
    return makeCheck(
      FIDO2,
      "pass",
      `FIDO2 requires attestation and ${config.keyRestrictions?.enforcementType ?? "allow"}s ${config.keyRestrictions?.aaGuids?.length ?? 0} AAGUID(s).`,
      [],
      "",
    );
  }
  const rogue = ctx.signals.rogueFido2.length;
  return makeCheck(
    FIDO2,
    rogue > 0 ? "fail" : "warning",
    `FIDO2 is enabled without attestation or key restrictions${rogue > 0 ? `, and the case has ${rogue} rogue FIDO2 finding(s)` : ""}.`,
    gaps,
    "In the Fido2 method configuration set isAttestationEnforced true and keyRestrictions {isEnforced: true, enforcementType: allow, aaGuids: [the models you issue]}.",
  );
}

export const CAMPAIGN: CheckMeta = {
  id: "mth.registrationCampaign",
  title: "The registration campaign moves users to a stronger method",
  area: "methods",
  scubaGear: [],
  maester: [],
};

export function registrationCampaign(ctx: PostureContext): PostureCheck {
  const policy = ctx.snapshot.authenticationMethodsPolicy;
  if (!policy) return notCollected(CAMPAIGN, METHODS_POLICY);
  const campaign = policy.registrationEnforcement?.authenticationMethodsRegistrationCampaign;
  const state = campaign?.state ?? "default";
  const evidence: PolicyEvidence[] = [
    {
      ref: ref("registrationEnforcement"),
      name: "Registration campaign",
      setting: "authenticationMethodsRegistrationCampaign.state",
      value: state,
    },
  ];
  if (campaign?.includeTargets?.length) {
    evidence.push({
      ref: ref("registrationEnforcement"),
      name: "Registration campaign",
      setting: "authenticationMethodsRegistrationCampaign.includeTargets",
      value: campaign.includeTargets,
    });
  }
  if (state === "enabled") {
    return makeCheck(CAMPAIGN, "pass", "The registration campaign is enabled.", evidence, "");
  }
  const fail = state === "disabled" && ctx.signals.phoneInterception.length > 0;
  return makeCheck(
    CAMPAIGN,
    fail ? "fail" : "warning",
    state === "disabled"
      ? "The registration campaign is disabled, so users on SMS or voice are never nudged to a stronger method."
      : "The registration campaign is left to Microsoft's default; set it explicitly for the users who still rely on SMS or voice.",
    evidence,
    "Enable registrationEnforcement.authenticationMethodsRegistrationCampaign for all users targeting microsoftAuthenticator, with a short snooze.",
  );
}

export const MIGRATION: CheckMeta = {
  id: "mth.policyMigrationComplete",
  title: "The authentication methods policy is the only method policy (migration complete)",
  area: "methods",
  scubaGear: ["MS.AAD.3.4v1"],
  maester: ["EIDSCA.AG01", "CISA.MS.AAD.3.4"],
};

export function policyMigrationComplete(ctx: PostureContext): PostureCheck {
  const policy = ctx.snapshot.authenticationMethodsPolicy;
  if (!policy) return notCollected(MIGRATION, METHODS_POLICY);
  const state = policy.policyMigrationState ?? "preMigration";
  const evidence = [
    {
      ref: ref("policyMigrationState"),
      name: "Authentication methods policy",
      setting: "policyMigrationState",
      value: state,
    },
  ];
  return state === "migrationComplete"
    ? makeCheck(
        MIGRATION,
        "pass",
        "Migration is complete: the legacy MFA and SSPR method settings no longer apply.",
        evidence,
        "",
      )
    : makeCheck(
        MIGRATION,
        "warning",
        `Migration state is ${state}: legacy per-user MFA and SSPR settings may still enable methods this policy disables.`,
        evidence,
        "Review the legacy MFA and SSPR method settings, mirror them in the authentication methods policy, then set Manage migration to Migration complete (ScubaGear warns this step can lock users out if done blind).",
      );
}
