import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { type Graph, graphAs, tokenFor } from "../support/emulator-client.js";
import { RESPONDER, tinyTenant, USERS } from "../support/emulator-tenant.js";

/** The attacker comes back: actions leave the records the real service writes, visible through Graph. */

let emu: RunningEmulator;
let graph: Graph;

beforeAll(async () => {
  emu = await startEmulator({ tenant: tinyTenant(), throttle: false, auditDelayMs: 0 });
  graph = graphAs(emu, await tokenFor(emu, RESPONDER.appId, RESPONDER.secret));
});
afterAll(() => emu.close());

const attacker = {
  ipAddress: "185.220.101.4",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64)",
  location: { city: "Amsterdam", countryOrRegion: "NL" },
};

describe("attacker actions", () => {
  test("registering an Authenticator as the user: method, sign-in to My Signins, user-initiated audit", async () => {
    const method = emu.actions.registerMethod({
      ...attacker,
      userId: USERS.obrien,
      method: {
        "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        displayName: "SM-G998B",
        deviceTag: "SoftwareTokenActivated",
        phoneAppVersion: "6.2404.2444",
      },
      makeDefault: true,
    });
    const methods = await graph(
      "GET",
      `/v1.0/users/${USERS.obrien}/authentication/microsoftAuthenticatorMethods`,
    );
    expect(methods.body.value.map((m: { id: string }) => m.id)).toEqual([method.id]);
    const audits = await graph(
      "GET",
      `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent(`initiatedBy/user/id eq '${USERS.obrien}'`)}`,
    );
    const registered = audits.body.value.find(
      (a: { activityDisplayName: string }) => a.activityDisplayName === "User registered security info",
    );
    expect(registered).toMatchObject({
      loggedByService: "Authentication Methods",
      resultReason: "User registered Authenticator App with Notification and Code",
      initiatedBy: { user: { ipAddress: attacker.ipAddress, userPrincipalName: "o'brien@contoso.test" } },
    });
    expect(audits.body.value.map((a: { activityDisplayName: string }) => a.activityDisplayName)).toContain(
      "User changed default security info",
    );
    const strongAuth = emu.state
      .allAudits()
      .find(
        (a) =>
          a.initiatedBy?.app?.displayName === "Azure MFA StrongAuthenticationService" &&
          a.correlationId === registered.correlationId,
      );
    expect(strongAuth?.targetResources?.[0]?.modifiedProperties?.[0]?.displayName).toBe(
      "StrongAuthenticationPhoneAppDetail",
    );
    const signIns = await graph(
      "GET",
      `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`userId eq '${USERS.obrien}' and appDisplayName eq 'My Signins'`)}`,
    );
    expect(signIns.body.value[0]).toMatchObject({ ipAddress: attacker.ipAddress, status: { errorCode: 0 } });
    const registration = await graph(
      "GET",
      `/v1.0/reports/authenticationMethods/userRegistrationDetails/${USERS.obrien}`,
    );
    expect(registration.body).toMatchObject({
      isMfaRegistered: true,
      userPreferredMethodForSecondaryAuthentication: "push",
    });
  });

  test("registering a device: device with owner, Core Directory and DRS records under one correlation id", async () => {
    const device = emu.actions.registerDevice({
      ...attacker,
      userId: USERS.bob,
      displayName: "DESKTOP-7QK2ZPA",
      operatingSystem: "Windows",
      operatingSystemVersion: "10.0.19041.928",
      trustType: "AzureAd",
      userAgent: "Dsreg/10.0 (Windows 10.0.19041.928)",
    });
    const owned = await graph("GET", `/v1.0/users/${USERS.bob}/ownedDevices`);
    expect(owned.body.value.map((d: { id: string }) => d.id)).toContain(device.id);
    const owners = await graph("GET", `/v1.0/devices/${device.id}/registeredOwners`);
    expect(owners.body.value[0].id).toBe(USERS.bob);
    const related = emu.state.allAudits().filter((a) => a.targetResources?.some((t) => t.id === device.id));
    expect(related.map((a) => a.activityDisplayName).sort()).toEqual(
      [
        "Add device",
        "Add registered owner to device",
        "Add registered users to device",
        "Register device",
      ].sort(),
    );
    expect(new Set(related.map((a) => a.correlationId)).size).toBe(1);
  });

  test("sign-in outcomes carry the real error codes (MFA denial 500121)", async () => {
    const denied = emu.actions.signIn({ ...attacker, userId: USERS.alice, outcome: "mfaDenied" });
    expect(denied.signIn.status).toMatchObject({
      errorCode: 500121,
      additionalDetails: "MFA denied; user declined the authentication",
    });
    expect(denied.session).toBeUndefined();
    const bad = emu.actions.signIn({ ...attacker, userId: USERS.alice, outcome: "badPassword" });
    expect(bad.signIn.status?.errorCode).toBe(50126);
  });

  test("the control endpoint runs the same actions over HTTP and reports sessions", async () => {
    const post = await fetch(`${emu.graphUrl}/_emulator/actions/signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...attacker, userId: USERS.alice, outcome: "success", attackerSession: true }),
    });
    expect(post.status).toBe(201);
    const { session } = (await post.json()) as { session: { id: string } };
    const before = (await (
      await fetch(`${emu.graphUrl}/_emulator/sessions?userId=${USERS.alice}`)
    ).json()) as { value: { id: string; valid: boolean }[] };
    expect(before.value.find((s) => s.id === session.id)?.valid).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await graph("POST", `/v1.0/users/${USERS.alice}/revokeSignInSessions`)).status).toBe(200);
    const after = (await (
      await fetch(`${emu.graphUrl}/_emulator/sessions?userId=${USERS.alice}`)
    ).json()) as { value: { id: string; valid: boolean }[] };
    expect(after.value.find((s) => s.id === session.id)?.valid).toBe(false);
    const bad = await fetch(`${emu.graphUrl}/_emulator/actions/signIn`, {
      method: "POST",
      body: JSON.stringify({ userId: "nobody", ipAddress: "1.2.3.4", outcome: "success" }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/no user 'nobody'/);
  });

  test("control endpoints are not reachable under /v1.0", async () => {
    expect((await graph("POST", "/v1.0/_emulator/actions/signIn", {})).status).toBe(400);
  });
});
