import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TokenCredential } from "@azure/identity";

/** A tiny local HTTP stand-in for Graph: each test supplies the handler; every request is recorded. */
export interface StubGraph {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage["headers"]; body: string; at: number }[];
  close(): Promise<void>;
}

export type StubHandler = (
  request: { method: string; url: URL; body: string; headers: IncomingMessage["headers"] },
  response: ServerResponse,
) => void | Promise<void>;

export async function startStubGraph(handler: StubHandler): Promise<StubGraph> {
  const requests: StubGraph["requests"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body,
        at: Date.now(),
      });
      Promise.resolve(
        handler(
          {
            method: req.method ?? "GET",
            url: new URL(req.url ?? "/", "http://stub"),
            body,
            headers: req.headers,
          },
          res,
        ),
      ).catch((error: unknown) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** An unsigned JWT-shaped token carrying the claims the connector reads. */
export function fakeToken(roles: string[], claims: Record<string, unknown> = {}): string {
  return `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ tid: "tenant-1", appid: "app-1", roles, ...claims })}.c2lnbmF0dXJl`;
}

export function fakeCredential(roles: string[] = ["User.Read.All"]): TokenCredential & { calls: number } {
  const credential = {
    calls: 0,
    async getToken() {
      credential.calls++;
      return { token: fakeToken(roles), expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  return credential;
}
