import type { TimedSignIn } from "../context.js";
import type { Detection, DraftFinding } from "../detection.js";
import {
  allRegistrations,
  auditEvidence,
  describeRegistration,
  registrationEvidence,
  registrationObject,
  riskEvidence,
  signInEvidence,
} from "../detection.js";
import type { Evidence } from "../finding.js";
import { isFraudReport, isSuccess } from "../signins.js";
import { HOUR, MINUTE, toIso } from "../time.js";

/**
 * 5. MFA fatigue: a burst of denied / unanswered prompts (10 in 5 minutes, Sentinel "MFA Spamming
 * followed by Successful login"), or 3 from an address the user never used, followed by a success —
 * worse when a method or device is registered right after. Fraud reports ("No, it's not me") are
 * findings on their own.
 */
export const mfaFatigue: Detection = {
  id: "mfa-fatigue",
  title: "MFA fatigue: prompt bombing followed by a success",
  technique: "T1621",
  defaultSeverity: "high",
  requires: [["signins", "audits", "risk"]],
  uses: [
    { stream: "signins", check: "denied and unanswered MFA prompts" },
    { stream: "audits", check: "fraud reports and registrations after the burst" },
    { stream: "risk", check: "userReportedSuspiciousActivity detections" },
  ],
  run(context) {
    const t = context.thresholds;
    const windowMs = t.fatigueWindowMinutes * MINUTE;
    const out: DraftFinding[] = [];
    const registrationsByUser = new Map<string, ReturnType<typeof allRegistrations>>();
    for (const registration of allRegistrations(context)) {
      const list = registrationsByUser.get(registration.userId) ?? [];
      list.push(registration);
      registrationsByUser.set(registration.userId, list);
    }
    const explained = new Set<string>();

    for (const [userId, failures] of context.mfaFailuresByUser) {
      if (failures.length < Math.min(t.fatigueMinFailures, t.fatigueUnfamiliarMinFailures)) continue;
      for (const cluster of clusters(failures, windowMs)) {
        const peak = peakCount(cluster, windowMs);
        const unfamiliar = cluster.filter(
          ({ time, signIn }) =>
            !context.trustedLocation(signIn.ipAddress ?? undefined) &&
            context.unfamiliarIp(userId, signIn.ipAddress ?? undefined, time) === true,
        );
        const burst = peak >= t.fatigueMinFailures;
        if (!burst && unfamiliar.length < t.fatigueUnfamiliarMinFailures) continue;
        const first = cluster[0]!;
        const last = cluster.at(-1)!;
        const ips = new Set(cluster.map(({ signIn }) => signIn.ipAddress).filter((ip) => ip));
        const after = context.signInsBetween(
          userId,
          last.time,
          last.time + t.fatigueSuccessWithinMinutes * MINUTE,
        );
        const success =
          after.find(({ signIn }) => isSuccess(signIn) && ips.has(signIn.ipAddress)) ??
          after.find(({ signIn }) => isSuccess(signIn));
        const evidence: Evidence[] = cluster
          .slice(0, 50)
          .map(({ signIn }) =>
            signInEvidence(
              signIn,
              isFraudReport(signIn)
                ? "MFA prompt reported as fraud"
                : `MFA prompt failed (${signIn.status?.errorCode ?? "?"}${signIn.status?.additionalDetails ? `: ${signIn.status.additionalDetails}` : ""})`,
            ),
          );
        for (const { signIn } of cluster) if (isFraudReport(signIn)) explained.add(signIn.id);
        const why = burst
          ? `${peak} failed MFA prompts within ${t.fatigueWindowMinutes} minutes (${cluster.length} in all, ${toIso(first.time).slice(0, 16)}–${toIso(last.time).slice(11, 16)} UTC)`
          : `${unfamiliar.length} failed MFA prompts from an address the user never used`;
        if (!success) {
          out.push({
            userId,
            object: { kind: "user" },
            anchor: first.signIn.id,
            severity: "medium",
            score: 50,
            explanation: `${why}; no success followed, so the password is likely known to an attacker.`,
            evidence,
            recommendedActions: ["resetPassword", "review"],
            ip: first.signIn.ipAddress ?? undefined,
            locationSuppressible: true,
          });
          continue;
        }
        evidence.push(signInEvidence(success.signIn, "successful sign-in after the burst"));
        const followUps = (registrationsByUser.get(userId) ?? []).filter(
          (registration) =>
            registration.time >= success.time &&
            registration.time <= success.time + t.fatigueRegistrationWithinHours * HOUR &&
            !registration.byOther,
        );
        if (followUps.length === 0) {
          out.push({
            userId,
            object: { kind: "user" },
            anchor: first.signIn.id,
            severity: "high",
            score: 80,
            explanation: `${why}, then a successful sign-in from ${success.signIn.ipAddress ?? "an unknown address"}: the user most likely approved an attacker's prompt.`,
            evidence,
            recommendedActions: ["revokeSessions", "resetPassword"],
            ip: first.signIn.ipAddress ?? undefined,
            locationSuppressible: true,
          });
          continue;
        }
        for (const registration of followUps) {
          const { object, actions } = registrationObject(context, registration);
          out.push({
            userId,
            object,
            anchor: `${first.signIn.id}/${registration.key}`,
            severity: "critical",
            score: 95,
            explanation: `${why}, then a successful sign-in, then ${describeRegistration(registration)}: persistence after prompt bombing.`,
            evidence: [...evidence, ...registrationEvidence(context, registration)],
            recommendedActions: [...actions, "revokeSessions", "resetPassword"],
            ip: first.signIn.ipAddress ?? undefined,
            locationSuppressible: false,
          });
        }
      }
    }

    // Fraud reports outside any burst: the user said a prompt was not theirs.
    for (const report of context.events.fraudReports) {
      if (explained.has(report.id)) continue;
      out.push({
        userId: report.userId,
        object: { kind: "user" },
        anchor: report.id,
        severity: "medium",
        score: 55,
        explanation: `The user reported an MFA prompt as fraudulent at ${toIso(report.time).slice(0, 16).replace("T", " ")} UTC: someone else has the password.`,
        evidence: [report.audit ? auditEvidence(report.audit) : riskEvidence(report.risk!)],
        recommendedActions: ["resetPassword", "review"],
        locationSuppressible: false,
      });
    }
    for (const { userId, signIn } of context.fraudSignIns) {
      if (explained.has(signIn.id)) continue;
      out.push({
        userId,
        object: { kind: "user" },
        anchor: signIn.id,
        severity: "medium",
        score: 55,
        explanation: `The user reported an MFA prompt from ${signIn.ipAddress ?? "an unknown address"} as fraudulent: someone else has the password.`,
        evidence: [signInEvidence(signIn, "MFA prompt reported as fraud")],
        recommendedActions: ["resetPassword", "review"],
        ip: signIn.ipAddress ?? undefined,
        locationSuppressible: false,
      });
    }
    return out;
  },
};

/** Splits time-sorted failures into runs where consecutive failures are at most one window apart. */
function clusters(failures: TimedSignIn[], windowMs: number): TimedSignIn[][] {
  const out: TimedSignIn[][] = [];
  let current: TimedSignIn[] = [];
  for (const failure of failures) {
    const previous = current.at(-1);
    if (previous && failure.time - previous.time > windowMs) {
      out.push(current);
      current = [];
    }
    current.push(failure);
  }
  if (current.length) out.push(current);
  return out;
}

/** Most failures inside any window-long span of the cluster. */
function peakCount(cluster: TimedSignIn[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < cluster.length; end++) {
    while (cluster[end]!.time - cluster[start]!.time > windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
