import { describeInitiator } from "../audit.js";
import type { Detection, DraftFinding } from "../detection.js";
import {
  allRegistrations,
  describeRegistration,
  placeText,
  registrationEvidence,
  registrationObject,
} from "../detection.js";
import type { Registration } from "../registrations.js";

/** Microsoft's own services that write the companion records of a user's registration. */
const SERVICE_APPS =
  /strongauthenticationservice|credential configuration endpoint|device registration service/i;

/**
 * 10. A method added to a user by another account ("Admin registered security info") when that
 * admin or app is not a regular helpdesk actor in this case, or acts from a place they never used;
 * and any change to a privileged user's methods (informational alone — privilege raises it).
 */
export const adminRegistered: Detection = {
  id: "admin-registered",
  title: "Method added by an unusual admin or app, or on a privileged account",
  technique: "T1098.005",
  defaultSeverity: "medium",
  requires: [["audits"]],
  uses: [{ stream: "signins", check: "the admin's own sign-in baseline" }],
  run(context) {
    const t = context.thresholds;
    const out: DraftFinding[] = [];
    // A regular helpdesk actor registers methods for others on many days; an intruder works in bursts.
    const daysByActor = new Map<string, Set<string>>();
    const actorOf = (i: Registration["initiator"]) => i.userId ?? i.appId ?? i.appName ?? "unknown";
    const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);
    for (const registration of allRegistrations(context)) {
      if (!registration.byOther || registration.source === "inventory") continue;
      const actor = actorOf(registration.initiator);
      const days = daysByActor.get(actor) ?? new Set<string>();
      days.add(dayOf(registration.time));
      daysByActor.set(actor, days);
    }
    // Admins who acted on others from a place they never used: their own account is taken over.
    const actorActs = new Map<string, Registration[]>();
    for (const registration of allRegistrations(context)) {
      if (registration.source === "inventory") continue;
      const { userId, time } = registration;
      const privileged = context.privileged.get(userId);
      const reasons: string[] = [];
      let score = 0;
      let severity: DraftFinding["severity"] = "informational";
      if (registration.byOther) {
        const initiator = registration.initiator;
        const days = daysByActor.get(actorOf(initiator)) ?? new Set<string>();
        const otherDays = days.size - (days.has(dayOf(time)) ? 1 : 0);
        const serviceApp = !initiator.userId && SERVICE_APPS.test(initiator.appName ?? "");
        if (!serviceApp) {
          if (!initiator.userId) {
            reasons.push(`added by the application ${describeInitiator(initiator)}, not by a person`);
            score += 55;
          } else {
            // A helpdesk regular acts on many days from their usual network; an intruder in an
            // admin's session acts in one burst from elsewhere. Rarity alone is only a note.
            if (otherDays < t.knownAdminMinDays) {
              reasons.push(
                `added by ${describeInitiator(initiator)}, who registered methods for others on only ${otherDays} other day(s) in this case`,
              );
              score += 25;
            }
            if (context.unfamiliarIp(initiator.userId, registration.ip, time) === true) {
              reasons.push(
                `the admin acted from ${placeText(context, registration.ip, initiator.userId)}, where they never signed in`,
              );
              score += 45;
              const acts = actorActs.get(initiator.userId) ?? [];
              acts.push(registration);
              actorActs.set(initiator.userId, acts);
            }
          }
        }
        if (score > 0) severity = score >= 70 ? "high" : score >= 45 ? "medium" : "low";
      }
      if (privileged) {
        reasons.push(`the account is privileged (${privileged.reasons.join(", ")})`);
        score += 10;
      }
      if (reasons.length === 0) continue;
      const { object, actions } = registrationObject(context, registration);
      out.push({
        userId,
        object,
        anchor: registration.key,
        severity,
        score: Math.min(score + 10, 95),
        explanation: `${describeRegistration(registration)}: ${reasons.join("; ")}.`,
        evidence: registrationEvidence(context, registration),
        recommendedActions: severity === "informational" ? ["review"] : actions,
        ip: registration.ip,
        initiator: registration.initiator,
        locationSuppressible: true,
      });
    }
    for (const [actorId, acts] of actorActs) {
      const first = acts[0]!;
      const targets = [...new Set(acts.map((act) => context.userPrincipalName(act.userId) ?? act.userId))];
      out.push({
        userId: actorId,
        object: { kind: "user" },
        anchor: first.key,
        severity: "high",
        score: 80,
        explanation: `${describeInitiator(first.initiator)} changed the security info of ${targets.length} account(s) (${targets.join(", ")}) from ${placeText(context, first.ip, actorId)}, where they never signed in: the admin account itself is likely in an attacker's hands.`,
        evidence: acts.flatMap((act) => registrationEvidence(context, act)),
        recommendedActions: ["revokeSessions", "resetPassword"],
        ip: first.ip,
        initiator: first.initiator,
        locationSuppressible: true,
      });
    }
    return out;
  },
};
