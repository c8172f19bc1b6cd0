import type { RunningEmulator } from "../../src/emulator/index.js";

/** A minimal raw client for the emulator's own tests: token per app, then JSON requests. */

export interface RawResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary Graph JSON
  body: any;
}

export async function requestToken(
  emu: RunningEmulator,
  clientId: string,
  clientSecret: string,
  tenant = emu.tenantId,
): Promise<RawResponse> {
  const response = await fetch(`${emu.authorityHost}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: clientId,
      client_secret: clientSecret,
      grant_type: "client_credentials",
      scope: "https://graph.microsoft.com/.default",
    }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

export async function tokenFor(
  emu: RunningEmulator,
  clientId: string,
  clientSecret: string,
): Promise<string> {
  const response = await requestToken(emu, clientId, clientSecret);
  if (response.status !== 200)
    throw new Error(`token request failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.access_token as string;
}

export type Graph = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<RawResponse>;

/** `path` below the host, e.g. `/v1.0/users`, or an absolute `@odata.nextLink`. */
export function graphAs(emu: RunningEmulator, token: string): Graph {
  return async (method, path, body, headers = {}) => {
    const url = path.startsWith("https://") ? path : `${emu.graphUrl}${path}`;
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const type = response.headers.get("content-type") ?? "";
    return {
      status: response.status,
      headers: response.headers,
      body: type.includes("json") && text ? JSON.parse(text) : text,
    };
  };
}
