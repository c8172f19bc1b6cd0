import { constants, createHash, randomUUID, verify, X509Certificate } from "node:crypto";
import type { EmulatorState } from "../state/state.js";
import { APP, GRAPH_AUDIENCE } from "../state/well-known.js";
import type { TenantApp } from "../tenant/schema.js";
import { issueAccessToken, TOKEN_LIFETIME_SECONDS } from "./jwt.js";

/**
 * The identity platform's client-credentials token endpoint (graph-entra.md §1.1–1.2): client
 * secret or certificate client assertion (RS256/PS256, `x5t` or `x5t#S256`), with the AADSTS error
 * bodies the real service returns.
 */

export interface TokenEndpointResult {
  status: number;
  body: Record<string, unknown>;
}

function aadError(status: number, error: string, code: number, description: string): TokenEndpointResult {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace("T", " ").slice(0, 19);
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}Z`,
      error_codes: [code],
      timestamp: `${timestamp}Z`,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

/** True when `tenantSegment` names this tenant (GUID or a verified domain). */
export function isThisTenant(state: EmulatorState, tenantSegment: string): boolean {
  const lower = tenantSegment.toLowerCase();
  return (
    lower === state.tenant.id.toLowerCase() || state.tenant.domains.some((d) => d.toLowerCase() === lower)
  );
}

const GRAPH_SCOPES = new Set([
  `${GRAPH_AUDIENCE}/.default`,
  `${APP.graph}/.default`,
  `${GRAPH_AUDIENCE}//.default`,
]);

export function handleTokenRequest(
  state: EmulatorState,
  tenantSegment: string,
  form: URLSearchParams,
  authorization: string | undefined,
  tokenUrl: string,
): TokenEndpointResult {
  if (!isThisTenant(state, tenantSegment)) {
    return aadError(
      400,
      "invalid_request",
      90002,
      `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  const grantType = form.get("grant_type");
  if (grantType !== "client_credentials") {
    return aadError(
      400,
      "unsupported_grant_type",
      70003,
      `The app requested an unsupported grant type '${grantType ?? ""}'.`,
    );
  }
  let clientId = form.get("client_id");
  let clientSecret = form.get("client_secret");
  // RFC 6749 §2.3.1: the secret may come as HTTP Basic credentials instead.
  if (authorization?.toLowerCase().startsWith("basic ")) {
    const decoded = Buffer.from(authorization.slice(6), "base64").toString();
    const colon = decoded.indexOf(":");
    clientId ??= decodeURIComponent(decoded.slice(0, colon));
    clientSecret ??= decodeURIComponent(decoded.slice(colon + 1));
  }
  if (!clientId) {
    return aadError(
      400,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const scope = form.get("scope") ?? "";
  if (!scope.endsWith("/.default")) {
    return aadError(
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  if (!GRAPH_SCOPES.has(scope)) {
    return aadError(
      400,
      "invalid_resource",
      500011,
      `The resource principal named ${scope.replace(/\/\.default$/, "")} was not found in the tenant named ${state.tenant.displayName}.`,
    );
  }
  const app = state.findApp(clientId);
  if (!app) {
    return aadError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${state.tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  const assertion = form.get("client_assertion");
  if (assertion) {
    const problem = checkClientAssertion(
      app,
      assertion,
      form.get("client_assertion_type"),
      tokenUrl,
      state.tenant.id,
    );
    if (problem) return aadError(401, "invalid_client", problem.code, problem.message);
    return success(issueAccessToken(app, state.tenant, true));
  }
  if (!clientSecret) {
    return aadError(
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (!app.secrets.includes(clientSecret)) {
    return aadError(
      401,
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
    );
  }
  return success(issueAccessToken(app, state.tenant, false));
}

function success(accessToken: string): TokenEndpointResult {
  return {
    status: 200,
    body: {
      token_type: "Bearer",
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: accessToken,
    },
  };
}

function checkClientAssertion(
  app: TenantApp,
  assertion: string,
  assertionType: string | null,
  tokenUrl: string,
  tenantId: string,
): { code: number; message: string } | undefined {
  if (assertionType !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
    return { code: 700024, message: "Client assertion type is not supported." };
  }
  const parts = assertion.split(".");
  if (parts.length !== 3) return { code: 50027, message: "JWT token is invalid or malformed." };
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString());
    payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString());
  } catch {
    return { code: 50027, message: "JWT token is invalid or malformed." };
  }
  const certificate = app.certificates
    .map((c) => new X509Certificate(c.pem))
    .find(
      (cert) =>
        header["x5t#S256"] === createHash("sha256").update(cert.raw).digest("base64url") ||
        header.x5t === createHash("sha1").update(cert.raw).digest("base64url"),
    );
  if (!certificate) {
    return {
      code: 700027,
      message: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(header.x5t ?? header["x5t#S256"] ?? "")}']`,
    };
  }
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2]!, "base64url");
  const valid =
    header.alg === "RS256"
      ? verify("sha256", data, certificate.publicKey, signature)
      : header.alg === "PS256"
        ? verify(
            "sha256",
            data,
            { key: certificate.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
            signature,
          )
        : false;
  if (!valid) return { code: 700027, message: "Client assertion failed signature validation." };
  const now = Date.now() / 1000;
  if (typeof payload.exp !== "number" || payload.exp < now) {
    return { code: 700024, message: "Client assertion is not within its valid time range." };
  }
  if (payload.iss !== app.appId || payload.sub !== app.appId) {
    return {
      code: 700021,
      message: "Client assertion application identifier doesn't match 'client_id' parameter.",
    };
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const accepted = [tokenUrl, tokenUrl.replace(/\/[^/]+\/oauth2/, `/${tenantId}/oauth2`)];
  if (
    !audiences.some(
      (aud) => typeof aud === "string" && accepted.some((a) => a.toLowerCase() === aud.toLowerCase()),
    )
  ) {
    return {
      code: 700212,
      message: "No matching federated identity record found for presented assertion audience.",
    };
  }
  return undefined;
}
