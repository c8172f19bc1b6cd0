import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

export const COOKIE = "mfa_evict_console";

export function newConsoleToken(): string {
  return randomBytes(24).toString("base64url");
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === COOKIE) return value.join("=");
  }
  return undefined;
}

/**
 * Every request must carry the console token: as `?token=` once (then a SameSite=Strict cookie), as
 * the cookie, or as `Authorization: Bearer`. The Host header must be the loopback address the
 * console listens on (DNS rebinding), and a state-changing request must come from the console's own
 * origin (CSRF).
 */
export function consoleGuard(token: string, allowedHosts: () => string[]) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!allowedHosts().includes(request.headers.host ?? "")) {
      await reply
        .code(421)
        .type("text/plain")
        .send("Misdirected request: the console answers only on its loopback address.\n");
      return;
    }
    const query = request.query as Record<string, string | undefined>;
    const bearer = request.headers.authorization?.replace(/^Bearer\s+/i, "");
    const presented = query.token ?? bearer ?? cookieToken(request.headers.cookie);
    if (!sameToken(presented, token)) {
      await reply
        .code(401)
        .type("text/plain")
        .send("The console needs the token printed when `mfa-evict serve` started.\n");
      return;
    }
    if (request.method !== "GET") {
      const origin = request.headers.origin;
      if (origin !== undefined && !allowedHosts().some((host) => origin === `http://${host}`)) {
        await reply.code(403).type("text/plain").send("Cross-origin request refused.\n");
        return;
      }
    }
    if (query.token) {
      // Trade the token in the URL for a cookie, then drop it from the address bar and history.
      const url = new URL(request.url, "http://console");
      url.searchParams.delete("token");
      await reply
        .header("set-cookie", `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`)
        .redirect(`${url.pathname}${url.search}`, 303);
    }
  };
}
