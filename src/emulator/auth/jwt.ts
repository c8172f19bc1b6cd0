import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from "node:crypto";
import { GRAPH_AUDIENCE } from "../state/well-known.js";
import type { TenantApp, TenantInfo } from "../tenant/schema.js";

/**
 * The emulator's access tokens: RS256 JWTs shaped like Graph's app-only v1.0 tokens
 * (graph-entra.md §1.3), signed by a key generated once per process.
 */

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  idp: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  appid: string;
  appidacr: "1" | "2";
  app_displayname: string;
  idtyp: "app";
  oid: string;
  sub: string;
  roles: string[];
  wids: string[];
  uti: string;
  ver: "1.0";
}

export const TOKEN_LIFETIME_SECONDS = 3599;

interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
}

let signingKey: SigningKey | undefined;

export function getSigningKey(): SigningKey {
  if (!signingKey) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const der = publicKey.export({ type: "spki", format: "der" });
    signingKey = { privateKey, publicKey, kid: createHash("sha1").update(der).digest("base64url") };
  }
  return signingKey;
}

/** The JWKS document an OpenID client would fetch to validate tokens. */
export function jwks(): { keys: Record<string, unknown>[] } {
  const key = getSigningKey();
  const jwk = createPublicKey(key.publicKey).export({ format: "jwk" });
  return { keys: [{ ...jwk, kid: key.kid, use: "sig", alg: "RS256", kty: "RSA" }] };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export function issueAccessToken(app: TenantApp, tenant: TenantInfo, viaCertificate: boolean): string {
  const key = getSigningKey();
  const now = Math.floor(Date.now() / 1000);
  const claims: AccessTokenClaims = {
    aud: GRAPH_AUDIENCE,
    iss: `https://sts.windows.net/${tenant.id}/`,
    idp: `https://sts.windows.net/${tenant.id}/`,
    iat: now,
    nbf: now,
    exp: now + TOKEN_LIFETIME_SECONDS,
    tid: tenant.id,
    appid: app.appId,
    appidacr: viaCertificate ? "2" : "1",
    app_displayname: app.displayName,
    idtyp: "app",
    oid: app.servicePrincipalId,
    sub: app.servicePrincipalId,
    roles: [...app.permissions],
    wids: [...app.directoryRoles],
    uti: randomUUID().replace(/-/g, "").slice(0, 22),
    ver: "1.0",
  };
  const signingInput = `${b64({ typ: "JWT", alg: "RS256", kid: key.kid, x5t: key.kid })}.${b64(claims)}`;
  return `${signingInput}.${sign("sha256", Buffer.from(signingInput), key.privateKey).toString("base64url")}`;
}

export type TokenCheck = { ok: true; claims: AccessTokenClaims } | { ok: false; message: string };

/** Verified tokens, so a busy client costs one signature check per token rather than per request. */
const verified = new Map<string, AccessTokenClaims>();

export function verifyAccessToken(token: string, tenantId: string): TokenCheck {
  let claims = verified.get(token);
  if (!claims) {
    const parts = token.split(".");
    if (parts.length !== 3)
      return { ok: false, message: "IDX14100: JWT is not well formed, there are no dots (.)." };
    const valid = verify(
      "sha256",
      Buffer.from(`${parts[0]}.${parts[1]}`),
      getSigningKey().publicKey,
      Buffer.from(parts[2]!, "base64url"),
    );
    if (!valid) return { ok: false, message: "Invalid signature." };
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString()) as AccessTokenClaims;
    } catch {
      return { ok: false, message: "Invalid token payload." };
    }
    if (verified.size > 10_000) verified.clear();
    verified.set(token, claims);
  }
  if (claims.exp * 1000 < Date.now())
    return { ok: false, message: "Lifetime validation failed, the token is expired." };
  if (claims.aud !== GRAPH_AUDIENCE) return { ok: false, message: "Invalid audience." };
  if (claims.tid !== tenantId) return { ok: false, message: "The token was issued for a different tenant." };
  return { ok: true, claims };
}
