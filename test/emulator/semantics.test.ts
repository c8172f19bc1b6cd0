import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { FIXED_METHOD_IDS } from "../../src/graph/types.js";
import { type Graph, graphAs, requestToken, tokenFor } from "../support/emulator-client.js";
import { DEVICES, READER, RESPONDER, TENANT_ID, tinyTenant, USERS } from "../support/emulator-tenant.js";

/** The Graph semantics that bite responders, as the emulator serves them (throttling off). */

let emu: RunningEmulator;
let graph: Graph;
let reader: Graph;

beforeAll(async () => {
  emu = await startEmulator({ tenant: tinyTenant(), throttle: false, auditDelayMs: 0 });
  graph = graphAs(emu, await tokenFor(emu, RESPONDER.appId, RESPONDER.secret));
  reader = graphAs(emu, await tokenFor(emu, READER.appId, READER.secret));
});
afterAll(() => emu.close());

describe("token endpoint", () => {
  test("wrong secret: 401 invalid_client AADSTS7000215", async () => {
    const r = await requestToken(emu, RESPONDER.appId, "wrong");
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    expect(r.body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/);
    expect(JSON.stringify(r.body)).not.toContain('wrong"');
  });

  test("unknown client: 400 unauthorized_client AADSTS700016", async () => {
    const r = await requestToken(emu, "44444444-4444-4444-8444-444444444444", "x");
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: "unauthorized_client", error_codes: [700016] });
  });

  test("unknown tenant: 400 invalid_request AADSTS90002", async () => {
    const r = await requestToken(
      emu,
      RESPONDER.appId,
      RESPONDER.secret,
      "55555555-5555-4555-8555-555555555555",
    );
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: "invalid_request", error_codes: [90002] });
  });

  test("a verified domain names the tenant too, and the token carries roles and ids", async () => {
    const r = await requestToken(emu, RESPONDER.appId, RESPONDER.secret, "contoso.test");
    expect(r.status).toBe(200);
    const claims = JSON.parse(Buffer.from(r.body.access_token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({
      tid: TENANT_ID,
      appid: RESPONDER.appId,
      oid: RESPONDER.sp,
      iss: `https://sts.windows.net/${TENANT_ID}/`,
    });
    expect(claims.roles).toContain("UserAuthenticationMethod.ReadWrite.All");
    expect(claims.exp - claims.iat).toBe(3599);
  });

  test("Graph without a token: 401 InvalidAuthenticationToken", async () => {
    const r = await graphAs(emu, "")("GET", "/v1.0/users");
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("InvalidAuthenticationToken");
  });
});

