import type { Detection, DraftFinding } from "../detection.js";
import {
  describeRegistration,
  placeText,
  registrationEvidence,
  registrationObject,
  signInEvidence,
} from "../detection.js";
import type { Evidence } from "../finding.js";
import { AAD_POWERSHELL_APP_ID, isDeviceRegistrationSignIn, isSuccess } from "../signins.js";
import { MINUTE } from "../time.js";

/** OS builds that attack tools put on the devices they register (peers.md A12, Elastic rules). */
const TOOL_OS_BUILDS: Readonly<Record<string, string>> = {
  "10.0.19041.928": "ROADtools' default Windows build",
  "10.0.19045.2006": "the Tycoon2FA / Kali365 phishing kits' default build",
  "10.0.19041.804": "AADInternals' default Windows build",
};
const TOOL_NAME = /^DESKTOP-[A-Z0-9]{8}$/;
/**
 * Client user agents of the tools. Not Microsoft.OData.Client: Core Directory writes it on the
 * "Add device" record of every DRS registration, so only the registering client's agent counts.
 */
const TOOL_AGENT = /AADInternals|python-requests|roadtx|roadtools|aiohttp|WindowsPowerShell/i;

/**
 * 9. Traces of ROADtools / AADInternals / phishing kits: their default device name and OS build,
 * their HTTP user agents on the registration, and DRS tokens requested by Azure AD PowerShell.
 * High-fidelity but trivially evaded, so the name+build pair alone is medium unless something else
 * (tool user agent, PowerShell DRS token, unfamiliar place) agrees.
 */
export const toolTraces: Detection = {
  id: "tool-traces",
  title: "Device registered with attack-tool fingerprints",
  technique: "T1098.005",
  defaultSeverity: "high",
  requires: [["audits", "devices"]],
  uses: [{ stream: "signins", check: "user agents and client ids of the registration sign-ins" }],
  run(context) {
    const out: DraftFinding[] = [];
    for (const registration of context.events.devices) {
      const reasons: string[] = [];
      const evidence: Evidence[] = [];
      let score = 0;
      const build = registration.osVersion?.trim();
      const toolBuild = build ? TOOL_OS_BUILDS[build] : undefined;
      const toolName = registration.displayName ? TOOL_NAME.test(registration.displayName) : false;
      if (toolBuild && toolName) {
        reasons.push(`name ${registration.displayName} and OS ${build} match ${toolBuild}`);
        score += 60;
      } else if (toolBuild) {
        reasons.push(`OS ${build} is ${toolBuild}`);
        score += 40;
      }
      const agents = registration.userAgents.filter((agent) => TOOL_AGENT.test(agent));
      if (agents.length > 0) {
        reasons.push(`registered with the tool user agent "${agents[0]}"`);
        score += 50;
      }
      const { userId, time } = registration;
      const tokens = context
        .signInsBetween(userId, time - 60 * MINUTE, time + 5 * MINUTE)
        .filter(
          ({ signIn }) =>
            isSuccess(signIn) &&
            isDeviceRegistrationSignIn(signIn) &&
            (signIn.appId?.toLowerCase() === AAD_POWERSHELL_APP_ID ||
              TOOL_AGENT.test(signIn.userAgent ?? "")),
        );
      if (tokens.length > 0) {
        reasons.push("the registration token was requested by Azure AD PowerShell or a scripting client");
        for (const { signIn } of tokens)
          evidence.push(
            signInEvidence(
              signIn,
              `DRS token for ${signIn.appDisplayName ?? signIn.appId} (${signIn.userAgent ?? "no user agent"})`,
            ),
          );
        score += 30;
      }
      if (score === 0) continue;
      if (score < 75 && context.unfamiliarIp(userId, registration.ip, time) === true) {
        reasons.push(`from ${placeText(context, registration.ip, userId)}, where the user never signed in`);
        score += 20;
      }
      const { object, actions } = registrationObject(context, registration);
      out.push({
        userId,
        object,
        anchor: registration.key,
        severity: score >= 75 ? "high" : "medium",
        score: Math.min(score + 10, 95),
        explanation: `${describeRegistration(registration)}: ${reasons.join("; ")}.`,
        evidence: [...evidence, ...registrationEvidence(context, registration)],
        recommendedActions: actions,
        ip: registration.ip,
        initiator: registration.initiator,
        locationSuppressible: false,
      });
    }
    return out;
  },
};
