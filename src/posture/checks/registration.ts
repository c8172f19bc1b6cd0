import { enabledPolicies, type PostureContext } from "../context.js";
import { appTarget, grantFacts, narrowingConditions } from "../policy-facts.js";
import type { PolicyEvidence, PostureCheck } from "../types.js";
import {
  ALL,
  ALL_DEVICE_MEMBERSHIP,
  type CaPolicy,
  type DeviceRegistrationMembership,
  NO_DEVICE_MEMBERSHIP,
  USER_ACTION_REGISTER_DEVICE,
  USER_ACTION_REGISTER_SECURITY_INFO,
} from "../wire.js";
import {
  type CheckMeta,
  evaluateRequirement,
  type Gap,
  makeCheck,
  notCollected,
  policyLabel,
  sample,
} from "./requirement.js";

/** The two registration doors the attacker used: security info (MFA methods) and devices. */

const TRUSTED_LOCATION_EXCLUSIONS = new Set(["AllTrusted"]);

export const SECURITY_INFO: CheckMeta = {
  id: "reg.securityInfoRegistration",
  title: 'A policy protects the "Register security information" user action',
  area: "registration",
  scubaGear: ["MS.AAD.3.8v1"],
  maester: ["MT.1011", "CISA.MS.AAD.3.8"],
};

/**
 * Registration is protected by MFA (any strength, TAP included), a compliant / hybrid-joined
 * device, or a block outside trusted locations. MFA only outside trusted locations is a warning:
 * the attacker on the inside network (or a trusted VPN) registers freely.
 */
export function securityInfoRegistration(ctx: PostureContext): PostureCheck {
  if (!ctx.policiesCollected) return notCollected(SECURITY_INFO, "Conditional Access policy data");
  const trusted = new Set([
    ...TRUSTED_LOCATION_EXCLUSIONS,
    ...ctx.snapshot.namedLocations.filter((l) => l.isTrusted).map((l) => l.id),
  ]);
  const outcome = evaluateRequirement(ctx, {
    relates: (p) => appTarget(p).userActions.includes(USER_ACTION_REGISTER_SECURITY_INFO),
    gaps: (p) => registrationGrantGaps(ctx, p, trusted),
  });
  return makeCheck(
    SECURITY_INFO,
    outcome.result,
    {
      pass: `${policyLabel(outcome.satisfiedBy)} protects security-info registration for all users.`,
      warning: `Security-info registration is protected only partly (${policyLabel(outcome.best)}).`,
      fail: "Nothing protects the registration of security info: anyone holding a password can add their own MFA method (T1098.005).",
    }[outcome.result],
    outcome.evidence,
    'Enforce a policy: All users (break-glass excluded), user action "Register security information", grant Require authentication strength Multifactor authentication (satisfied by a Temporary Access Pass for first enrolment) or a compliant device; optionally block outside trusted locations.',
  );
}

function registrationGrantGaps(ctx: PostureContext, policy: CaPolicy, trusted: ReadonlySet<string>): Gap[] {
  const facts = grantFacts(policy, ctx.snapshot.authenticationStrengthPolicies);
  const include = policy.conditions.locations?.includeLocations ?? [];
  const exclude = policy.conditions.locations?.excludeLocations ?? [];
  const deviceBound = facts.builtIn.some((c) => c === "compliantDevice" || c === "domainJoinedDevice");
  const gaps: Gap[] = [];
  if (facts.blocks) {
    const outsideTrusted =
      include.includes(ALL) && exclude.length > 0 && exclude.every((id) => trusted.has(id));
    if (!outsideTrusted) {
      gaps.push({
        setting: "conditions.locations",
        value: { includeLocations: include, excludeLocations: exclude },
        note: "blocks registration without limiting it to untrusted locations",
        hard: false,
      });
    }
    return gaps;
  }
  if (facts.mfa === "notRequired" && !deviceBound) {
    gaps.push({
      setting: "grantControls",
      value: facts.text,
      note: "requires neither MFA nor a managed device",
      hard: true,
    });
  }
  for (const condition of narrowingConditions(policy)) {
    gaps.push({
      setting: "conditions",
      value: condition,
      note: `registration is unprotected when ${condition} does not match`,
      hard: false,
    });
  }
  return gaps;
}