describe("OData", () => {
  test("paging across several pages with $top follows opaque nextLinks to the end", async () => {
    const seen: string[] = [];
    let next: string | undefined = "/v1.0/users?$top=5&$select=id";
    let pages = 0;
    while (next) {
      const r = await graph("GET", next);
      expect(r.status).toBe(200);
      expect(r.body.value.length).toBeLessThanOrEqual(5);
      seen.push(...r.body.value.map((u: { id: string }) => u.id));
      next = r.body["@odata.nextLink"];
      if (next) expect(next).toMatch(/\$skiptoken=/);
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(12);
  });

  test("$top above the endpoint maximum is a 400", async () => {
    const r = await graph("GET", "/v1.0/users?$top=1000");
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/between 1 and 999/);
  });

  test("a doubled single quote in a string literal matches o'brien", async () => {
    const filter = encodeURIComponent("userPrincipalName eq 'o''brien@contoso.test'");
    const r = await graph("GET", `/v1.0/users?$filter=${filter}`);
    expect(r.status).toBe(200);
    expect(r.body.value.map((u: { id: string }) => u.id)).toEqual([USERS.obrien]);
  });

  test("an unsupported filter property is a 400 in Graph's error shape", async () => {
    const r = await graph("GET", `/v1.0/users?$filter=${encodeURIComponent("officeLocation eq 'x'")}`);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "Request_UnsupportedQuery" });
    expect(r.body.error.innerError["request-id"]).toBeTruthy();
  });

  test("ne needs ConsistencyLevel: eventual and $count=true, which also adds @odata.count", async () => {
    const filter = encodeURIComponent("accountEnabled ne false");
    expect((await graph("GET", `/v1.0/users?$filter=${filter}`)).status).toBe(400);
    const r = await graph("GET", `/v1.0/users?$filter=${filter}&$count=true`, undefined, {
      ConsistencyLevel: "eventual",
    });
    expect(r.status).toBe(200);
    expect(r.body["@odata.count"]).toBe(12);
  });

  test("startswith, and/or and any() where the endpoint supports them", async () => {
    const r = await graph(
      "GET",
      `/v1.0/users?$filter=${encodeURIComponent("startswith(displayName,'bob') or userPrincipalName eq 'alice@contoso.test'")}`,
    );
    expect(r.body.value.map((u: { id: string }) => u.id).sort()).toEqual([USERS.alice, USERS.bob].sort());
    const reg = await graph(
      "GET",
      `/v1.0/reports/authenticationMethods/userRegistrationDetails?$filter=${encodeURIComponent("methodsRegistered/any(m: m eq 'passKeyDeviceBound')")}`,
    );
    expect(reg.body.value.map((u: { id: string }) => u.id)).toEqual([USERS.bob]);
  });

  test("$select returns only the selected properties; users default to the documented set", async () => {
    const r = await graph("GET", `/v1.0/users/${USERS.bob}`);
    expect(Object.keys(r.body)).not.toContain("accountEnabled");
    expect(r.body["@odata.context"]).toMatch(/\$metadata#users\/\$entity$/);
    const s = await graph("GET", `/v1.0/users/bob@contoso.test?$select=accountEnabled,jobTitle`);
    expect(s.body).toMatchObject({ accountEnabled: true, jobTitle: "Analyst" });
    expect(s.body.id).toBeUndefined();
  });
});

describe("authorization", () => {
  test("read-only app deleting a method: 403", async () => {
    const r = await reader(
      "DELETE",
      `/v1.0/users/${USERS.bob}/authentication/emailMethods/${FIXED_METHOD_IDS.email}`,
    );
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("accessDenied");
  });

  test("read-only app disabling a device: 403 Authorization_RequestDenied", async () => {
    const r = await reader("PATCH", `/v1.0/devices/${DEVICES.bobLaptop}`, { accountEnabled: false });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("Authorization_RequestDenied");
  });

  test("an admin's password needs a privileged role on the app; without it 403", async () => {
    const noRole = await startEmulator({
      tenant: tinyTenant({ responderRoles: [] }),
      throttle: false,
      auditDelayMs: 0,
    });
    try {
      const g = graphAs(noRole, await tokenFor(noRole, RESPONDER.appId, RESPONDER.secret));
      const body = {
        passwordProfile: { password: "Xk3!long-enough-pw", forceChangePasswordNextSignIn: true },
      };
      expect((await g("PATCH", `/v1.0/users/${USERS.alice}`, body)).status).toBe(403);
      expect(
        (
          await g(
            "DELETE",
            `/v1.0/users/${USERS.alice}/authentication/phoneMethods/${FIXED_METHOD_IDS.mobile}`,
          )
        ).status,
      ).toBe(403);
    } finally {
      await noRole.close();
    }
    expect(
      (
        await graph("PATCH", `/v1.0/users/${USERS.alice}`, {
          passwordProfile: { password: "Xk3!long-enough-pw" },
        })
      ).status,
    ).toBe(204);
  });
});

