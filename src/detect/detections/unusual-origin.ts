import type { Detection, DraftFinding } from "../detection.js";
import {
  allRegistrations,
  describeRegistration,
  fromKnownDevice,
  placeText,
  registrationEvidence,
  registrationObject,
  sessionSignIn,
} from "../detection.js";
import { ipPrefix } from "../network.js";

/**
 * 1. A method or device registered from a country, ASN or network the user had never signed in
 * from, or at an hour the user is never active (UTC). The user's own history is the baseline
 * (Sentinel "MFA method registered from an IP address not seen in user sign-in history").
 */
export const unusualOrigin: Detection = {
  id: "unusual-origin",
  title: "Registered from an unfamiliar place or at an unusual hour",
  technique: "T1098.005",
  defaultSeverity: "medium",
  requires: [["audits"], ["signins"]],
  uses: [{ stream: "signins", check: "the user's sign-in baseline (countries, ASNs, networks, hours)" }],
  run(context) {
    const t = context.thresholds;
    const out: DraftFinding[] = [];
    for (const registration of allRegistrations(context)) {
      // Admin registrations come from the admin's place, not the user's: detection 10 judges those.
      if (!registration.ip || registration.byOther) continue;
      const { userId, time, ip } = registration;
      const history = context.historySize(userId, time);
      if (history < t.baselineMinSignIns) continue;
      const place = context.place(ip, userId);
      const reasons: string[] = [];
      let score = 0;
      if (place?.country && !context.familiar(userId, "country", place.country, time)) {
        reasons.push(`country ${place.country} never seen in ${history} earlier sign-ins`);
        score += 45;
      }
      if (place?.asn !== undefined && !context.familiar(userId, "asn", place.asn, time)) {
        reasons.push(`network AS${place.asn} never seen before`);
        score += 20;
      }
      const newNetwork = !context.familiar(userId, "network", ipPrefix(ip), time);
      if (newNetwork && score === 0) {
        reasons.push(`address range ${ipPrefix(ip)} never seen before`);
        score += 25;
      }
      const hour = new Date(time).getUTCHours();
      if (history >= t.unusualHourMinSignIns && context.hourShare(userId, hour, time) < t.unusualHourShare) {
        reasons.push(
          `at ${hour}:00 UTC, when the user is otherwise never active (under ${Math.round(t.unusualHourShare * 100)}% of sign-ins within an hour of it)`,
        );
        score += 10;
      }
      if (reasons.length === 0) continue;
      // A traveller registering a new phone from their own laptop is not an intruder.
      const session = sessionSignIn(context, registration);
      const known = session ? fromKnownDevice(context, userId, session, time) : undefined;
      if (known) reasons.push(`but the session came from ${known}`);
      const { object, actions } = registrationObject(context, registration);
      const strong = score >= 45 && !known;
      out.push({
        userId,
        object,
        anchor: registration.key,
        // The hour alone is a weak hint (time zones, travel): informational until something else agrees.
        severity: strong ? "medium" : score >= 25 ? "low" : "informational",
        score: Math.min(score + 15, 90),
        explanation: `${describeRegistration(registration)} from ${placeText(context, ip, userId)}: ${reasons.join("; ")}.`,
        evidence: registrationEvidence(context, registration),
        recommendedActions: actions,
        ip,
        initiator: registration.initiator,
        locationSuppressible: true,
      });
    }
    return out;
  },
};
