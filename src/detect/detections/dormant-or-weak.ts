import type { DetectContext } from "../context.js";
import type { Detection, DraftFinding } from "../detection.js";
import {
  describeRegistration,
  placeText,
  registrationEvidence,
  registrationObject,
  signInEvidence,
} from "../detection.js";
import type { Evidence } from "../finding.js";
import type { MethodRegistration } from "../registrations.js";
import { isSingleFactor, isSuccess } from "../signins.js";
import { DAY, HOUR, toMs } from "../time.js";

/**
 * 3. A first or new method on a dormant account (no successful sign-in for 30+ days before), or a
 * method registered in a session that passed with the password alone (Sentinel "Dormant User
 * Update MFA and Logs In"; Microsoft's guidance on registration without MFA). New accounts
 * registering their first method with a password are onboarding, not an attack.
 */
export const dormantOrWeak: Detection = {
  id: "dormant-or-weak",
  title: "New method on a dormant account, or registered with the password alone",
  technique: "T1098.005",
  defaultSeverity: "medium",
  requires: [["audits", "methods"], ["signins"]],
  uses: [
    { stream: "users", check: "account age (onboarding is not dormancy)" },
    { stream: "methods", check: "whether the user already had methods" },
  ],
  run(context) {
    const t = context.thresholds;
    const out: DraftFinding[] = [];
    const firstRegistration = new Map<string, number>();
    for (const registration of context.events.methods) {
      const known = firstRegistration.get(registration.userId);
      if (known === undefined || registration.time < known)
        firstRegistration.set(registration.userId, registration.time);
    }
    for (const registration of context.events.methods) {
      if (registration.byOther) continue;
      const { userId, time } = registration;
      const created = toMs(context.usersById.get(userId)?.createdDateTime);
      const newAccount = created !== undefined && time - created < t.newAccountDays * DAY;
      const reasons: string[] = [];
      const evidence: Evidence[] = [];
      let score = 0;

      const graceFrom = time - t.dormantGraceHours * HOUR;
      const wanted = time - t.dormantDays * DAY;
      const olderThanWindow = created === undefined || created <= wanted;
      // The log may not reach the full period back: accept it when it covers enough of it.
      const logFrom = context.signInLogStart(wanted, graceFrom);
      if (
        !newAccount &&
        olderThanWindow &&
        logFrom !== undefined &&
        graceFrom - logFrom >= t.dormantMinCoveredDays * DAY
      ) {
        const active = context
          .signInsBetween(userId, logFrom, graceFrom)
          .some(({ signIn }) => isSuccess(signIn));
        if (!active) {
          const days = Math.floor((time - logFrom) / DAY);
          reasons.push(
            days >= t.dormantDays
              ? `the account had no successful sign-in in the ${t.dormantDays} days before`
              : `the account had no successful sign-in in the ${days} days before (as far back as the sign-in log goes)`,
          );
          score += 60;
        }
      }

      const session = registrationSession(context, registration);
      const hadMethods = hadEarlierMethods(context, registration, firstRegistration);
      if (session && isSingleFactor(session.signIn) && (hadMethods || !newAccount)) {
        reasons.push(
          hadMethods
            ? "the session passed with the password alone although the user already had MFA methods"
            : "the session passed with the password alone",
        );
        evidence.push(
          signInEvidence(session.signIn, "single-factor sign-in that opened the registration session"),
        );
        score += 50;
      }
      if (reasons.length === 0) continue;
      if (!hadMethods) reasons.push("it is the account's first MFA method");
      const { object, actions } = registrationObject(context, registration);
      const both = score >= 110;
      // Without the account in the inventory its age is unknown: a new hire's first registration
      // looks exactly like a dormant account's, so the finding stays low and says why.
      const ageUnknown = !context.usersById.has(userId);
      if (ageUnknown)
        reasons.push("the account's age is unknown (no user inventory), so it may simply be new");
      out.push({
        userId,
        object,
        anchor: registration.key,
        severity: ageUnknown ? "low" : both ? "high" : "medium",
        score: Math.min(score, 90),
        explanation: `${describeRegistration(registration)} from ${placeText(context, registration.ip, registration.userId)}: ${reasons.join("; ")}.`,
        evidence: [...evidence, ...registrationEvidence(context, registration)],
        recommendedActions: both ? [...actions, "revokeSessions", "resetPassword"] : actions,
        ip: registration.ip,
        initiator: registration.initiator,
        locationSuppressible: true,
      });
    }
    return out;
  },
};

/** The latest successful sign-in in the hour before the registration, preferring the same IP. */
function registrationSession(context: DetectContext, registration: MethodRegistration) {
  const candidates = context
    .signInsBetween(registration.userId, registration.time - HOUR, registration.time + 1)
    .filter(({ signIn }) => isSuccess(signIn) && signIn.authenticationRequirement);
  const sameIp = candidates.filter(({ signIn }) => registration.ip && signIn.ipAddress === registration.ip);
  return (sameIp.length ? sameIp : candidates).at(-1);
}

function hadEarlierMethods(
  context: DetectContext,
  registration: MethodRegistration,
  firstRegistration: ReadonlyMap<string, number>,
): boolean {
  const earlier = registration.time - 60_000;
  for (const method of context.snapshot.methods.get(registration.userId) ?? []) {
    if (method["@odata.type"] === "#microsoft.graph.passwordAuthenticationMethod") continue;
    if (method.id === registration.method?.id) continue;
    const created = toMs(method.createdDateTime);
    if (created !== undefined && created < earlier) return true;
  }
  return (firstRegistration.get(registration.userId) ?? Number.POSITIVE_INFINITY) < earlier;
}