export const DEVICE_REGISTRATION: CheckMeta = {
  id: "reg.deviceRegistrationMfa",
  title: "MFA is required to register or join devices, without a conflicting tenant setting",
  area: "registration",
  scubaGear: [],
  maester: ["MT.1061"],
};

/**
 * Read from the policy object, never from the audit log: changes to the "Require MFA to register
 * or join devices" toggle leave no audit record. Microsoft requires the toggle off when a CA
 * policy on "Register or join devices" is used, otherwise the CA policy is not enforced properly.
 */
export function deviceRegistrationMfa(ctx: PostureContext): PostureCheck {
  const policy = ctx.snapshot.deviceRegistrationPolicy;
  if (!policy) return notCollected(DEVICE_REGISTRATION, "The device registration policy");
  const toggle = policy.multiFactorAuthConfiguration ?? "notRequired";
  const toggleEvidence: PolicyEvidence = {
    ref: policy.id,
    name: "Device registration policy",
    setting: "multiFactorAuthConfiguration",
    value: toggle,
  };
  const outcome = ctx.policiesCollected
    ? evaluateRequirement(ctx, {
        relates: (p) => appTarget(p).userActions.includes(USER_ACTION_REGISTER_DEVICE),
        gaps: (p) => {
          const facts = grantFacts(p, ctx.snapshot.authenticationStrengthPolicies);
          return facts.mfa === "required"
            ? []
            : [{ setting: "grantControls", value: facts.text, note: "does not require MFA", hard: true }];
        },
      })
    : undefined;
  const caPolicy = outcome?.satisfiedBy ?? outcome?.best;
  const caEnforced = enabledPolicies(ctx).filter((p) =>
    appTarget(p).userActions.includes(USER_ACTION_REGISTER_DEVICE),
  );
  if (toggle === "required" && caEnforced.length > 0) {
    return makeCheck(
      DEVICE_REGISTRATION,
      "fail",
      `The tenant toggle "Require MFA to register or join devices" is on while ${policyLabel(caEnforced[0])} targets "Register or join devices"; the two conflict and the Conditional Access policy is not enforced as written.`,
      [
        toggleEvidence,
        ...caEnforced.map((p) => ({
          ref: p.id,
          name: p.displayName ?? undefined,
          setting: "conditions.applications.includeUserActions",
          value: [USER_ACTION_REGISTER_DEVICE],
        })),
      ],
      'Set the device registration policy\'s multiFactorAuthConfiguration to "notRequired" and keep the Conditional Access policy (PUT /policies/deviceRegistrationPolicy; include userDeviceQuota, or it resets to 0).',
    );
  }
  if (outcome?.result === "pass") {
    return makeCheck(
      DEVICE_REGISTRATION,
      "pass",
      `${policyLabel(outcome.satisfiedBy)} requires MFA to register or join devices and the tenant toggle is off, as Microsoft requires.`,
      [toggleEvidence, ...outcome.evidence],
      "",
    );
  }
  if (toggle === "required") {
    return makeCheck(
      DEVICE_REGISTRATION,
      "pass",
      'The tenant toggle "Require MFA to register or join devices" is on (read from the policy; the toggle is not audited).',
      [toggleEvidence, ...(outcome?.evidence ?? [])],
      "",
    );
  }
  return makeCheck(
    DEVICE_REGISTRATION,
    outcome?.result === "warning" ? "warning" : "fail",
    caPolicy
      ? `Device registration is protected only partly (${policyLabel(caPolicy)}) and the tenant toggle is off.`
      : "Nothing requires MFA to register or join devices: a stolen password is enough to register a device (T1098.005).",
    [toggleEvidence, ...(outcome?.evidence ?? [])],
    'Enforce a policy: All users (break-glass excluded), user action "Register or join devices", grant Require MFA; leave the tenant toggle off.',
  );
}

export const JOIN_SCOPE: CheckMeta = {
  id: "dev.joinRegisterScope",
  title: "Only selected users may join or register devices",
  area: "devices",
  scubaGear: [],
  maester: ["MT.1070"],
};

