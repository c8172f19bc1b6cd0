/** Attack steps several scenarios share: rogue method and rogue device registration. */
import type { AuthenticationMethod } from "../../../graph/types.js";
import { dsregUserAgent, FIRST_PARTY, type PhoneModel, RESOURCES, USER_AGENTS } from "../catalog.js";
import { authenticatorMethod } from "../people.js";
import { mfaStep, passwordStep } from "../records.js";
import { deviceRegisteredAudits, methodAddedAudits } from "../registration.js";
import type { TenantDevice } from "../schema.js";
import type { Person } from "../world.js";
import type { Origin, ScenarioContext } from "./context.js";

const ATTACKER_PHONE: PhoneModel = {
  displayName: "SM-G991B",
  os: "Android",
  osVersions: ["13"],
  appVersions: ["6.2406.4244"],
};

/**
 * The attacker opens My Sign-ins from their own machine and adds an Authenticator on their phone:
 * sign-in to My Signins, "User registered security info", Core Directory "Update user".
 */
export function registerRogueAuthenticator(
  ctx: ScenarioContext,
  victim: Person,
  origin: Origin,
  at: number,
  step: number,
  technique: string,
  deviceName?: string,
): AuthenticationMethod {
  const portal = ctx.attackerSignIn({
    at,
    victim,
    origin,
    app: FIRST_PARTY.mySignins,
    resource: RESOURCES.graph,
    userAgent: USER_AGENTS.edgeWindows,
    details: (iso) => [passwordStep(iso, true)],
  });
  ctx.mark(
    "signIn",
    portal.id,
    victim.user.id,
    technique,
    step,
    "attacker opens My Sign-ins to add security info",
  );
  const model = deviceName ? { ...ATTACKER_PHONE, displayName: deviceName } : ATTACKER_PHONE;
  const method = authenticatorMethod(ctx.rng, model);
  ctx.addMethod(victim.user.id, method, true);
  ctx.mark(
    "method",
    method.id,
    victim.user.id,
    technique,
    step,
    `attacker's Authenticator ("${model.displayName}") registered on the victim`,
  );
  ctx.indicator("deviceNames", model.displayName);
  const audits = methodAddedAudits(
    { at: at + 90_000, user: victim.user, ip: origin.ip, method, userAgent: USER_AGENTS.edgeWindows },
    ctx.rng,
  );
  for (const a of ctx.addAudits(audits))
    ctx.mark(
      "audit",
      a.id,
      victim.user.id,
      technique,
      step,
      `${a.activityDisplayName} for the attacker's Authenticator`,
    );
  return method;
}

/** A sign-in satisfied by the attacker's own push approval. */
export function signInWithRoguePush(
  ctx: ScenarioContext,
  victim: Person,
  origin: Origin,
  at: number,
  step: number,
  technique: string,
): void {
  const s = ctx.attackerSignIn({
    at,
    victim,
    origin,
    app: FIRST_PARTY.officeHome,
    resource: RESOURCES.graph,
    userAgent: USER_AGENTS.edgeWindows,
    mfa: true,
    details: (iso) => [passwordStep(iso, true), mfaStep(iso, "push", true)],
    mfaDetail: { authMethod: "PhoneAppNotification", authDetail: null },
  });
  ctx.mark(
    "signIn",
    s.id,
    victim.user.id,
    technique,
    step,
    "sign-in approved on the attacker's Authenticator",
  );
  const mail = ctx.attackerSignIn({
    at: at + 5 * 60_000,
    victim,
    origin,
    app: FIRST_PARTY.office,
    resource: RESOURCES.exchange,
    userAgent: USER_AGENTS.windowsAadProvider,
    interactive: false,
    clientAppUsed: "Mobile Apps and Desktop clients",
    incomingTokenType: "refreshToken",
    mfa: true,
  });
  ctx.mark(
    "signIn",
    mail.id,
    victim.user.id,
    technique,
    step,
    "token refresh for mailbox access from the attacker's host",
  );
}

export interface RogueDeviceSpec {
  displayName: string;
  operatingSystem: string;
  operatingSystemVersion: string;
  trustType: "AzureAd" | "Workplace";
  userAgent?: string;
  odataClient?: string;
}

/** Registers (or joins) a device through DRS for `owner`, with the audit trail it leaves. */
export function registerRogueDevice(
  ctx: ScenarioContext,
  owner: Person,
  origin: Origin,
  at: number,
  spec: RogueDeviceSpec,
  step: number,
  technique: string,
  description: string,
): TenantDevice {
  const iso = new Date(at).toISOString();
  const device = ctx.addDevice({
    id: ctx.rng.guid(),
    deviceId: ctx.rng.guid(),
    displayName: spec.displayName,
    accountEnabled: true,
    operatingSystem: spec.operatingSystem,
    operatingSystemVersion: spec.operatingSystemVersion,
    trustType: spec.trustType,
    profileType: "RegisteredDevice",
    registrationDateTime: iso,
    approximateLastSignInDateTime: iso,
    isCompliant: null,
    isManaged: null,
    manufacturer: null,
    model: null,
    managementType: null,
    mdmAppId: null,
    deviceOwnership: "Unknown",
    physicalIds: [],
    systemLabels: [],
    ownerIds: [owner.user.id],
    userIds: [owner.user.id],
  });
  ctx.mark("device", device.id, owner.user.id, technique, step, description);
  ctx.indicator("deviceNames", spec.displayName);
  const audits = deviceRegisteredAudits(
    {
      at,
      user: owner.user,
      ip: origin.ip,
      device,
      userAgent: spec.userAgent ?? dsregUserAgent(spec.operatingSystemVersion),
      ...(spec.odataClient ? { odataClient: spec.odataClient } : {}),
    },
    ctx.rng,
  );
  for (const a of ctx.addAudits(audits))
    ctx.mark("audit", a.id, owner.user.id, technique, step, `${a.activityDisplayName}: ${spec.displayName}`);
  return device;
}

/** `DESKTOP-` + eight random capitals/digits: ROADtools' default device name. */
export function roadtoolsName(ctx: ScenarioContext): string {
  return `DESKTOP-${ctx.rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8)}`;
}
