import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { Severity, Triage } from "../detect/finding.js";
import { html } from "../shared/html.js";
import type { ConsoleBackend } from "./backend.js";
import { consoleGuard, newConsoleToken } from "./guard.js";
import {
  applyResultPage,
  confirmationPhrase,
  findingPage,
  findingsPage,
  layout,
  planPage,
  userPage,
  usersPage,
} from "./pages.js";

export interface ConsoleOptions {
  backend: ConsoleBackend;
  port?: number;
  token?: string;
}

export interface RunningConsole {
  url: string;
  /** The URL to open once: it carries the token, which the console trades for a cookie. */
  loginUrl: string;
  token: string;
  close(): Promise<void>;
}

const SEVERITIES = new Set<Severity>(["informational", "low", "medium", "high", "critical"]);
const VERDICTS = new Set<Triage["verdict"]>(["truePositive", "falsePositive", "undecided"]);

/** Every page goes out the same way: HTML, UTF-8, with an optional error status. */
function page(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send(body);
}

function notFound(reply: FastifyReply, what: string): FastifyReply {
  return page(reply, layout("Not found", html`<p>No such ${what}.</p>`), 404);
}

/** The local triage console: loopback only, token required, every page server-rendered. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const token = options.token ?? newConsoleToken();
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  let hosts: string[] = [];
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) =>
    done(null, new URLSearchParams(body as string)),
  );
  app.addHook(
    "onRequest",
    consoleGuard(token, () => hosts),
  );
  app.addHook("onSend", async (_req, reply, payload) => {
    reply.header(
      "content-security-policy",
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    );
    reply.header("x-content-type-options", "nosniff");
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts.
    reply.header("referrer-policy", "same-origin");
    reply.header("cache-control", "no-store");
    return payload;
  });
  const { backend } = options;

  app.get("/", async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const { findings, triage } = await backend.listFindings();
    const minSeverity = SEVERITIES.has(q.minSeverity as Severity) ? (q.minSeverity as Severity) : undefined;
    const verdict = VERDICTS.has(q.verdict as Triage["verdict"]) ? (q.verdict as Triage["verdict"]) : "any";
    return page(
      reply,
      findingsPage(findings, triage, {
        minSeverity,
        technique: q.technique || undefined,
        verdict,
        text: q.text || undefined,
      }),
    );
  });

  app.get("/findings/:id", async (request, reply) => {
    const { id } = request.params as { id: string };
    const { findings, triage } = await backend.listFindings();
    const finding = findings.find((f) => f.id === id);
    if (!finding) return notFound(reply, `finding ${id}`);
    return page(
      reply,
      findingPage(
        finding,
        triage.find((t) => t.findingId === id),
        await backend.timeline(finding),
      ),
    );
  });

  const USER_PAGE_LIMIT = 200;
  app.get("/users", async (request, reply) => {
    const text = ((request.query as Record<string, string | undefined>).text ?? "").slice(0, 200);
    const users = await backend.searchUsers(text, USER_PAGE_LIMIT);
    return page(reply, usersPage(users, text, USER_PAGE_LIMIT));
  });

  app.get("/users/:id", async (request, reply) => {
    const user = await backend.user((request.params as { id: string }).id);
    if (!user) return notFound(reply, "user");
    return page(reply, userPage(user));
  });

  app.post("/findings/:id/triage", async (request, reply) => {
    const { id } = request.params as { id: string };
    const form = request.body as URLSearchParams;
    const verdict = form.get("verdict") as Triage["verdict"];
    if (!VERDICTS.has(verdict))
      return reply
        .code(400)
        .type("text/plain")
        .send("verdict must be truePositive, falsePositive or undecided\n");
    await backend.setTriage({
      findingId: id,
      verdict,
      reason: form.get("reason")?.slice(0, 1000) || undefined,
    });
    return reply.redirect(`/findings/${encodeURIComponent(id)}`, 303);
  });

  app.post("/plans", async (request, reply) => {
    const ids = (request.body as URLSearchParams).getAll("finding");
    if (ids.length === 0)
      return page(
        reply,
        layout("No findings selected", html`<p>Select at least one finding to plan.</p>`),
        400,
      );
    const { planId } = await backend.createPlan(ids);
    return reply.redirect(`/plans/${encodeURIComponent(planId)}`, 303);
  });

  app.get("/plans/:id", async (request, reply) => {
    const plan = await backend.showPlan((request.params as { id: string }).id);
    if (!plan) return notFound(reply, "plan");
    return page(reply, planPage(plan));
  });

  app.post("/plans/:id/apply", async (request, reply) => {
    const plan = await backend.showPlan((request.params as { id: string }).id);
    if (!plan) return notFound(reply, "plan");
    const typed = (request.body as URLSearchParams).get("confirm")?.trim() ?? "";
    if (typed !== confirmationPhrase(plan)) {
      return page(
        reply,
        planPage(plan, "The confirmation did not match the plan's users: nothing was applied."),
        400,
      );
    }
    return page(reply, applyResultPage(plan, await backend.applyPlan(plan.id)));
  });

  await app.listen({ host: "127.0.0.1", port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const url = `http://127.0.0.1:${port}`;
  return { url, loginUrl: `${url}/?token=${token}`, token, close: () => app.close() };
}