describe("authentication methods", () => {
  test("the password method cannot be deleted", async () => {
    const r = await graph(
      "DELETE",
      `/v1.0/users/${USERS.obrien}/authentication/passwordMethods/${FIXED_METHOD_IDS.password}`,
    );
    expect(r.status).toBe(405);
    const still = await graph("GET", `/v1.0/users/${USERS.obrien}/authentication/passwordMethods`);
    expect(still.body.value).toHaveLength(1);
  });

  test("the default phone method cannot be deleted; a non-default one can", async () => {
    const def = await graph(
      "DELETE",
      `/v1.0/users/${USERS.bob}/authentication/phoneMethods/${FIXED_METHOD_IDS.mobile}`,
    );
    expect(def.status).toBe(400);
    expect(def.body.error.message).toMatch(/default/);
    const office = await graph(
      "DELETE",
      `/v1.0/users/${USERS.bob}/authentication/phoneMethods/${FIXED_METHOD_IDS.office}`,
    );
    expect(office.status).toBe(204);
  });

  test("the default-phone refusal is configurable", async () => {
    const variant = await startEmulator({
      tenant: tinyTenant(),
      throttle: false,
      behaviour: { defaultPhoneDeletion: { status: 409, code: "conflict", message: "Default method." } },
    });
    try {
      const g = graphAs(variant, await tokenFor(variant, RESPONDER.appId, RESPONDER.secret));
      const r = await g(
        "DELETE",
        `/v1.0/users/${USERS.bob}/authentication/phoneMethods/${FIXED_METHOD_IDS.mobile}`,
      );
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe("conflict");
    } finally {
      await variant.close();
    }
  });

  test("type-specific DELETE removes the method and adds the admin audit record", async () => {
    const path = `/v1.0/users/${USERS.bob}/authentication/fido2Methods/f1d0f1d0-0000-4000-8000-000000000001`;
    expect((await graph("DELETE", path)).status).toBe(204);
    expect((await graph("GET", path)).status).toBe(404);
    const audits = await graph(
      "GET",
      `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent("activityDisplayName eq 'Admin deleted security info'")}`,
    );
    const record = audits.body.value.find(
      (a: { resultReason: string }) => a.resultReason === "Admin deleted Fido method for user",
    );
    expect(record).toMatchObject({
      category: "UserManagement",
      loggedByService: "Authentication Methods",
      initiatedBy: { app: { appId: RESPONDER.appId, servicePrincipalId: RESPONDER.sp } },
      targetResources: [{ id: USERS.bob, type: "User", userPrincipalName: "bob@contoso.test" }],
    });
  });

  test("TAP: code only in the create response, one per user, lifetime bounded by policy", async () => {
    const base = `/v1.0/users/${USERS.obrien}/authentication/temporaryAccessPassMethods`;
    expect((await graph("POST", base, { lifetimeInMinutes: 5 })).status).toBe(400);
    expect((await graph("POST", base, { lifetimeInMinutes: 481 })).status).toBe(400);
    const first = await graph("POST", base, { lifetimeInMinutes: 60, isUsableOnce: true });
    expect(first.status).toBe(201);
    expect(first.body.temporaryAccessPass).toMatch(/^.{8}$/);
    expect(first.body).toMatchObject({
      lifetimeInMinutes: 60,
      isUsableOnce: true,
      isUsable: true,
      methodUsabilityReason: "EnabledByPolicy",
    });
    const second = await graph("POST", base, {});
    expect(second.status).toBe(201);
    expect(second.body.lifetimeInMinutes).toBe(60);
    const list = await graph("GET", base);
    expect(list.body.value).toHaveLength(1);
    expect(list.body.value[0].id).toBe(second.body.id);
    expect(list.body.value[0].temporaryAccessPass).toBeNull();
    const one = await graph("GET", `${base}/${second.body.id}`);
    expect(one.body.temporaryAccessPass).toBeNull();
    const stored = JSON.stringify(emu.state.methodsOf(USERS.obrien));
    expect(stored).not.toContain(second.body.temporaryAccessPass);
    const future = await graph("POST", base, {
      startDateTime: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(future.body).toMatchObject({ isUsable: false, methodUsabilityReason: "NotYetValid" });
  });

  test("a TAP is refused when the policy disables it", async () => {
    const tenant = tinyTenant();
    const config = tenant.authenticationMethodsPolicy.authenticationMethodConfigurations?.find(
      (c) => c.id === "TemporaryAccessPass",
    );
    if (config) config.state = "disabled";
    const off = await startEmulator({ tenant, throttle: false });
    try {
      const g = graphAs(off, await tokenFor(off, RESPONDER.appId, RESPONDER.secret));
      const r = await g("POST", `/v1.0/users/${USERS.bob}/authentication/temporaryAccessPassMethods`, {});
      expect(r.status).toBe(400);
    } finally {
      await off.close();
    }
  });

  test("phone POST uses the fixed id per type and refuses a second mobile", async () => {
    const base = `/v1.0/users/${USERS.obrien}/authentication/phoneMethods`;
    const created = await graph("POST", base, { phoneNumber: "+1 2065550142", phoneType: "mobile" });
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(FIXED_METHOD_IDS.mobile);
    expect((await graph("POST", base, { phoneNumber: "+1 2065550143", phoneType: "mobile" })).status).toBe(
      409,
    );
  });
});

describe("users, sessions and devices", () => {
  test("revokeSignInSessions moves signInSessionsValidFromDateTime and ends attacker sessions", async () => {
    expect(emu.state.liveAttackerSessions(USERS.bob)).toHaveLength(1);
    const r = await graph("POST", `/v1.0/users/${USERS.bob}/revokeSignInSessions`);
    expect(r.status).toBe(200);
    expect(r.body.value).toBe(true);
    expect(emu.state.liveAttackerSessions(USERS.bob)).toHaveLength(0);
    const user = await graph("GET", `/v1.0/users/${USERS.bob}?$select=signInSessionsValidFromDateTime`);
    expect(Date.now() - Date.parse(user.body.signInSessionsValidFromDateTime)).toBeLessThan(60_000);
    const audits = await graph(
      "GET",
      `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent(`targetResources/any(t: t/id eq '${USERS.bob}')`)}`,
    );
    expect(audits.body.value.map((a: { activityDisplayName: string }) => a.activityDisplayName)).toContain(
      "Update StsRefreshTokenValidFrom Timestamp",
    );
  });

  test("a weak password is refused; a strong one ends sessions and is audited", async () => {
    expect(
      (await graph("PATCH", `/v1.0/users/${USERS.obrien}`, { passwordProfile: { password: "short" } }))
        .status,
    ).toBe(400);
    const session = emu.actions.signIn({
      userId: USERS.obrien,
      outcome: "success",
      ipAddress: "198.51.100.9",
      attackerSession: true,
    });
    expect(emu.state.isSessionValid(session.session!.id)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const r = await graph("PATCH", `/v1.0/users/${USERS.obrien}`, {
      passwordProfile: { password: "N3w!Passw0rd-long", forceChangePasswordNextSignIn: true },
    });
    expect(r.status).toBe(204);
    expect(emu.state.isSessionValid(session.session!.id)).toBe(false);
    const names = emu.state
      .allAudits()
      .filter((a) => a.targetResources?.[0]?.id === USERS.obrien)
      .map((a) => a.activityDisplayName);
    expect(names).toEqual(expect.arrayContaining(["Reset user password", "Set force change user password"]));
    expect(JSON.stringify(emu.state.allAudits())).not.toContain("N3w!Passw0rd-long");
  });

  test("app-only disable of a non-Windows device is refused; a Windows device is disabled and audited", async () => {
    const ios = await graph("PATCH", `/v1.0/devices/${DEVICES.bobIphone}`, { accountEnabled: false });
    expect(ios.status).toBe(403);
    const win = await graph("PATCH", `/v1.0/devices/${DEVICES.bobLaptop}`, { accountEnabled: false });
    expect(win.status).toBe(204);
    const device = await graph("GET", `/v1.0/devices/${DEVICES.bobLaptop}`);
    expect(device.body.accountEnabled).toBe(false);
    const audit = emu.state.allAudits().find((a) => a.activityDisplayName === "Update device");
    expect(audit?.targetResources?.[0]?.modifiedProperties?.[0]).toMatchObject({
      displayName: "AccountEnabled",
      oldValue: "[true]",
      newValue: "[false]",
    });
  });

  test("device DELETE removes it; the alternate key finds devices by deviceId", async () => {
    const byKey = await graph("GET", `/v1.0/devices(deviceId='d1d1d1d1-0000-4000-8000-000000000001')`);
    expect(byKey.body.id).toBe(DEVICES.bobIphone);
    expect((await graph("DELETE", `/v1.0/devices/${DEVICES.bobIphone}`)).status).toBe(204);
    expect((await graph("GET", `/v1.0/devices/${DEVICES.bobIphone}`)).status).toBe(404);
  });

  test("memberOf lists groups and directory roles", async () => {
    const bob = await graph("GET", `/v1.0/users/${USERS.bob}/memberOf`);
    expect(bob.body.value.map((o: { "@odata.type": string }) => o["@odata.type"])).toEqual([
      "#microsoft.graph.group",
    ]);
    const alice = await graph("GET", `/v1.0/users/${USERS.alice}/memberOf`);
    expect(alice.body.value[0]).toMatchObject({
      "@odata.type": "#microsoft.graph.directoryRole",
      roleTemplateId: "62e90394-69f5-4237-9190-012177145e10",
    });
  });

  test("v1.0 sign-ins are interactive only; beta can ask for non-interactive ones", async () => {
    const v1 = await graph("GET", "/v1.0/auditLogs/signIns");
    expect(v1.body.value.every((s: { isInteractive: boolean }) => s.isInteractive)).toBe(true);
    expect(v1.body.value[0].signInEventTypes).toBeUndefined();
    const beta = await graph(
      "GET",
      `/beta/auditLogs/signIns?$filter=${encodeURIComponent("signInEventTypes/any(t: t eq 'nonInteractiveUser')")}`,
    );
    expect(beta.body.value.map((s: { id: string }) => s.id)).toContain(
      "51510000-0000-4000-8000-000000000002",
    );
  });
});

describe("audit delay", () => {
  test("a write's audit record shows up only after the configured delay", async () => {
    const slow = await startEmulator({ tenant: tinyTenant(), throttle: false, auditDelayMs: 400 });
    try {
      const g = graphAs(slow, await tokenFor(slow, RESPONDER.appId, RESPONDER.secret));
      expect((await g("POST", `/v1.0/users/${USERS.bob}/revokeSignInSessions`)).status).toBe(200);
      const filter = encodeURIComponent("activityDisplayName eq 'Update StsRefreshTokenValidFrom Timestamp'");
      expect((await g("GET", `/v1.0/auditLogs/directoryAudits?$filter=${filter}`)).body.value).toHaveLength(
        0,
      );
      await new Promise((resolve) => setTimeout(resolve, 450));
      expect((await g("GET", `/v1.0/auditLogs/directoryAudits?$filter=${filter}`)).body.value).toHaveLength(
        1,
      );
    } finally {
      await slow.close();
    }
  });
});

describe("tenant loading", () => {
  test("a scenario is served with its ground truth; an unknown scenario names the known ones", async () => {
    const demo = await startEmulator({ scenario: "mfa-fatigue", users: 40, days: 3, throttle: false });
    try {
      expect(demo.groundTruth?.malicious.length).toBeGreaterThan(0);
      const g = graphAs(demo, await tokenFor(demo, demo.env.AZURE_CLIENT_ID!, demo.env.AZURE_CLIENT_SECRET!));
      expect((await g("GET", "/v1.0/users?$top=1")).status).toBe(200);
    } finally {
      await demo.close();
    }
    await expect(startEmulator({ scenario: "no-such-thing" })).rejects.toThrow(/known scenarios: .*demo/);
  });

  test("a bad tenant document is refused with the record path and the reason", async () => {
    const tenant = tinyTenant();
    (tenant.users[1] as { id: string }).id = "not-a-guid";
    await expect(startEmulator({ tenant })).rejects.toThrow(/users\[1\]\.id: not a GUID/);
  });
});

describe("unsupported query options", () => {
  test("$select of a property the type does not have is a 400", async () => {
    const r = await graph("GET", "/v1.0/users?$select=id,favouriteColour");
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(
      "Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'.",
    );
    expect((await graph("GET", `/v1.0/devices/${DEVICES.bobLaptop}?$select=nope`)).status).toBe(400);
  });

  test("$skip and $search are refused, not ignored", async () => {
    expect((await graph("GET", "/v1.0/users?$skip=2")).status).toBe(400);
    const search = await graph(
      "GET",
      `/v1.0/users?$search=${encodeURIComponent('"displayName:bob"')}`,
      undefined,
      { ConsistencyLevel: "eventual" },
    );
    expect(search.status).toBe(400);
  });
});
