/**
 * Device-code phishing for the Microsoft Authentication Broker, a device joined through the Device
 * Registration Service with the stolen token (ROADtools defaults), a Windows Hello key on it for
 * persistence, then primary-refresh-token sign-ins from the rogue device.
 */
import { FIRST_PARTY, RESOURCES, TOOL_FINGERPRINTS, USER_AGENTS } from "../catalog.js";
import { mfaStep, passwordStep, previouslySatisfied } from "../records.js";
import { methodAddedAudits } from "../registration.js";
import { MINUTE_MS } from "../world.js";
import type { ScenarioDefinition } from "./context.js";
import { registerRogueDevice, roadtoolsName } from "./steps.js";

export const deviceCodePrt: ScenarioDefinition = {
  name: "device-code-prt",
  description:
    "Device-code phishing to the Microsoft Authentication Broker, a device registered through the Device Registration Service, then primary-refresh-token sign-ins from it.",
  techniques: ["T1566.002", "T1528", "T1098.005", "T1550.001"],
  defaults: { users: 200, days: 30, minUsers: 20 },
  apply(ctx) {
    const victim = ctx.victim(
      "an active user with MFA",
      (p) => p.persona === "staff" && !p.dormant && p.mfa === "push",
    );
    ctx.compromised(victim);
    const origin = ctx.hostileOrigin(victim.home.country);
    const at = ctx.dayAt(3, 14);
    // Step 1: the victim types the attacker's code at microsoft.com/devicelogin and completes MFA.
    const phish = ctx.attackerSignIn({
      at,
      victim,
      origin: {
        ip: victim.officeIp ?? victim.homeIp,
        asn: victim.officeAsn,
        city: victim.home,
        location: victim.location,
      },
      app: FIRST_PARTY.authBroker,
      resource: RESOURCES.drs,
      userAgent: USER_AGENTS.edgeWindows,
      mfa: true,
      details: (iso) => [passwordStep(iso, true), mfaStep(iso, "push", true)],
      mfaDetail: { authMethod: "PhoneAppNotification", authDetail: null },
      authenticationProtocol: "deviceCode",
      deviceDetail: victim.browserDetail,
    });
    ctx.mark(
      "signIn",
      phish.id,
      victim.user.id,
      "T1566.002",
      1,
      "device-code sign-in to the Authentication Broker for the DRS resource, completed by the phished user",
    );
    // Step 2: the attacker redeems the refresh token from their host.
    const redeem = ctx.attackerSignIn({
      at: at + 2 * MINUTE_MS,
      victim,
      origin,
      app: FIRST_PARTY.authBroker,
      resource: RESOURCES.drs,
      userAgent: USER_AGENTS.pythonRequests,
      interactive: false,
      clientAppUsed: "Mobile Apps and Desktop clients",
      incomingTokenType: "refreshToken",
      mfa: true,
      details: (iso) => [previouslySatisfied(iso, true)],
    });
    ctx.mark(
      "signIn",
      redeem.id,
      victim.user.id,
      "T1528",
      2,
      "broker refresh token used from the attacker's host",
    );
    // Step 3: join a device with ROADtools defaults.
    const name = roadtoolsName(ctx);
    const device = registerRogueDevice(
      ctx,
      victim,
      origin,
      at + 3 * MINUTE_MS,
      {
        displayName: name,
        operatingSystem: "Windows",
        operatingSystemVersion: TOOL_FINGERPRINTS.roadtoolsWindowsVersion,
        trustType: "AzureAd",
        odataClient: "Microsoft.OData.Client/7.12.5",
      },
      3,
      "T1098.005",
      `rogue Entra-joined device ${name} (ROADtools default name and OS version)`,
    );
    // Step 4: a Windows Hello key provisioned on it keeps the attacker in after a password reset.
    const whfb = {
      "@odata.type": "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod" as const,
      id: ctx.rng.guid(),
      displayName: name,
      createdDateTime: new Date(at + 6 * MINUTE_MS).toISOString(),
      keyStrength: "normal" as const,
    };
    ctx.addMethod(victim.user.id, whfb);
    ctx.mark(
      "method",
      whfb.id,
      victim.user.id,
      "T1098.005",
      4,
      `Windows Hello for Business key on the rogue device ${name}`,
    );
    for (const a of ctx.addAudits(
      methodAddedAudits(
        {
          at: at + 6 * MINUTE_MS,
          user: victim.user,
          ip: origin.ip,
          method: whfb,
          userAgent: USER_AGENTS.pythonRequests,
        },
        ctx.rng,
      ),
    )) {
      ctx.mark("audit", a.id, victim.user.id, "T1098.005", 4, `${a.activityDisplayName} on the rogue device`);
    }
    // Step 5: PRT sign-ins from the rogue device.
    const prtDetail = {
      deviceId: device.deviceId ?? "",
      displayName: name,
      operatingSystem: "Windows10",
      browser: "Edge 130.0.0",
      isCompliant: false,
      isManaged: false,
      trustType: "Azure AD joined",
    };
    const prtStarts = [at + 10 * MINUTE_MS, ctx.dayAt(2, 9), ctx.dayAt(1, 10)];
    prtStarts.forEach((t, i) => {
      const s = ctx.attackerSignIn({
        at: t,
        victim,
        origin,
        app: i === 0 ? FIRST_PARTY.windowsSignIn : FIRST_PARTY.officeHome,
        resource: i === 0 ? RESOURCES.windowsAzureAd : RESOURCES.graph,
        userAgent: i === 0 ? USER_AGENTS.windowsAadProvider : USER_AGENTS.edgeWindows,
        clientAppUsed: i === 0 ? "Mobile Apps and Desktop clients" : "Browser",
        incomingTokenType: "primaryRefreshToken",
        mfa: true,
        details: (iso) => [previouslySatisfied(iso, true)],
        deviceDetail: prtDetail,
      });
      ctx.mark(
        "signIn",
        s.id,
        victim.user.id,
        "T1550.001",
        5,
        `sign-in with the primary refresh token of ${name}`,
      );
    });
    ctx.attackerSession(victim, ctx.dayAt(1, 10), 5, "T1550.001");
  },
};
