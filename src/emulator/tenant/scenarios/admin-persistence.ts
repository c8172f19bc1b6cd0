/**
 * A compromised privileged-authentication administrator plants methods on other accounts: the
 * attacker's phone number on staff, an attacker mailbox for SSPR, and a Temporary Access Pass on a
 * Global Administrator that the attacker uses to register their own passkey.
 */
import { FIDO2_MODELS, FIRST_PARTY, RESOURCES, ROLES, USER_AGENTS } from "../catalog.js";
import { phoneMethod, phoneNumberFor } from "../people.js";
import { mfaStep, previouslySatisfied } from "../records.js";
import { methodAddedAudits } from "../registration.js";
import { MINUTE_MS, type Person } from "../world.js";
import type { ScenarioDefinition } from "./context.js";

export const adminPersistence: ScenarioDefinition = {
  name: "admin-persistence",
  description:
    "A compromised administrator adds methods to other users (Admin registered security info), including a Temporary Access Pass on a Global Administrator used to register the attacker's passkey.",
  techniques: ["T1078.004", "T1539", "T1098.005", "T1556.006"],
  defaults: { users: 200, days: 30, minUsers: 20 },
  apply(ctx) {
    const { doc } = ctx.world;
    const holds = (p: Person, role: string) =>
      doc.roleAssignments.some((a) => a.principalId === p.user.id && a.roleDefinitionId === role);
    const admin = ctx.victim(
      "a Privileged Authentication Administrator",
      (p) => p.persona === "admin" && holds(p, ROLES.privilegedAuthenticationAdministrator.id),
    );
    const globalAdmin = ctx.victim(
      "a Global Administrator who is not a break-glass account",
      (p) => p.persona === "admin" && holds(p, ROLES.globalAdministrator.id),
    );
    const staff = [0, 1, 2].map(() =>
      ctx.victim("a staff user", (p) => p.persona === "staff" && !p.dormant && p.mfa !== null),
    );
    ctx.compromised(admin);
    ctx.compromised(globalAdmin);
    for (const p of staff) ctx.compromised(p);
    const origin = ctx.hostileOrigin(admin.home.country);
    const at = ctx.dayAt(3, 23);
    // Step 1: replayed session cookie (AiTM): MFA satisfied by the token claim, new host.
    const replay = ctx.attackerSignIn({
      at,
      victim: admin,
      origin,
      app: FIRST_PARTY.azurePortal,
      resource: RESOURCES.azureManagement,
      userAgent: USER_AGENTS.edgeWindows,
      mfa: true,
      details: (iso) => [previouslySatisfied(iso, true)],
      risk: { level: "high", eventTypes: ["anomalousToken"] },
    });
    ctx.mark(
      "signIn",
      replay.id,
      admin.user.id,
      "T1539",
      1,
      "administrator session replayed from the attacker's host (stolen cookie)",
    );
    const tokenRisk = ctx.riskFor(replay, admin, "anomalousToken", "high");
    ctx.mark(
      "riskDetection",
      tokenRisk.id,
      admin.user.id,
      "T1539",
      1,
      "anomalous token on the administrator's session",
    );
    const adminActor = admin.user;
    const adminAdds = (
      target: Person,
      method: Parameters<typeof ctx.addMethod>[1],
      t: number,
      what: string,
    ) => {
      const existing = doc.methods.find((e) => e.userId === target.user.id && e.method.id === method.id);
      if (existing) existing.method = method;
      else ctx.addMethod(target.user.id, method);
      ctx.mark("method", method.id, target.user.id, "T1098.005", 2, what);
      for (const a of ctx.addAudits(
        methodAddedAudits(
          {
            at: t,
            user: target.user,
            ip: origin.ip,
            method,
            admin: adminActor,
            userAgent: USER_AGENTS.edgeWindows,
          },
          ctx.rng,
        ),
      )) {
        ctx.mark(
          "audit",
          a.id,
          target.user.id,
          "T1098.005",
          2,
          `${a.activityDisplayName} by the compromised administrator`,
        );
      }
    };
    // Step 2: the attacker's number and mailbox on three staff accounts.
    const number = phoneNumberFor(staff[0]!.home, ctx.rng, ctx.world.usedPhoneNumbers);
    ctx.indicator("phoneNumbers", number);
    adminAdds(
      staff[0]!,
      phoneMethod(number, "alternateMobile"),
      at + 5 * MINUTE_MS,
      `attacker's number ${number} added by the compromised admin`,
    );
    adminAdds(
      staff[1]!,
      phoneMethod(number, "alternateMobile"),
      at + 7 * MINUTE_MS,
      `attacker's number ${number} added by the compromised admin`,
    );
    adminAdds(
      staff[2]!,
      {
        "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
        id: "3ddfcfc8-9383-446f-83cc-3ab9be4be18f",
        emailAddress: "it-helpdesk-verify@proton.me",
      },
      at + 9 * MINUTE_MS,
      "attacker-controlled mailbox set as the SSPR email",
    );
    // Step 3: TAP on the Global Administrator.
    const tapAt = at + 12 * MINUTE_MS;
    const tap = {
      "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod" as const,
      id: ctx.rng.guid(),
      temporaryAccessPass: null,
      createdDateTime: new Date(tapAt).toISOString(),
      startDateTime: new Date(tapAt).toISOString(),
      lifetimeInMinutes: 480,
      isUsableOnce: false,
      isUsable: false,
      methodUsabilityReason: "Expired",
    };
    ctx.addMethod(globalAdmin.user.id, tap);
    ctx.mark(
      "method",
      tap.id,
      globalAdmin.user.id,
      "T1098.005",
      3,
      "multi-use Temporary Access Pass on a Global Administrator",
    );
    for (const a of ctx.addAudits(
      methodAddedAudits(
        {
          at: tapAt,
          user: globalAdmin.user,
          ip: origin.ip,
          method: tap,
          admin: adminActor,
          userAgent: USER_AGENTS.edgeWindows,
        },
        ctx.rng,
      ),
    )) {
      ctx.mark(
        "audit",
        a.id,
        globalAdmin.user.id,
        "T1098.005",
        3,
        `${a.activityDisplayName}: TAP for a privileged account`,
      );
    }
    // Step 4: sign in as the Global Administrator with the TAP and register a passkey.
    const tapSignIn = ctx.attackerSignIn({
      at: tapAt + 4 * MINUTE_MS,
      victim: globalAdmin,
      origin,
      app: FIRST_PARTY.mySignins,
      resource: RESOURCES.graph,
      userAgent: USER_AGENTS.edgeWindows,
      mfa: true,
      details: (iso) => [mfaStep(iso, "tap", true, "MFA successfully completed")],
      mfaDetail: { authMethod: "Temporary Access Pass", authDetail: null },
    });
    ctx.mark(
      "signIn",
      tapSignIn.id,
      globalAdmin.user.id,
      "T1556.006",
      4,
      "Global Administrator sign-in with the planted TAP",
    );
    const key = FIDO2_MODELS[4]!;
    const passkey = {
      "@odata.type": "#microsoft.graph.fido2AuthenticationMethod" as const,
      id: ctx.rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 22),
      displayName: "Passkey",
      createdDateTime: new Date(tapAt + 6 * MINUTE_MS).toISOString(),
      aaGuid: key.aaGuid,
      model: key.model,
      attestationCertificates: [],
      attestationLevel: "notAttested" as const,
    };
    ctx.addMethod(globalAdmin.user.id, passkey);
    ctx.mark(
      "method",
      passkey.id,
      globalAdmin.user.id,
      "T1556.006",
      4,
      "attacker's passkey registered on the Global Administrator",
    );
    ctx.indicator("deviceNames", "Passkey");
    for (const a of ctx.addAudits(
      methodAddedAudits(
        {
          at: tapAt + 6 * MINUTE_MS,
          user: globalAdmin.user,
          ip: origin.ip,
          method: passkey,
          userAgent: USER_AGENTS.edgeWindows,
        },
        ctx.rng,
      ),
    )) {
      ctx.mark(
        "audit",
        a.id,
        globalAdmin.user.id,
        "T1556.006",
        4,
        `${a.activityDisplayName}: attacker's passkey`,
      );
    }
    ctx.attackerSession(admin, at, 1, "T1539");
    ctx.attackerSession(globalAdmin, tapAt + 4 * MINUTE_MS, 4, "T1556.006");
  },
};
