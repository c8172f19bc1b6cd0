import type { GraphClient } from "../graph/client.js";
import type {
  AuthenticationMethod,
  ODataCollection,
  TemporaryAccessPassMethod,
  User,
} from "../graph/types.js";
import { isStrongMethod, methodLabel } from "./methods.js";
import type { EvictionPlan, UserPlan } from "./plan.js";
import { isNotFound } from "./steps.js";

/**
 * Re-reads an affected user and checks the end state the plan promised: rogue methods and devices
 * gone (or disabled), sessions revoked after the plan started, the planned TAP present, and never
 * a password-only account.
 */

export interface VerifyCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface UserVerification {
  userId: string;
  userPrincipalName: string;
  ok: boolean;
  checks: VerifyCheck[];
}

async function exists(graph: GraphClient, path: string): Promise<boolean> {
  try {
    await graph.request({ method: "GET", path });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

export async function verifyUser(
  graph: GraphClient,
  plan: Pick<EvictionPlan, "createdAt">,
  user: UserPlan,
): Promise<UserVerification> {
  const checks: VerifyCheck[] = [];
  const userPath = `/users/${encodeURIComponent(user.userId)}`;
  const methods: AuthenticationMethod[] = [];
  for await (const page of graph.pages<AuthenticationMethod>({
    method: "GET",
    path: `${userPath}/authentication/methods`,
  })) {
    methods.push(...page);
  }
  const ids = new Set(methods.map((m) => m.id));

  for (const step of user.steps) {
    if (step.kind === "deleteMethod") {
      const present = ids.has(step.methodId);
      checks.push({
        name: `method gone: ${step.label}`,
        ok: !present,
        detail: present ? "still registered" : "gone",
      });
    }
  }
  const deviceSteps = new Map<string, { disable: boolean; remove: boolean; label: string }>();
  for (const step of user.steps) {
    if (step.kind !== "disableDevice" && step.kind !== "deleteDevice") continue;
    const entry = deviceSteps.get(step.deviceObjectId) ?? {
      disable: false,
      remove: false,
      label: step.displayName ?? step.deviceObjectId,
    };
    if (step.kind === "disableDevice") entry.disable = true;
    else entry.remove = true;
    deviceSteps.set(step.deviceObjectId, entry);
  }
  for (const [id, want] of deviceSteps) {
    const path = `/devices/${encodeURIComponent(id)}`;
    if (want.remove) {
      const present = await exists(graph, path);
      checks.push({
        name: `device gone: ${want.label}`,
        ok: !present,
        detail: present ? "still in the directory" : "gone",
      });
    } else {
      try {
        const device = (
          await graph.request<{ accountEnabled?: boolean | null }>({
            method: "GET",
            path,
            query: { $select: "id,accountEnabled" },
          })
        ).body;
        const ok = device.accountEnabled === false;
        checks.push({
          name: `device disabled: ${want.label}`,
          ok,
          detail: ok ? "disabled" : "still enabled",
        });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        checks.push({ name: `device disabled: ${want.label}`, ok: true, detail: "gone" });
      }
    }
  }

  if (user.steps.some((s) => s.kind === "revokeSessions")) {
    const live = (
      await graph.request<User>({
        method: "GET",
        path: userPath,
        query: { $select: "id,signInSessionsValidFromDateTime" },
      })
    ).body;
    const since = live.signInSessionsValidFromDateTime;
    const ok = !!since && new Date(since).getTime() >= new Date(plan.createdAt).getTime();
    checks.push({
      name: "sessions revoked after the plan was made",
      ok,
      detail: since ? `signInSessionsValidFromDateTime ${since} (plan ${plan.createdAt})` : "never revoked",
    });
  }

  const taps = methods.filter(
    (m): m is TemporaryAccessPassMethod =>
      m["@odata.type"] === "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
  );
  if (user.steps.some((s) => s.kind === "issueTap")) {
    let present = taps.length > 0;
    if (!present) {
      // Some tenants list a TAP only on its own collection.
      const own = await graph.request<ODataCollection<TemporaryAccessPassMethod>>({
        method: "GET",
        path: `${userPath}/authentication/temporaryAccessPassMethods`,
      });
      present = own.body.value.length > 0;
    }
    checks.push({
      name: "temporary access pass present",
      ok: present,
      detail: present ? "present" : "missing",
    });
  }

  const strong = methods.filter(isStrongMethod);
  const usable = strong.length > 0 || taps.length > 0;
  checks.push({
    name: "not left with only a password",
    ok: usable,
    detail: usable ? [...strong, ...taps].map(methodLabel).join(", ") : "only a password remains",
  });

  return {
    userId: user.userId,
    userPrincipalName: user.userPrincipalName,
    ok: checks.every((c) => c.ok),
    checks,
  };
}