export function joinRegisterScope(ctx: PostureContext): PostureCheck {
  const policy = ctx.snapshot.deviceRegistrationPolicy;
  if (!policy) return notCollected(JOIN_SCOPE, "The device registration policy");
  const join = policy.azureADJoin?.allowedToJoin;
  const register = policy.azureADRegistration?.allowedToRegister;
  const evidence: PolicyEvidence[] = [
    {
      ref: policy.id,
      name: "Device registration policy",
      setting: "azureADJoin.allowedToJoin",
      value: describeMembership(ctx, join),
    },
    {
      ref: policy.id,
      name: "Device registration policy",
      setting: "azureADRegistration.allowedToRegister",
      value: describeMembership(ctx, register),
      note:
        policy.azureADRegistration?.isAdminConfigurable === false
          ? "not admin-configurable in this tenant"
          : undefined,
    },
  ];
  const joinAll = join?.["@odata.type"] === ALL_DEVICE_MEMBERSHIP;
  const rogue = ctx.signals.rogueDevices.length;
  if (!joinAll) {
    return makeCheck(
      JOIN_SCOPE,
      "pass",
      `Entra join is limited to ${describeMembership(ctx, join)}.`,
      evidence,
      "",
    );
  }
  return makeCheck(
    JOIN_SCOPE,
    rogue > 0 ? "fail" : "warning",
    `Every user may Entra-join devices${rogue > 0 ? `, and the case has ${rogue} rogue-device finding(s)` : ""}.`,
    evidence,
    "Limit azureADJoin.allowedToJoin to a group of device enrolment staff (Entra admin centre → Devices → Device settings; the policy is written with PUT /policies/deviceRegistrationPolicy).",
  );
}

/** The quota above which posture warns; the tenant default is 50, which few users need. */
export const DEVICE_QUOTA_LIMIT = 10;

export const DEVICE_QUOTA: CheckMeta = {
  id: "dev.userDeviceQuota",
  title: "The per-user device quota is small",
  area: "devices",
  scubaGear: [],
  maester: [],
};

export function userDeviceQuota(ctx: PostureContext): PostureCheck {
  const policy = ctx.snapshot.deviceRegistrationPolicy;
  if (!policy) return notCollected(DEVICE_QUOTA, "The device registration policy");
  const quota = policy.userDeviceQuota ?? 50;
  const counts = new Map<string, number>();
  for (const device of ctx.snapshot.devices) {
    for (const owner of device.registeredOwners ?? []) counts.set(owner.id, (counts.get(owner.id) ?? 0) + 1);
  }
  const [topUser, topCount] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
  const evidence: PolicyEvidence[] = [
    { ref: policy.id, name: "Device registration policy", setting: "userDeviceQuota", value: quota },
  ];
  if (topCount > 0) {
    evidence.push({
      ref: topUser,
      name: ctx.dir.label(topUser),
      setting: "registeredDevices (owner)",
      value: topCount,
      note: "most devices owned by one user in the case",
    });
  }
  if (quota <= DEVICE_QUOTA_LIMIT) {
    return makeCheck(DEVICE_QUOTA, "pass", `Each user may register at most ${quota} devices.`, evidence, "");
  }
  const rogue = ctx.signals.rogueDevices.length;
  return makeCheck(
    DEVICE_QUOTA,
    rogue > 0 ? "fail" : "warning",
    `Each user may register up to ${quota} devices (posture warns above ${DEVICE_QUOTA_LIMIT})${rogue > 0 ? ", and the case has rogue-device findings" : ""}.`,
    evidence,
    `Lower userDeviceQuota to what users need (≤ ${DEVICE_QUOTA_LIMIT}) with PUT /policies/deviceRegistrationPolicy, sending every other property unchanged.`,
  );
}

function describeMembership(
  ctx: PostureContext,
  membership: DeviceRegistrationMembership | null | undefined,
): string {
  if (!membership) return "not in the case";
  if (membership["@odata.type"] === ALL_DEVICE_MEMBERSHIP) return "all users";
  if (membership["@odata.type"] === NO_DEVICE_MEMBERSHIP) return "no one";
  const users = (membership.users ?? []).map((id) => ctx.dir.label(id));
  const groups = (membership.groups ?? []).map((id) => `group ${ctx.dir.groupName(id)}`);
  return sample([...users, ...groups]) || "no one";
}
