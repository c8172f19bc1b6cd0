/**
 * APT29-style takeover of a dormant account: a low-and-slow password spray from hosting addresses,
 * one hit on an account nobody has used for months and that has no MFA, the attacker registers
 * their own Authenticator from a new country, then comes back and signs in with it.
 */
import { FIRST_PARTY, RESOURCES, SIGNIN_ERRORS, USER_AGENTS } from "../catalog.js";
import { frozenStatus, passwordStep } from "../records.js";
import { MINUTE_MS } from "../world.js";
import type { ScenarioDefinition } from "./context.js";
import { registerRogueAuthenticator, signInWithRoguePush } from "./steps.js";

export const apt29Dormant: ScenarioDefinition = {
  name: "apt29-dormant",
  description:
    "Password spray from hosting IPs; a dormant account without MFA is taken over; the attacker registers an Authenticator from a new country and later signs in with it.",
  techniques: ["T1110.003", "T1078.004", "T1098.005", "T1556.006"],
  defaults: { users: 200, days: 30, minUsers: 20 },
  apply(ctx) {
    const victim = ctx.victim("a dormant account without MFA", (p) => p.dormant && p.mfa === null);
    ctx.compromised(victim);
    const spray = [ctx.hostileOrigin(victim.home.country), ctx.hostileOrigin(victim.home.country)];
    const sprayAt = ctx.dayAt(4, 1);
    const invalid = frozenStatus(SIGNIN_ERRORS.invalidPassword);
    // Step 1: one guess per account, spread over two hours, from two addresses.
    const targets = ctx.world.people.filter((p) => p.persona === "staff" && p !== victim).slice(0, 40);
    targets.forEach((p, i) => {
      const s = ctx.attackerSignIn({
        at: sprayAt + i * 3 * MINUTE_MS + ctx.rng.int(60_000),
        victim: p,
        origin: spray[i % 2]!,
        app: FIRST_PARTY.azureAdPowerShell,
        resource: RESOURCES.windowsAzureAd,
        userAgent: USER_AGENTS.pythonRequests,
        clientAppUsed: "Mobile Apps and Desktop clients",
        status: invalid,
        details: (iso) => [passwordStep(iso, false)],
        authenticationProtocol: "ropc",
        conditionalAccessStatus: "notApplied",
      });
      ctx.mark("signIn", s.id, p.user.id, "T1110.003", 1, "password spray attempt (invalid password)");
    });
    // Step 2: the spray hits the dormant account; no MFA is registered, so a single factor passes.
    const hitAt = sprayAt + targets.length * 3 * MINUTE_MS + 4 * MINUTE_MS;
    const hit = ctx.attackerSignIn({
      at: hitAt,
      victim,
      origin: spray[0]!,
      app: FIRST_PARTY.azureAdPowerShell,
      resource: RESOURCES.windowsAzureAd,
      userAgent: USER_AGENTS.pythonRequests,
      clientAppUsed: "Mobile Apps and Desktop clients",
      details: (iso) => [passwordStep(iso, true)],
      authenticationProtocol: "ropc",
      conditionalAccessStatus: "notApplied",
      risk: { level: "medium", eventTypes: ["passwordSpray"] },
    });
    ctx.mark(
      "signIn",
      hit.id,
      victim.user.id,
      "T1078.004",
      2,
      "sprayed password works on the dormant account",
    );
    const spr = ctx.riskFor(hit, victim, "passwordSpray", "medium");
    ctx.mark("riskDetection", spr.id, victim.user.id, "T1110.003", 2, "Identity Protection flags the spray");
    // Step 3: hours later, from a VPN exit in another country, the attacker registers MFA.
    const vpn = ctx.hostileOrigin(victim.home.country);
    const regAt = ctx.dayAt(3, 22);
    registerRogueAuthenticator(ctx, victim, vpn, regAt, 3, "T1098.005");
    // Step 4: the next day, sign-ins pass MFA on the attacker's own phone.
    signInWithRoguePush(ctx, victim, vpn, ctx.dayAt(2, 8), 4, "T1556.006");
    const later = ctx.attackerSignIn({
      at: ctx.dayAt(1, 9),
      victim,
      origin: vpn,
      app: FIRST_PARTY.officeHome,
      resource: RESOURCES.graph,
      userAgent: USER_AGENTS.edgeWindows,
      mfa: true,
      details: (iso) => [
        passwordStep(iso, true),
        {
          authenticationStepDateTime: iso,
          authenticationMethod: "Mobile app notification",
          succeeded: true,
          authenticationStepResultDetail: "MFA successfully completed",
          authenticationStepRequirement: "Multifactor authentication",
        },
      ],
      mfaDetail: { authMethod: "PhoneAppNotification", authDetail: null },
      risk: { level: "medium", eventTypes: ["anonymizedIPAddress"] },
    });
    ctx.mark(
      "signIn",
      later.id,
      victim.user.id,
      "T1556.006",
      4,
      "repeat sign-in through the attacker's MFA from an anonymising VPN",
    );
    const anon = ctx.riskFor(later, victim, "anonymizedIPAddress", "medium");
    ctx.mark(
      "riskDetection",
      anon.id,
      victim.user.id,
      "T1078.004",
      4,
      "anonymous IP detection on the attacker's sign-in",
    );
    ctx.attackerSession(victim, ctx.dayAt(1, 9), 4, "T1556.006");
  },
};
