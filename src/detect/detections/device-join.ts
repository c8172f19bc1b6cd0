import type { Detection, DraftFinding } from "../detection.js";
import {
  describeRegistration,
  placeText,
  registrationEvidence,
  registrationObject,
  signInEvidence,
} from "../detection.js";
import type { Evidence } from "../finding.js";
import {
  AUTH_BROKER_APP_ID,
  isDeviceCode,
  isDeviceRegistrationSignIn,
  isPrtUse,
  isSingleFactor,
  isSuccess,
} from "../signins.js";
import { MINUTE } from "../time.js";

/**
 * 7. A device registered or joined without MFA (Sigma "Device Registration or Join Without MFA"), or
 * through the Device Registration Service right after a device-code sign-in to the Microsoft
 * Authentication Broker (the AiTM/device-code → PRT chain, Elastic); primary-refresh-token use from
 * the new device makes it worse.
 */
export const deviceJoin: Detection = {
  id: "device-join",
  title: "Device registered without MFA or through a device-code broker flow",
  technique: "T1098.005",
  defaultSeverity: "medium",
  requires: [["audits", "devices"], ["signins"]],
  uses: [{ stream: "signins", check: "the Device Registration Service sign-ins and PRT use" }],
  run(context) {
    const windowMs = context.thresholds.deviceSignInWindowMinutes * MINUTE;
    const out: DraftFinding[] = [];
    for (const registration of context.events.devices) {
      const { userId, time } = registration;
      const before = context.signInsBetween(userId, time - windowMs, time + 5 * MINUTE);
      const evidence: Evidence[] = [];
      const reasons: string[] = [];
      let score = 0;

      const deviceCode = before.filter(
        ({ signIn }) =>
          isSuccess(signIn) &&
          isDeviceCode(signIn) &&
          (signIn.appId?.toLowerCase() === AUTH_BROKER_APP_ID || isDeviceRegistrationSignIn(signIn)),
      );
      if (deviceCode.length > 0) {
        reasons.push("right after a device-code sign-in to the Microsoft Authentication Broker");
        for (const { signIn } of deviceCode)
          evidence.push(signInEvidence(signIn, "device-code sign-in (broker / DRS)"));
        score += 70;
      }
      const drs = before.filter(({ signIn }) => isSuccess(signIn) && isDeviceRegistrationSignIn(signIn));
      const singleFactor = drs.filter(({ signIn }) => isSingleFactor(signIn));
      if (drs.length > 0 && singleFactor.length === drs.length) {
        reasons.push("the Device Registration Service sign-in passed with a single factor");
        for (const { signIn } of singleFactor)
          evidence.push(signInEvidence(signIn, "single-factor sign-in to the Device Registration Service"));
        score += 50;
      }
      if (reasons.length === 0) continue;
      if (registration.deviceId) {
        const prt = context
          .signInsBetween(userId, time, Number.POSITIVE_INFINITY)
          .filter(
            ({ signIn }) =>
              isSuccess(signIn) &&
              isPrtUse(signIn) &&
              signIn.deviceDetail?.deviceId?.toLowerCase() === registration.deviceId,
          );
        if (prt.length > 0) {
          reasons.push(`the device then used a primary refresh token ${prt.length} time(s)`);
          for (const { signIn } of prt.slice(0, 10))
            evidence.push(signInEvidence(signIn, "primary refresh token used from the new device"));
          score += 20;
        }
      }
      const { object, actions } = registrationObject(context, registration);
      const high = score >= 70;
      out.push({
        userId,
        object,
        anchor: registration.key,
        severity: high ? "high" : "medium",
        score: Math.min(score + 10, 95),
        explanation: `${describeRegistration(registration)} from ${placeText(context, registration.ip, registration.userId)}: ${reasons.join("; ")}.`,
        evidence: [...evidence, ...registrationEvidence(context, registration)],
        recommendedActions: high ? [...actions, "revokeSessions"] : actions,
        ip: registration.ip,
        initiator: registration.initiator,
        locationSuppressible: !high,
      });
    }
    return out;
  },
};
