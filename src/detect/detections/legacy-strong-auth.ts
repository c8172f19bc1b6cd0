import { describeInitiator } from "../audit.js";
import type { Detection, DraftFinding } from "../detection.js";
import { placeText, registrationEvidence, registrationObject } from "../detection.js";

/**
 * 11. "Update user" records that change StrongAuthenticationUserDetails / PhoneAppDetail / Method
 * with no "security info" record beside them: a method set through the legacy per-user MFA path
 * (MSOnline, old portal) that most rules miss (Sentinel #4786, Splunk #3867).
 */
export const legacyStrongAuth: Detection = {
  id: "legacy-strong-auth",
  title: "Method changed through the legacy StrongAuthentication path",
  technique: "T1556.006",
  defaultSeverity: "medium",
  requires: [["audits"]],
  uses: [],
  run(context) {
    const out: DraftFinding[] = [];
    for (const registration of context.events.methods) {
      if (registration.source !== "legacy") continue;
      const initiator = registration.initiator;
      const byPerson = initiator.userId !== undefined && registration.byOther;
      const unfamiliar =
        context.unfamiliarIp(initiator.userId ?? registration.userId, registration.ip, registration.time) ===
        true;
      const severity = byPerson || unfamiliar ? "medium" : "low";
      const who = registration.byOther ? ` by ${describeInitiator(initiator)}` : "";
      const { object, actions } = registrationObject(context, registration);
      out.push({
        userId: registration.userId,
        object,
        anchor: registration.key,
        severity,
        score: severity === "medium" ? 55 : 30,
        explanation: `${registration.label}${who} from ${placeText(context, registration.ip, initiator.userId ?? registration.userId)}, with no matching "security info" record: a change through the legacy per-user MFA path${unfamiliar ? " from an unfamiliar place" : ""}.`,
        evidence: registrationEvidence(context, registration),
        recommendedActions: actions,
        ip: registration.ip,
        initiator,
        locationSuppressible: true,
      });
    }
    return out;
  },
};
