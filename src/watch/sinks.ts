import { appendFile, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { type Alert, alertText } from "./alert.js";

/** Where alerts go. `deliver` resolves once the alert is accepted and throws when it was not. */
export interface AlertSink {
  readonly name: string;
  deliver(alert: Alert): Promise<void>;
}

export function stdoutSink(write: (text: string) => void = (text) => process.stdout.write(text)): AlertSink {
  return {
    name: "stdout",
    async deliver(alert) {
      write(`${alertText(alert)}\n`);
    },
  };
}

/**
 * Appends one JSON object per alert to a file. If a previous run appended an alert but stopped
 * before recording the delivery, the alert id is already in the file and is not appended again.
 */
export function jsonlSink(file: string): AlertSink {
  let written: Set<string> | undefined;
  const load = async () => {
    if (written) return written;
    written = new Set();
    let text = "";
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        const id = (JSON.parse(line) as { alert?: { id?: unknown } }).alert?.id;
        if (typeof id === "string") written.add(id);
      } catch {
        // A torn last line from a crash mid-write: that alert is written again below.
      }
    }
    return written;
  };
  return {
    name: "jsonl",
    async deliver(alert) {
      const ids = await load();
      if (ids.has(alert.id)) return;
      await appendFile(file, `${JSON.stringify({ type: "mfa-evict.alert", alert })}\n`, "utf8");
      ids.add(alert.id);
    },
  };
}

export class WebhookError extends Error {
  override name = "WebhookError";
}

export interface WebhookOptions {
  /** Attempts in all (first try included); default 5. */
  attempts?: number;
  /** First backoff delay; doubles each retry (Retry-After wins when given); default 1 s. */
  baseDelayMs?: number;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * The message body an incoming webhook accepts: Slack and Teams (incoming-webhook connector) both
 * render the top-level `text`; the full alert rides along for receivers that parse it.
 */
export function webhookBody(alert: Alert): { text: string; mfaEvict: Alert } {
  return { text: alertText(alert), mfaEvict: alert };
}

/** Incoming-webhook URLs embed their secret in the path: errors name only the origin. */
function safeTarget(url: URL): string {
  return `${url.origin}/…`;
}

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

export function webhookSink(target: string, options: WebhookOptions = {}): AlertSink {
  const url = new URL(target);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new WebhookError(`webhook must be an http(s) URL, got ${url.protocol}`);
  }
  const attempts = options.attempts ?? 5;
  const baseDelay = options.baseDelayMs ?? 1_000;
  const timeout = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  return {
    name: "webhook",
    async deliver(alert) {
      let last = "";
      for (let attempt = 1; attempt <= attempts; attempt++) {
        let retryAfterMs: number | undefined;
        try {
          const response = await doFetch(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(webhookBody(alert)),
            signal: AbortSignal.timeout(timeout),
          });
          await response.arrayBuffer().catch(() => undefined);
          if (response.ok) return;
          last = `HTTP ${response.status}`;
          if (!RETRYABLE(response.status)) break;
          const header = Number(response.headers.get("retry-after"));
          if (Number.isFinite(header) && header >= 0) retryAfterMs = header * 1_000;
        } catch (error) {
          last = error instanceof Error ? error.message : String(error);
        }
        if (attempt < attempts) await sleep(retryAfterMs ?? baseDelay * 2 ** (attempt - 1));
      }
      throw new WebhookError(`webhook ${safeTarget(url)} did not accept alert ${alert.id}: ${last}`);
    },
  };
}
