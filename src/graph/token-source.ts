import type { TokenCredential } from "@azure/identity";
import { decodeJwt } from "jose";

export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

/** What the current access token says about who we are and what we may do. */
export interface TokenIdentity {
  tenantId?: string;
  /** The app (client) id the token was issued to. */
  appId?: string;
  /** Application permissions granted to the app (`roles` claim). */
  roles: string[];
  /** Object id of the app's service principal in the tenant (`oid` of an app-only token, which has no `scp`). */
  servicePrincipalId?: string;
}

/**
 * Hands out the bearer token, reusing it until shortly before it expires so each request does not
 * go through the credential, and forgetting it when Graph answers 401.
 */
export class TokenSource {
  private current: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope = GRAPH_SCOPE,
    /** Renew this long before expiry so a request never leaves with a token about to lapse. */
    private readonly renewBeforeMs = 5 * 60_000,
  ) {}

  async token(): Promise<string> {
    if (this.current && this.current.expiresAt - this.renewBeforeMs > Date.now()) return this.current.token;
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(): void {
    this.current = undefined;
  }

  async identity(): Promise<TokenIdentity> {
    const claims = decodeJwt(await this.token());
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((role) => typeof role === "string") : [];
    const tenantId = typeof claims.tid === "string" ? claims.tid : undefined;
    const appId =
      typeof claims.appid === "string"
        ? claims.appid
        : typeof claims.azp === "string"
          ? claims.azp
          : undefined;
    const servicePrincipalId =
      typeof claims.oid === "string" && claims.scp === undefined ? claims.oid : undefined;
    return {
      roles,
      ...(tenantId ? { tenantId } : {}),
      ...(appId ? { appId } : {}),
      ...(servicePrincipalId ? { servicePrincipalId } : {}),
    };
  }

  private async fetch(): Promise<string> {
    const result = await this.credential.getToken(this.scope);
    if (!result) throw new Error("the credential returned no access token for Microsoft Graph");
    this.current = { token: result.token, expiresAt: result.expiresOnTimestamp };
    return result.token;
  }
}
