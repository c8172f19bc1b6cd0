import type { DirectoryAudit, RiskDetection, SignIn } from "../graph/types.js";
import type { Stream } from "../store/snapshot.js";
import { describeInitiator, type Initiator } from "./audit.js";
import type { DetectContext } from "./context.js";
import type { Evidence, FindingObject, RecommendedAction, Severity, Technique } from "./finding.js";
import type { Registration } from "./registrations.js";
import { isSuccess, placeOf } from "./signins.js";
import { HOUR, toIso } from "./time.js";

/**
 * The shape of one detection module, and helpers every module uses to build evidence. A detection
 * is a pure function of the case (through the shared context) to draft findings; the engine adds
 * ids, privilege, suppression and ordering.
 */

export interface Detection {
  id: string;
  title: string;
  technique: Technique;
  defaultSeverity: Severity;
  /** Streams without which the detection cannot run at all. Any one of each inner list suffices. */
  requires: Stream[][];
  /** Streams that sharpen it; when missing, the run says what could not be checked. */
  uses: { stream: Stream; check: string }[];
  run(context: DetectContext): DraftFinding[];
}

export interface DraftFinding {
  userId: string;
  object: FindingObject;
  /** What makes this finding distinct for its user+object (usually the registration's audit id). */
  anchor: string;
  severity: Severity;
  score: number;
  explanation: string;
  evidence: Evidence[];
  recommendedActions: RecommendedAction[];
  /** The IP the finding hinges on: trusted named locations and allowlisted ranges suppress by it. */
  ip?: string;
  /** Who performed the action: allowlisted helpdesk accounts and apps suppress by it. */
  initiator?: Initiator;
  /** False for detections a trusted location must not silence (tool traces, shared devices). */
  locationSuppressible: boolean;
}

export function auditEvidence(audit: DirectoryAudit, summary?: string): Evidence {
  const initiator = audit.initiatedBy?.user?.userPrincipalName ?? audit.initiatedBy?.app?.displayName;
  return {
    kind: "audit",
    id: audit.id,
    time: audit.activityDateTime,
    summary:
      summary ??
      `${audit.activityDisplayName}${audit.resultReason ? ` — ${audit.resultReason}` : ""}${initiator ? ` (by ${initiator})` : ""}`,
    ipAddress: audit.initiatedBy?.user?.ipAddress ?? undefined,
    app: audit.initiatedBy?.app?.displayName ?? undefined,
  };
}

export function signInEvidence(signIn: SignIn, summary: string): Evidence {
  return {
    kind: "signin",
    id: signIn.id,
    time: signIn.createdDateTime,
    summary,
    ipAddress: signIn.ipAddress ?? undefined,
    location: placeOf(signIn),
    app: signIn.appDisplayName ?? signIn.appId ?? undefined,
  };
}

export function riskEvidence(risk: RiskDetection): Evidence {
  return {
    kind: "riskDetection",
    id: risk.id,
    time: risk.activityDateTime ?? risk.detectedDateTime ?? undefined,
    summary: `risk detection ${risk.riskEventType ?? "unknown"} (${risk.riskLevel ?? "unknown"} risk)`,
    ipAddress: risk.ipAddress ?? undefined,
    location:
      [risk.location?.city, risk.location?.countryOrRegion].filter((part) => part).join(", ") || undefined,
  };
}

