import {
  ActionError,
  type RegisterDeviceAction,
  type RegisterMethodAction,
  registerDevice,
  registerMethod,
  type SignInAction,
  signIn,
} from "./state/attacker.js";
import type { EmulatorState } from "./state/state.js";

/**
 * Emulator-only control endpoints under `/_emulator` (never under /v1.0): the attacker actions for
 * tests and demos that drive the emulator over HTTP, and session state.
 */

export interface ControlResult {
  status: number;
  body: unknown;
}

function withDate<T extends { when?: Date }>(body: Record<string, unknown>): T {
  const when = typeof body.when === "string" ? new Date(body.when) : undefined;
  if (when && Number.isNaN(when.getTime()))
    throw new ActionError(`'when' is not a date: ${String(body.when)}`);
  if (typeof body.userId !== "string") throw new ActionError("'userId' is required");
  if (typeof body.ipAddress !== "string") throw new ActionError("'ipAddress' is required");
  return { ...body, when } as unknown as T;
}

export function handleControl(
  state: EmulatorState,
  method: string,
  segments: string[],
  query: URLSearchParams,
  body: unknown,
): ControlResult {
  const route = `${method} /${segments.join("/")}`;
  try {
    const input = (body ?? {}) as Record<string, unknown>;
    switch (route) {
      case "GET /health":
        return { status: 200, body: { status: "ok", tenantId: state.tenant.id } };
      case "POST /actions/signIn":
        return { status: 201, body: signIn(state, withDate<SignInAction>(input)) };
      case "POST /actions/registerMethod":
        return { status: 201, body: registerMethod(state, withDate<RegisterMethodAction>(input)) };
      case "POST /actions/registerDevice": {
        const {
          ownerIds: _o,
          userIds: _u,
          ...device
        } = registerDevice(state, withDate<RegisterDeviceAction>(input));
        return { status: 201, body: device };
      }
      case "GET /sessions": {
        const userId = query.get("userId");
        const sessions = state.sessions
          .filter((s) => !userId || s.userId === userId)
          .map((s) => ({ ...s, valid: state.isSessionValid(s.id) }));
        return { status: 200, body: { value: sessions } };
      }
      default:
        return { status: 404, body: { error: `no emulator control endpoint ${route}` } };
    }
  } catch (error) {
    if (error instanceof ActionError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}
