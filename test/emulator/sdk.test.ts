import { ClientCertificateCredential, ClientSecretCredential } from "@azure/identity";
import { Client } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { READER, RESPONDER, TENANT_ID, tinyTenant, USERS } from "../support/emulator-tenant.js";

/**
 * The official SDKs run unchanged against the emulator: only the authority host, the base URL,
 * the custom host and instance discovery are configured; TLS verification stays on (the CA is
 * trusted through NODE_EXTRA_CA_CERTS from the global setup).
 */

let emu: RunningEmulator;
let certificatePem: string;

beforeAll(async () => {
  const pems = await generate([{ name: "commonName", value: "mfa-evict responder" }], {
    keySize: 2048,
    algorithm: "sha256",
  });
  certificatePem = `${pems.private}\n${pems.cert}`;
  emu = await startEmulator({ tenant: tinyTenant({ responderCertificates: [pems.cert] }), auditDelayMs: 0 });
});
afterAll(() => emu.close());

function graphClient(credential: ClientSecretCredential | ClientCertificateCredential): Client {
  return Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, {
      scopes: ["https://graph.microsoft.com/.default"],
    }),
    baseUrl: `${emu.graphUrl}/`,
    customHosts: new Set(["127.0.0.1"]),
  });
}

describe("official SDKs against the emulator", () => {
  test("TLS is verified: the CA comes from NODE_EXTRA_CA_CERTS, not from a disabled check", () => {
    expect(process.env.NODE_EXTRA_CA_CERTS).toBeTruthy();
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).not.toBe("0");
  });

  test("ClientSecretCredential + graph client list users, methods and devices", async () => {
    const credential = new ClientSecretCredential(TENANT_ID, RESPONDER.appId, RESPONDER.secret, {
      authorityHost: emu.authorityHost,
      disableInstanceDiscovery: true,
    });
    const client = graphClient(credential);
    const users = await client.api("/users").top(2).select("id,userPrincipalName").get();
    expect(users.value).toHaveLength(2);
    expect(users["@odata.nextLink"]).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\?/);
    const next = await client.api(users["@odata.nextLink"]).get();
    expect(next.value[0].id).not.toBe(users.value[0].id);
    const methods = await client.api(`/users/${USERS.bob}/authentication/methods`).get();
    expect(methods.value.map((m: { "@odata.type": string }) => m["@odata.type"])).toContain(
      "#microsoft.graph.fido2AuthenticationMethod",
    );
    const devices = await client.api(`/users/${USERS.bob}/registeredDevices`).get();
    expect(devices.value).toHaveLength(2);
  });

  test("ClientCertificateCredential with a certificate registered on the app", async () => {
    const credential = new ClientCertificateCredential(
      TENANT_ID,
      RESPONDER.appId,
      { certificate: certificatePem },
      { authorityHost: emu.authorityHost, disableInstanceDiscovery: true },
    );
    const token = await credential.getToken("https://graph.microsoft.com/.default");
    const claims = JSON.parse(Buffer.from(token.token.split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({
      appid: RESPONDER.appId,
      tid: TENANT_ID,
      appidacr: "2",
      aud: "https://graph.microsoft.com",
    });
    const me = await graphClient(credential).api(`/users/${USERS.alice}`).get();
    expect(me.userPrincipalName).toBe("alice@contoso.test");
  });

  test("a wrong secret fails with the identity platform's AADSTS7000215", async () => {
    const credential = new ClientSecretCredential(TENANT_ID, READER.appId, "not-the-secret", {
      authorityHost: emu.authorityHost,
      disableInstanceDiscovery: true,
    });
    await expect(credential.getToken("https://graph.microsoft.com/.default")).rejects.toThrow(
      /AADSTS7000215/,
    );
  });

  test("the graph client surfaces Graph's 403 for a read-only app deleting a method", async () => {
    const credential = new ClientSecretCredential(TENANT_ID, READER.appId, READER.secret, {
      authorityHost: emu.authorityHost,
      disableInstanceDiscovery: true,
    });
    const client = graphClient(credential);
    await expect(
      client
        .api(`/users/${USERS.bob}/authentication/fido2Methods/f1d0f1d0-0000-4000-8000-000000000001`)
        .delete(),
    ).rejects.toMatchObject({ statusCode: 403, code: "accessDenied" });
  });
});
