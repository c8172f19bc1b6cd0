import pino from "pino";
import { redactValue } from "./redact.js";

/**
 * The product's logger: JSON lines on stderr (stdout belongs to command output), level from
 * MFA_EVICT_LOG_LEVEL (default "info"). Every logged object is redacted first.
 */
export const log = pino(
  {
    level: process.env.MFA_EVICT_LOG_LEVEL ?? "info",
    base: undefined,
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => redactValue(arg)) as Parameters<typeof method>);
      },
    },
  },
  pino.destination(2),
);