/** Evidence for the registration itself: its audit records, or the inventory object. */
export function registrationEvidence(context: DetectContext, registration: Registration): Evidence[] {
  const out: Evidence[] = registration.audits.map((audit) => {
    const evidence = auditEvidence(audit);
    const place = context.place(evidence.ipAddress, registration.userId);
    if (place?.country) evidence.location = [place.city, place.country].filter((p) => p).join(", ");
    return evidence;
  });
  const session = sessionSignIn(context, registration);
  if (session) out.unshift(signInEvidence(session, "sign-in that opened the registration session"));
  if (registration.kind === "method" && registration.method) {
    out.push({
      kind: "method",
      id: registration.method.id,
      time: registration.method.createdDateTime ?? undefined,
      summary: `inventory: ${registration.label}`,
    });
  }
  if (registration.kind === "device" && registration.device) {
    out.push({
      kind: "device",
      id: registration.device.id,
      time: registration.device.registrationDateTime ?? undefined,
      summary:
        `inventory: device ${registration.device.displayName ?? ""} ${registration.device.operatingSystem ?? ""} ${registration.device.operatingSystemVersion ?? ""}`.trim(),
    });
  }
  return out;
}

/** The sign-in that opened the registration session: same account and address, within the hour before. */
export function sessionSignIn(context: DetectContext, registration: Registration): SignIn | undefined {
  if (!registration.ip || registration.source === "inventory" || registration.byOther) return undefined;
  return context
    .signInsBetween(registration.userId, registration.time - HOUR, registration.time + 1)
    .filter(({ signIn }) => signIn.ipAddress === registration.ip && isSuccess(signIn))
    .at(-1)?.signIn;
}

/**
 * The sign-in came from the user's own device: one their earlier sign-ins came from, or one the
 * tenant manages or finds compliant. Attackers sign in from machines the tenant has never seen.
 */
export function fromKnownDevice(
  context: DetectContext,
  userId: string,
  signIn: SignIn,
  at: number,
): string | undefined {
  const device = signIn.deviceDetail;
  if (!device?.deviceId) return undefined;
  const name = device.displayName ?? device.deviceId;
  if (device.isCompliant === true || device.isManaged === true) return `the managed device ${name}`;
  if (context.familiar(userId, "device", device.deviceId, at)) return `the user's usual device ${name}`;
  return undefined;
}

/** The object a registration created, and what to do about it. */
export function registrationObject(
  context: DetectContext,
  registration: Registration,
): { object: FindingObject; actions: RecommendedAction[] } {
  if (registration.kind === "method") {
    if (registration.method) {
      return {
        object: {
          kind: "method",
          methodId: registration.method.id,
          odataType: registration.method["@odata.type"],
          label: registration.label,
        },
        actions: ["deleteMethod"],
      };
    }
    const why = context.snapshot.missing.has("methods")
      ? "inventory not collected"
      : "no longer in the inventory";
    return { object: { kind: "user", label: `${registration.label} (${why})` }, actions: ["review"] };
  }
  const object: FindingObject = {
    kind: "device",
    deviceObjectId: registration.deviceObjectId,
    deviceId: registration.deviceId,
    label: registration.displayName,
  };
  return { object, actions: registration.device ? ["disableDevice", "deleteDevice"] : ["review"] };
}

export function describeRegistration(registration: Registration): string {
  const when = toIso(registration.time).slice(0, 16).replace("T", " ");
  const by = registration.byOther ? ` by ${describeInitiator(registration.initiator)}` : "";
  if (registration.kind === "method") return `${registration.label}${by} at ${when} UTC`;
  const what = [registration.displayName, registration.operatingSystem, registration.osVersion]
    .filter((part) => part)
    .join(" ");
  return `device ${what || registration.deviceObjectId || "unknown"} registered${by} at ${when} UTC`;
}

export function placeText(context: DetectContext, ip: string | undefined, userId?: string): string {
  if (!ip) return "an unknown address";
  const place = context.place(ip, userId);
  const where = [place?.city, place?.country].filter((part) => part).join(", ");
  const asn = place?.asn !== undefined ? ` AS${place.asn}` : "";
  return `${ip}${where ? ` (${where}${asn})` : asn ? ` (${asn.trim()})` : ""}`;
}

/** All registrations (methods then devices) in time order. */
export function allRegistrations(context: DetectContext): Registration[] {
  return [...context.events.methods, ...context.events.devices].sort((a, b) => a.time - b.time);
}
