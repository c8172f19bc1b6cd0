/**
 * MFA fatigue (push bombing): the attacker has the password and sends push after push until the
 * victim gives in, then registers their own method. A second target keeps declining and reports the
 * prompts as fraud.
 */
import { FIRST_PARTY, RESOURCES, SIGNIN_ERRORS, USER_AGENTS } from "../catalog.js";
import { audit, frozenStatus, mfaStep, passwordStep, userTarget } from "../records.js";
import { MINUTE_MS } from "../world.js";
import type { ScenarioDefinition } from "./context.js";
import { registerRogueAuthenticator, signInWithRoguePush } from "./steps.js";

const DECLINED = frozenStatus(SIGNIN_ERRORS.mfaDenied);
const NO_RESPONSE = frozenStatus(SIGNIN_ERRORS.mfaNoResponse);

export const mfaFatigue: ScenarioDefinition = {
  name: "mfa-fatigue",
  description:
    "Bursts of push denials then an accepted push from the attacker's address, followed by a new method registered by the attacker; a second target declines and reports fraud.",
  techniques: ["T1621", "T1078.004", "T1098.005"],
  defaults: { users: 200, days: 30, minUsers: 20 },
  apply(ctx) {
    const pushUser = (p: { persona: string; dormant: boolean; mfa: string | null }) =>
      p.persona === "staff" && !p.dormant && p.mfa === "push";
    const victim = ctx.victim("a user whose default method is Authenticator push", pushUser);
    const resisted = ctx.victim("a second push user", pushUser);
    ctx.compromised(victim);
    const origin = ctx.hostileOrigin(victim.home.country);
    const bomb = (target: typeof victim, start: number, prompts: number, step: number) => {
      for (let i = 0; i < prompts; i++) {
        const declined = i % 3 !== 2;
        const s = ctx.attackerSignIn({
          at: start + i * 35_000 + ctx.rng.int(20_000),
          victim: target,
          origin,
          app: FIRST_PARTY.officeHome,
          resource: RESOURCES.graph,
          userAgent: USER_AGENTS.edgeWindows,
          status: declined ? DECLINED : NO_RESPONSE,
          mfa: true,
          details: (iso) => [
            passwordStep(iso, true),
            mfaStep(
              iso,
              "push",
              false,
              declined
                ? "MFA denied; user declined the authentication"
                : "MFA denied; user did not respond to mobile app notification",
            ),
          ],
          mfaDetail: { authMethod: "PhoneAppNotification", authDetail: null },
        });
        ctx.mark(
          "signIn",
          s.id,
          target.user.id,
          "T1621",
          step,
          "push prompt sent by the attacker, not approved",
        );
      }
    };
    // Step 1: two bursts in the victim's evening, an hour apart.
    const first = ctx.dayAt(3, 19);
    bomb(victim, first, 12, 1);
    bomb(victim, first + 60 * MINUTE_MS, 9, 1);
    // Step 2: the victim approves.
    const acceptedAt = first + 60 * MINUTE_MS + 9 * 35_000 + 2 * MINUTE_MS;
    const accepted = ctx.attackerSignIn({
      at: acceptedAt,
      victim,
      origin,
      app: FIRST_PARTY.officeHome,
      resource: RESOURCES.graph,
      userAgent: USER_AGENTS.edgeWindows,
      mfa: true,
      details: (iso) => [passwordStep(iso, true), mfaStep(iso, "push", true)],
      mfaDetail: { authMethod: "PhoneAppNotification", authDetail: null },
      risk: { level: "medium", eventTypes: ["unfamiliarFeatures"] },
    });
    ctx.mark("signIn", accepted.id, victim.user.id, "T1621", 2, "victim approves a push after the bombing");
    const risk = ctx.riskFor(accepted, victim, "unfamiliarFeatures", "medium");
    ctx.mark(
      "riskDetection",
      risk.id,
      victim.user.id,
      "T1621",
      2,
      "unfamiliar sign-in properties on the approved push",
    );
    // Step 3: a new method of the attacker's, minutes later.
    registerRogueAuthenticator(ctx, victim, origin, acceptedAt + 6 * MINUTE_MS, 3, "T1098.005", "iPhone 12");
    // Step 4: back the next day without bothering the victim.
    signInWithRoguePush(ctx, victim, origin, ctx.dayAt(2, 7), 4, "T1098.005");
    ctx.attackerSession(victim, ctx.dayAt(2, 7), 4, "T1098.005");
    // The other target declines everything and reports the fraud.
    const otherAt = ctx.dayAt(2, 20);
    bomb(resisted, otherAt, 11, 1);
    const report = ctx.addAudits([
      audit(
        {
          at: otherAt + 11 * 35_000 + MINUTE_MS,
          activity: "Suspicious activity reported",
          category: "UserManagement",
          service: "MFA",
          operationType: "Update",
          initiator: { user: resisted.user, ip: resisted.homeIp },
          targets: [userTarget(resisted.user)],
          resultReason: "Successfully reported suspicious activity",
        },
        ctx.rng,
      ),
    ])[0]!;
    ctx.mark(
      "audit",
      report.id,
      resisted.user.id,
      "T1621",
      2,
      "the second target reports the prompts as not theirs",
    );
    const reported = ctx.world.doc.signIns[ctx.world.doc.signIns.length - 1]!;
    const det = ctx.riskFor(reported, resisted, "userReportedSuspiciousActivity", "high");
    ctx.mark("riskDetection", det.id, resisted.user.id, "T1621", 2, "user-reported suspicious activity");
  },
};
