/**
 * Bulk device registration: a compromised account joins a batch of devices with ROADtools defaults
 * (DESKTOP-XXXXXXXX, Windows 10.0.19041.928) within minutes, and a bulk-enrolment (package_*)
 * account is created and used to join more with AADInternals' default OS version — persistence and
 * device-quota exhaustion.
 */
import { FIRST_PARTY, RESOURCES, TOOL_FINGERPRINTS, USER_AGENTS } from "../catalog.js";
import { audit, locationOf, passwordStep, previouslySatisfied, userTarget } from "../records.js";
import type { TenantUser } from "../schema.js";
import { MINUTE_MS, type Person } from "../world.js";
import type { ScenarioDefinition } from "./context.js";
import { registerRogueDevice, roadtoolsName } from "./steps.js";

export const bulkJoin: ScenarioDefinition = {
  name: "bulk-join",
  description:
    "ROADtools-style bulk registration of devices with tool-default names and OS versions, and a bulk-enrolment (package_*) account joining more devices.",
  techniques: ["T1098.005", "T1136.003", "T1499"],
  defaults: { users: 200, days: 30, minUsers: 20 },
  apply(ctx) {
    const victim = ctx.victim("an active user", (p) => p.persona === "staff" && !p.dormant && p.mfa !== null);
    ctx.compromised(victim);
    const origin = ctx.hostileOrigin(victim.home.country);
    const start = ctx.dayAt(2, 3);
    const token = ctx.attackerSignIn({
      at: start - 5 * MINUTE_MS,
      victim,
      origin,
      app: FIRST_PARTY.azureAdPowerShell,
      resource: RESOURCES.drs,
      userAgent: USER_AGENTS.pythonRequests,
      interactive: false,
      clientAppUsed: "Mobile Apps and Desktop clients",
      incomingTokenType: "refreshToken",
      mfa: true,
      details: (iso) => [previouslySatisfied(iso, true)],
    });
    ctx.mark(
      "signIn",
      token.id,
      victim.user.id,
      "T1098.005",
      1,
      "stolen refresh token exchanged for a DRS token",
    );
    // Step 1: 20 joins in about ten minutes.
    for (let i = 0; i < 20; i++) {
      const name = roadtoolsName(ctx);
      registerRogueDevice(
        ctx,
        victim,
        origin,
        start + i * 30_000,
        {
          displayName: name,
          operatingSystem: "Windows",
          operatingSystemVersion: TOOL_FINGERPRINTS.roadtoolsWindowsVersion,
          trustType: "AzureAd",
          userAgent: USER_AGENTS.pythonRequests,
        },
        1,
        "T1098.005",
        `bulk-joined device ${name} (ROADtools defaults)`,
      );
    }
    // Step 2: a bulk-enrolment account, as a provisioning package (or AADInternals' BPRT) creates it.
    const guid = ctx.rng.guid();
    const pkgUser: TenantUser = {
      id: ctx.rng.guid(),
      userPrincipalName: `package_${guid}@${ctx.world.domain}`,
      displayName: `package_${guid}`,
      mail: null,
      givenName: null,
      surname: null,
      jobTitle: null,
      department: null,
      usageLocation: null,
      userType: "Member",
      accountEnabled: true,
      createdDateTime: new Date(start + 20 * MINUTE_MS).toISOString(),
      assignedLicenses: [],
    };
    ctx.world.doc.users.push(pkgUser);
    const pkg: Person = {
      ...victim,
      user: pkgUser,
      persona: "staff",
      dormant: false,
      mfa: null,
      laptop: null,
      phone: null,
      trip: null,
      location: locationOf(origin.city),
      createdMs: start + 20 * MINUTE_MS,
    };
    ctx.mark(
      "user",
      pkgUser.id,
      pkgUser.id,
      "T1136.003",
      2,
      "bulk-enrolment (package_*) account created by the attacker",
    );
    ctx.compromised(pkg);
    const created = ctx.addAudits([
      audit(
        {
          at: start + 20 * MINUTE_MS,
          activity: "Add user",
          category: "UserManagement",
          service: "Core Directory",
          operationType: "Add",
          initiator: { user: victim.user, ip: origin.ip },
          targets: [userTarget(pkgUser)],
          additionalDetails: [{ key: "UserType", value: "Member" }],
          userAgent: USER_AGENTS.aadInternals,
        },
        ctx.rng,
      ),
    ])[0]!;
    ctx.mark("audit", created.id, pkgUser.id, "T1136.003", 2, "creation of the package_* account");
    const signInAt = start + 25 * MINUTE_MS;
    const s = ctx.attackerSignIn({
      at: signInAt,
      victim: pkg,
      origin,
      app: FIRST_PARTY.azureAdPowerShell,
      resource: RESOURCES.drs,
      userAgent: USER_AGENTS.aadInternals,
      clientAppUsed: "Mobile Apps and Desktop clients",
      details: (iso) => [passwordStep(iso, true)],
      authenticationProtocol: "ropc",
      conditionalAccessStatus: "notApplied",
    });
    ctx.mark(
      "signIn",
      s.id,
      pkgUser.id,
      "T1136.003",
      3,
      "package_* account signs in to the Device Registration Service",
    );
    // Step 3: ten joins with AADInternals' default OS version and caller-chosen names.
    for (let i = 0; i < 10; i++) {
      const name = `WKS-${String(100 + i)}`;
      registerRogueDevice(
        ctx,
        pkg,
        origin,
        signInAt + (2 + i) * MINUTE_MS,
        {
          displayName: name,
          operatingSystem: "Windows",
          operatingSystemVersion: TOOL_FINGERPRINTS.aadInternalsWindowsVersion,
          trustType: "AzureAd",
          userAgent: USER_AGENTS.powershell,
        },
        3,
        "T1098.005",
        `device ${name} joined by the package_* account (AADInternals default OS version)`,
      );
    }
    ctx.attackerSession(victim, start, 1, "T1098.005");
  },
};
