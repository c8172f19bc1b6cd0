import type { Detection, DraftFinding } from "../detection.js";
import {
  allRegistrations,
  describeRegistration,
  fromKnownDevice,
  registrationEvidence,
  registrationObject,
  riskEvidence,
  signInEvidence,
} from "../detection.js";
import type { Evidence } from "../finding.js";
import { isRisky, isSuccess, placeOf } from "../signins.js";
import { HOUR } from "../time.js";

const RISKY_LEVELS = new Set(["medium", "high"]);

/** "2.5 h before" / "40 min before": how long before the registration a signal came. */
function ago(registrationTime: number, time: number): string {
  const minutes = Math.max(0, Math.round((registrationTime - time) / 60_000));
  return minutes < 90 ? `${minutes} min before` : `${Math.round(minutes / 6) / 10} h before`;
}

/**
 * 2. A method or device registered within 6 h after a medium/high-risk sign-in or risk detection, a
 * successful sign-in from a password-spray IP, or a successful sign-in from an unfamiliar place
 * (Sentinel "Risky Sign-in with new MFA method / Device Registration").
 */
export const afterRisk: Detection = {
  id: "after-risk",
  title: "Registered soon after a risky, sprayed or unfamiliar sign-in",
  technique: "T1098.005",
  defaultSeverity: "high",
  requires: [
    ["audits", "methods", "devices"],
    ["signins", "risk"],
  ],
  uses: [
    { stream: "risk", check: "Identity Protection risk detections before the registration" },
    { stream: "signins", check: "risky, sprayed and unfamiliar sign-ins before the registration" },
  ],
  run(context) {
    const windowMs = context.thresholds.afterRiskWindowHours * HOUR;
    const out: DraftFinding[] = [];
    for (const registration of allRegistrations(context)) {
      if (registration.byOther) continue;
      const { userId, time } = registration;
      const from = time - windowMs;
      const evidence: Evidence[] = [];
      const reasons: string[] = [];
      let strong = false;
      for (const { time: riskTime, risk } of context.riskByUser.get(userId) ?? []) {
        if (riskTime < from || riskTime > time) continue;
        const spray = risk.riskEventType === "passwordSpray";
        if (!spray && !RISKY_LEVELS.has((risk.riskLevel ?? "").toLowerCase())) continue;
        evidence.push(riskEvidence(risk));
        reasons.push(
          `${`${risk.riskLevel ?? ""} risk detection ${risk.riskEventType ?? ""}`.trim()} ${ago(time, riskTime)}`,
        );
        strong = true;
      }
      let unfamiliar = 0;
      // A sprayed password is used when the attacker comes back, often days later: a longer look.
      const sprayFrom = time - context.thresholds.afterSprayWindowHours * HOUR;
      for (const { time: signInTime, signIn } of context.signInsBetween(
        userId,
        Math.min(from, sprayFrom),
        time + 1,
      )) {
        const recent = signInTime >= from;
        if (recent && isRisky(signIn)) {
          evidence.push(
            signInEvidence(
              signIn,
              `risky sign-in (${signIn.riskLevelDuringSignIn ?? signIn.riskLevelAggregated ?? signIn.riskState})`,
            ),
          );
          reasons.push(`a risky sign-in ${ago(time, signInTime)}`);
          strong = true;
          continue;
        }
        if (!isSuccess(signIn) || !signIn.ipAddress) continue;
        const spray = context.sprayIps.get(signIn.ipAddress);
        // The victim's own office can be a noisy address; a spray source is one they never used.
        if (
          spray &&
          spray.start <= signInTime &&
          context.unfamiliarIp(userId, signIn.ipAddress, signInTime) !== false
        ) {
          evidence.push(
            signInEvidence(
              signIn,
              `successful sign-in from ${signIn.ipAddress}, which failed passwords for ${spray.users} users`,
            ),
          );
          reasons.push(`a sign-in from a password-spray address ${ago(time, signInTime)}`);
          strong = true;
          continue;
        }
        if (!recent || context.trustedLocation(signIn.ipAddress)) continue;
        if (
          context.unfamiliarIp(userId, signIn.ipAddress, signInTime) === true &&
          !fromKnownDevice(context, userId, signIn, signInTime) &&
          unfamiliar < 3
        ) {
          unfamiliar++;
          evidence.push(
            signInEvidence(
              signIn,
              `successful sign-in from an unfamiliar place (${placeOf(signIn) ?? signIn.ipAddress})`,
            ),
          );
          if (unfamiliar === 1)
            reasons.push(`a sign-in from a place the user never used ${ago(time, signInTime)}`);
        }
      }
      if (reasons.length === 0) continue;
      const { object, actions } = registrationObject(context, registration);
      const distinct = [...new Set(reasons)];
      out.push({
        userId,
        object,
        anchor: registration.key,
        severity: strong ? "high" : "medium",
        score: strong ? 80 : 55,
        explanation: `${describeRegistration(registration)}, after ${distinct.slice(0, 4).join(", ")}${distinct.length > 4 ? ` and ${distinct.length - 4} more` : ""}.`,
        evidence: [...evidence, ...registrationEvidence(context, registration)],
        recommendedActions: strong ? [...actions, "revokeSessions", "resetPassword"] : actions,
        ip: registration.ip,
        initiator: registration.initiator,
        locationSuppressible: !strong,
      });
    }
    return out;
  },
};
