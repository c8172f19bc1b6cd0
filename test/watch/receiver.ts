import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A local incoming-webhook receiver: records every POST body; can answer with failures first. */
export interface Receiver {
  url: string;
  bodies: unknown[];
  /** Statuses to answer with before answering 200 (consumed in order). */
  failures: { status: number; retryAfter?: string }[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Omit<Receiver, "url" | "close"> = { bodies: [], failures: [] };
  const server: Server = createServer(async (req, res) => {
    const text = await readBody(req);
    const failure = receiver.failures.shift();
    if (failure) {
      res.writeHead(failure.status, failure.retryAfter ? { "retry-after": failure.retryAfter } : {});
      res.end("busy");
      return;
    }
    receiver.bodies.push(JSON.parse(text));
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("1");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    ...receiver,
    get bodies() {
      return receiver.bodies;
    },
    get failures() {
      return receiver.failures;
    },
    set failures(value) {
      receiver.failures = value;
    },
    url: `http://127.0.0.1:${port}/webhook/T000/B000/secret-path`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
