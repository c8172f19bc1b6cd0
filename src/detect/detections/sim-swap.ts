import { type CountryCode, getCountryCallingCode } from "libphonenumber-js";
import type { Detection, DraftFinding } from "../detection.js";
import {
  describeRegistration,
  fromKnownDevice,
  registrationEvidence,
  registrationObject,
  signInEvidence,
} from "../detection.js";
import type { Evidence } from "../finding.js";
import { phoneCallingCode, phoneCountry } from "../phone.js";
import { isSuccess, placeOf, usedPhoneFactor } from "../signins.js";
import { DAY } from "../time.js";

const PHONE = "#microsoft.graph.phoneAuthenticationMethod";

function callingCode(country: string): string | undefined {
  try {
    return getCountryCallingCode(country.toUpperCase() as CountryCode);
  } catch {
    return undefined;
  }
}

/**
 * 6. SIM swap signs: a phone number added or changed, then SMS/voice-satisfied sign-ins from a place
 * the user never used; or a number whose country code matches no country the user ever worked from.
 * No public rule ships this composite (peers.md C); the number-country test compares calling codes,
 * so +1 numbers fit every NANP country.
 */
export const simSwap: Detection = {
  id: "sim-swap",
  title: "SIM swap: new phone number then SMS sign-ins from a new place",
  technique: "T1111",
  defaultSeverity: "high",
  requires: [["audits", "methods"]],
  uses: [
    { stream: "signins", check: "SMS/voice sign-ins after the number change and the user's countries" },
    { stream: "users", check: "the user's usage location" },
  ],
  run(context) {
    const windowMs = context.thresholds.simSwapWindowDays * DAY;
    const out: DraftFinding[] = [];
    for (const registration of context.events.methods) {
      if (registration.methodType !== PHONE) continue;
      const { userId, time } = registration;
      const numbers = registration.phones.length
        ? registration.phones
        : registration.method?.["@odata.type"] === PHONE
          ? [registration.method.phoneNumber]
          : [];
      const reasons: string[] = [];
      const evidence: Evidence[] = [];
      let strong = false;

      const phoneSignIns = context
        .signInsBetween(userId, time, time + windowMs)
        .filter(
          ({ time: at, signIn }) =>
            isSuccess(signIn) &&
            usedPhoneFactor(signIn) &&
            !fromKnownDevice(context, userId, signIn, at) &&
            !context.trustedLocation(signIn.ipAddress ?? undefined) &&
            context.unfamiliarIp(userId, signIn.ipAddress ?? undefined, Math.min(at, time)) === true,
        );
      if (phoneSignIns.length > 0) {
        const first = phoneSignIns[0]!.signIn;
        reasons.push(
          `then ${phoneSignIns.length} sign-in(s) completed by SMS/voice from a place the user never used (${placeOf(first) ?? first.ipAddress})`,
        );
        for (const { signIn } of phoneSignIns.slice(0, 10))
          evidence.push(signInEvidence(signIn, "sign-in completed by SMS/voice"));
        strong = true;
      }

      if (context.historySize(userId, time) >= context.thresholds.baselineMinSignIns) {
        const user = context.usersById.get(userId);
        const countries = [
          ...context.familiarValues(userId, "country", time),
          ...[user?.usageLocation, user?.country].filter((c): c is string => Boolean(c)),
        ];
        const codes = new Set(countries.map(callingCode).filter((code) => code));
        for (const number of numbers) {
          const code = phoneCallingCode(number);
          if (code && codes.size > 0 && !codes.has(code)) {
            reasons.push(
              `the number ${number} is in ${phoneCountry(number) ?? `+${code}`}, a country the user never signed in from`,
            );
          }
        }
      }
      if (reasons.length === 0) continue;
      const { object, actions } = registrationObject(context, registration);
      out.push({
        userId,
        object,
        anchor: registration.key,
        severity: strong ? "high" : "medium",
        score: strong ? 80 : 50,
        explanation: `${describeRegistration(registration)}; ${reasons.join("; ")}.`,
        evidence: [...registrationEvidence(context, registration), ...evidence],
        recommendedActions: strong ? [...actions, "revokeSessions", "resetPassword"] : actions,
        ip: registration.ip,
        initiator: registration.initiator,
        locationSuppressible: !strong,
      });
    }
    return out;
  },
};
