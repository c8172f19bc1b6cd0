import type { SignIn } from "../graph/types.js";

/** Facts about one sign-in record that several detections need, read the same way everywhere. */

/** Microsoft Authentication Broker (ROADtools alias "broker"; the device-code → PRT chains use it). */
export const AUTH_BROKER_APP_ID = "29d9ed98-a469-4536-ade2-f981bc1d605e";
/** Device Registration Service resource. */
export const DRS_RESOURCE_ID = "01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9";
/** Azure AD PowerShell: roadlib's default client and AADInternals' DRS client. */
export const AAD_POWERSHELL_APP_ID = "1b730954-1685-4b74-9bfd-dac224a7b894";

export function errorCode(signIn: SignIn): number {
  const code = signIn.status?.errorCode;
  return typeof code === "number" ? code : Number(code ?? 0) || 0;
}

export function isSuccess(signIn: SignIn): boolean {
  return errorCode(signIn) === 0;
}

/** Whether the status or an authentication step says this (no allocation: runs on every failure). */
function mentions(signIn: SignIn, pattern: RegExp): boolean {
  const status = signIn.status;
  if (status?.additionalDetails && pattern.test(status.additionalDetails)) return true;
  if (status?.failureReason && pattern.test(status.failureReason)) return true;
  const steps = signIn.authenticationDetails;
  if (steps) {
    for (const step of steps) {
      if (step.authenticationStepResultDetail && pattern.test(step.authenticationStepResultDetail))
        return true;
    }
  }
  return false;
}

const MFA_DENIED = /mfa denied|did not respond|declined the authentication/i;
const FRAUD = /reported fraud|fraud reported|suspicious activity/i;

/** A denied, ignored or failed MFA prompt (500121 and the "MFA denied" step results). */
export function isMfaFailure(signIn: SignIn): boolean {
  const code = errorCode(signIn);
  if (code === 500121) return true;
  // A successful sign-in is never a failed prompt; only failures need their texts read.
  return code !== 0 && mentions(signIn, MFA_DENIED);
}

/** The user pressed "report fraud" / "No, it's not me" on the prompt (a failed sign-in). */
export function isFraudReport(signIn: SignIn): boolean {
  return errorCode(signIn) !== 0 && mentions(signIn, FRAUD);
}

const RISKY = new Set(["medium", "high"]);

export function isRisky(signIn: SignIn): boolean {
  return (
    RISKY.has((signIn.riskLevelDuringSignIn ?? "").toLowerCase()) ||
    RISKY.has((signIn.riskLevelAggregated ?? "").toLowerCase()) ||
    signIn.riskState === "confirmedCompromised"
  );
}

export function isSingleFactor(signIn: SignIn): boolean {
  return signIn.authenticationRequirement === "singleFactorAuthentication";
}

export function isDeviceRegistrationSignIn(signIn: SignIn): boolean {
  return (
    signIn.resourceId?.toLowerCase() === DRS_RESOURCE_ID ||
    /device registration service/i.test(signIn.resourceDisplayName ?? "")
  );
}

export function isDeviceCode(signIn: SignIn): boolean {
  return /devicecode/i.test(signIn.authenticationProtocol ?? "");
}

export function isPrtUse(signIn: SignIn): boolean {
  return signIn.incomingTokenType === "primaryRefreshToken";
}

/** SMS or voice satisfied the MFA step: what a SIM swapper can complete. */
export function usedPhoneFactor(signIn: SignIn): boolean {
  const methods = [
    signIn.mfaDetail?.authMethod,
    ...(signIn.authenticationDetails ?? [])
      .filter((step) => step.succeeded !== false)
      .map((s) => s.authenticationMethod),
  ];
  return methods.some((method) => /text message|sms|phone call|voice/i.test(method ?? ""));
}

export function placeOf(signIn: SignIn): string | undefined {
  const loc = signIn.location;
  const parts = [loc?.city, loc?.countryOrRegion].filter((part): part is string => Boolean(part));
  return parts.length ? parts.join(", ") : undefined;
}
