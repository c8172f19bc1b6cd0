import type { GraphClient, GraphRequest } from "../graph/client.js";
import { GraphError } from "../graph/client.js";
import { eq } from "../graph/odata.js";
import type {
  AuthenticationMethod,
  Device,
  ODataCollection,
  RiskyUser,
  TemporaryAccessPassMethod,
  User,
} from "../graph/types.js";
import { isMethodODataType, methodPath } from "./methods.js";
import type { PlanStep, StepKind, UserPlan } from "./plan.js";
import type { SecretSink } from "./secrets-file.js";

/**
 * One handler per step kind: `check` reads the current state and says whether the write is already
 * done (a method already gone, a device already disabled, or — for the non-idempotent writes — the
 * effect of an interrupted earlier attempt), `write` performs it, `call` describes it for dry-run.
 */

export interface StepContext {
  graph: GraphClient;
  planId: string;
  user: UserPlan;
  /**
   * Set when an earlier attempt may have reached Graph without a recorded outcome (killed, or failed
   * without a definite refusal): the state that attempt read just before writing (its pre-image).
   * If the state moved away from it, the attempt landed.
   */
  uncertain?: { preimage: Record<string, unknown> };
  secrets?: SecretSink;
  generatePassword: () => string;
  /**
   * Set when the previous attempt of this run lost its answer and a read showed the password not yet
   * changed: the password that attempt recorded and sent, sent again as it is, so that even if the
   * lost write lands late the password in force is the recorded one.
   */
  retryPassword?: string;
}

export type CheckResult = { done: true; detail: string } | { done: false };

export interface WriteResult {
  detail: string;
  /** Non-secret facts for the journal (ids, lifetimes). */
  record?: Record<string, unknown>;
}

export interface PlannedCall {
  method: GraphRequest["method"];
  path: string;
  version?: "beta";
  body?: unknown;
}

interface StepHandler<S extends PlanStep> {
  /**
   * For writes that are not idempotent in their effect (password, sessions, TAP): the state just
   * before the write, journaled with the attempt so a resumed run can tell whether it landed
   * without trusting clocks.
   */
  preimage?(step: S, ctx: StepContext): Promise<Record<string, unknown>>;
  check(step: S, ctx: StepContext): Promise<CheckResult>;
  write(step: S, ctx: StepContext): Promise<WriteResult>;
  call(step: S, userId: string): PlannedCall;
}

const userPath = (userId: string) => `/users/${encodeURIComponent(userId)}`;
const devicePath = (deviceObjectId: string) => `/devices/${encodeURIComponent(deviceObjectId)}`;

export function isNotFound(error: unknown): boolean {
  return error instanceof GraphError && error.status === 404;
}

/** GET that answers undefined for 404. */
async function getOrAbsent<T>(
  graph: GraphClient,
  request: Omit<GraphRequest, "method">,
): Promise<T | undefined> {
  try {
    return (await graph.request<T>({ method: "GET", ...request })).body;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Writes that answer 404 because the object is gone are done, not failed. */
async function writeUnlessGone(
  graph: GraphClient,
  request: GraphRequest,
  gone: string,
  done: string,
): Promise<WriteResult> {
  try {
    await graph.request(request);
    return { detail: done };
  } catch (error) {
    if (isNotFound(error)) return { detail: gone };
    throw error;
  }
}

/** Whether `field` moved away from the interrupted attempt's pre-image (so that attempt landed). */
function movedFrom(ctx: StepContext, field: string, current: unknown): boolean {
  return !!ctx.uncertain && (ctx.uncertain.preimage[field] ?? null) !== (current ?? null);
}

async function readUser(graph: GraphClient, userId: string, select: string): Promise<User> {
  return (await graph.request<User>({ method: "GET", path: userPath(userId), query: { $select: select } }))
    .body;
}

const rotatePassword: StepHandler<Extract<PlanStep, { kind: "rotatePassword" }>> = {
  async preimage(_step, ctx) {
    const user = await readUser(ctx.graph, ctx.user.userId, "id,lastPasswordChangeDateTime");
    return { lastPasswordChangeDateTime: user.lastPasswordChangeDateTime ?? null };
  },
  async check(_step, ctx) {
    // Not idempotent: only an interrupted attempt can have done it already; lastPasswordChangeDateTime tells.
    if (!ctx.uncertain) return { done: false };
    const user = await readUser(ctx.graph, ctx.user.userId, "id,lastPasswordChangeDateTime");
    return movedFrom(ctx, "lastPasswordChangeDateTime", user.lastPasswordChangeDateTime)
      ? {
          done: true,
          detail: `password already rotated by the interrupted attempt (${user.lastPasswordChangeDateTime})`,
        }
      : { done: false };
  },
  async write(step, ctx) {
    const password = ctx.retryPassword ?? ctx.generatePassword();
    // Recorded before the write that sets it; a resent password is in the secrets file already.
    if (!ctx.retryPassword) {
      ctx.secrets?.record({
        planId: ctx.planId,
        userId: ctx.user.userId,
        userPrincipalName: ctx.user.userPrincipalName,
        stepId: step.id,
        kind: "password",
        secret: password,
      });
    }
    await ctx.graph.request({
      method: "PATCH",
      path: userPath(ctx.user.userId),
      body: { passwordProfile: { password, forceChangePasswordNextSignIn: true } },
    });
    ctx.secrets?.confirm(step.id, "password set");
    return {
      detail: ctx.secrets
        ? "password rotated (written to the secrets file)"
        : "password rotated (not revealed)",
    };
  },
  call: (_step, userId) => ({
    method: "PATCH",
    path: userPath(userId),
    body: {
      passwordProfile: {
        password: "<generated at apply time, never shown>",
        forceChangePasswordNextSignIn: true,
      },
    },
  }),
};

const revokeSessions: StepHandler<Extract<PlanStep, { kind: "revokeSessions" }>> = {
  async preimage(_step, ctx) {
    // Read after the password rotation, which moves this timestamp too: only the revocation moves it again.
    const user = await readUser(ctx.graph, ctx.user.userId, "id,signInSessionsValidFromDateTime");
    return { signInSessionsValidFromDateTime: user.signInSessionsValidFromDateTime ?? null };
  },
  async check(_step, ctx) {
    if (!ctx.uncertain) return { done: false };
    const user = await readUser(ctx.graph, ctx.user.userId, "id,signInSessionsValidFromDateTime");
    return movedFrom(ctx, "signInSessionsValidFromDateTime", user.signInSessionsValidFromDateTime)
      ? {
          done: true,
          detail: `sessions already revoked by the interrupted attempt (${user.signInSessionsValidFromDateTime})`,
        }
      : { done: false };
  },
  async write(_step, ctx) {
    await ctx.graph.request({ method: "POST", path: `${userPath(ctx.user.userId)}/revokeSignInSessions` });
    return { detail: "sign-in sessions revoked" };
  },
  call: (_step, userId) => ({ method: "POST", path: `${userPath(userId)}/revokeSignInSessions` }),
};

const signInPreferencesPath = (userId: string) => `${userPath(userId)}/authentication/signInPreferences`;

const setDefaultMethod: StepHandler<Extract<PlanStep, { kind: "setDefaultMethod" }>> = {
  async check(step, ctx) {
    const prefs = await getOrAbsent<{ userPreferredMethodForSecondaryAuthentication?: string | null }>(
      ctx.graph,
      {
        path: signInPreferencesPath(ctx.user.userId),
        version: "beta",
      },
    );
    return prefs?.userPreferredMethodForSecondaryAuthentication === step.preference
      ? { done: true, detail: `default method already ${step.preference}` }
      : { done: false };
  },
  async write(step, ctx) {
    await ctx.graph.request({
      method: "PATCH",
      path: signInPreferencesPath(ctx.user.userId),
      version: "beta",
      body: { userPreferredMethodForSecondaryAuthentication: step.preference },
    });
    return { detail: `default method set to ${step.preference}` };
  },
  call: (step, userId) => ({
    method: "PATCH",
    path: signInPreferencesPath(userId),
    version: "beta",
    body: { userPreferredMethodForSecondaryAuthentication: step.preference },
  }),
};

function deleteMethodPath(step: Extract<PlanStep, { kind: "deleteMethod" }>, userId: string): string {
  if (!isMethodODataType(step.odataType))
    throw new Error(`step ${step.id}: unknown method type ${step.odataType}`);
  return methodPath(userId, step.odataType, step.methodId);
}

const deleteMethod: StepHandler<Extract<PlanStep, { kind: "deleteMethod" }>> = {
  async check(step, ctx) {
    const current = await getOrAbsent<AuthenticationMethod>(ctx.graph, {
      path: deleteMethodPath(step, ctx.user.userId),
    });
    return current ? { done: false } : { done: true, detail: `${step.label} already gone` };
  },
  write: (step, ctx) =>
    writeUnlessGone(
      ctx.graph,
      { method: "DELETE", path: deleteMethodPath(step, ctx.user.userId) },
      `${step.label} already gone`,
      `${step.label} deleted`,
    ),
  call: (step, userId) => ({ method: "DELETE", path: deleteMethodPath(step, userId) }),
};

async function readDevice(graph: GraphClient, deviceObjectId: string): Promise<Device | undefined> {
  return getOrAbsent<Device>(graph, {
    path: devicePath(deviceObjectId),
    query: { $select: "id,deviceId,accountEnabled" },
  });
}

const disableDevice: StepHandler<Extract<PlanStep, { kind: "disableDevice" }>> = {
  async check(step, ctx) {
    const device = await readDevice(ctx.graph, step.deviceObjectId);
    if (!device) return { done: true, detail: "device already gone" };
    return device.accountEnabled === false
      ? { done: true, detail: "device already disabled" }
      : { done: false };
  },
  write: (step, ctx) =>
    writeUnlessGone(
      ctx.graph,
      { method: "PATCH", path: devicePath(step.deviceObjectId), body: { accountEnabled: false } },
      "device already gone",
      "device disabled",
    ),
  call: (step) => ({
    method: "PATCH",
    path: devicePath(step.deviceObjectId),
    body: { accountEnabled: false },
  }),
};

interface ManagedDevice {
  id: string;
  managementState?: string | null;
}
const RETIRED_STATES = new Set([
  "retirePending",
  "retireFailed",
  "retireIssued",
  "wipePending",
  "wipeIssued",
]);

const retireManagedDevice: StepHandler<Extract<PlanStep, { kind: "retireManagedDevice" }>> = {
  async check(step, ctx) {
    const managed = await findManagedDevice(ctx.graph, step.deviceId);
    if (!managed) return { done: true, detail: "device is not enrolled in Intune (nothing to retire)" };
    return managed.managementState &&
      RETIRED_STATES.has(managed.managementState) &&
      managed.managementState !== "retireFailed"
      ? { done: true, detail: `Intune retire already ${managed.managementState}` }
      : { done: false };
  },
  async write(step, ctx) {
    const managed = await findManagedDevice(ctx.graph, step.deviceId);
    if (!managed) return { detail: "device is not enrolled in Intune (nothing to retire)" };
    await ctx.graph.request({
      method: "POST",
      path: `/deviceManagement/managedDevices/${encodeURIComponent(managed.id)}/retire`,
    });
    return { detail: "Intune retire issued", record: { managedDeviceId: managed.id } };
  },
  call: (step) => ({
    method: "POST",
    path: `/deviceManagement/managedDevices/{managedDevice whose azureADDeviceId is ${step.deviceId}}/retire`,
  }),
};

async function findManagedDevice(
  graph: GraphClient,
  azureADDeviceId: string,
): Promise<ManagedDevice | undefined> {
  const page = await graph.request<ODataCollection<ManagedDevice>>({
    method: "GET",
    path: "/deviceManagement/managedDevices",
    query: { $filter: eq("azureADDeviceId", azureADDeviceId), $select: "id,managementState" },
  });
  return page.body.value[0];
}

const deleteDevice: StepHandler<Extract<PlanStep, { kind: "deleteDevice" }>> = {
  async check(step, ctx) {
    return (await readDevice(ctx.graph, step.deviceObjectId))
      ? { done: false }
      : { done: true, detail: "device already gone" };
  },
  write: (step, ctx) =>
    writeUnlessGone(
      ctx.graph,
      { method: "DELETE", path: devicePath(step.deviceObjectId) },
      "device already gone",
      "device deleted",
    ),
  call: (step) => ({ method: "DELETE", path: devicePath(step.deviceObjectId) }),
};

const tapPath = (userId: string) => `${userPath(userId)}/authentication/temporaryAccessPassMethods`;

async function tapIds(graph: GraphClient, userId: string): Promise<string[]> {
  const existing = await graph.request<ODataCollection<TemporaryAccessPassMethod>>({
    method: "GET",
    path: tapPath(userId),
  });
  return existing.body.value.map((tap) => tap.id).sort();
}

const issueTap: StepHandler<Extract<PlanStep, { kind: "issueTap" }>> = {
  async preimage(_step, ctx) {
    return { tapIds: (await tapIds(ctx.graph, ctx.user.userId)).join(",") };
  },
  async check(_step, ctx) {
    // One TAP per user and creating another replaces it: only our own interrupted attempt counts as done.
    if (!ctx.uncertain) return { done: false };
    const before = new Set(
      String(ctx.uncertain.preimage.tapIds ?? "")
        .split(",")
        .filter(Boolean),
    );
    const ours = (await tapIds(ctx.graph, ctx.user.userId)).find((id) => !before.has(id));
    return ours
      ? {
          done: true,
          detail: `TAP ${ours} already issued by the interrupted attempt; its code was only in the lost response — issue a new one by hand if the user needs it`,
        }
      : { done: false };
  },
  async write(step, ctx) {
    const created = await ctx.graph.request<TemporaryAccessPassMethod>({
      method: "POST",
      path: tapPath(ctx.user.userId),
      body: { lifetimeInMinutes: step.lifetimeInMinutes, isUsableOnce: step.isUsableOnce },
    });
    const tap = created.body;
    if (ctx.secrets && tap.temporaryAccessPass) {
      ctx.secrets.record({
        planId: ctx.planId,
        userId: ctx.user.userId,
        userPrincipalName: ctx.user.userPrincipalName,
        stepId: step.id,
        kind: "temporaryAccessPass",
        secret: tap.temporaryAccessPass,
        ...(tap.startDateTime ? { startDateTime: tap.startDateTime } : {}),
        ...(tap.lifetimeInMinutes ? { lifetimeInMinutes: tap.lifetimeInMinutes } : {}),
      });
    }
    return {
      detail: ctx.secrets
        ? "TAP issued (code written to the secrets file)"
        : "TAP issued (code not revealed)",
      record: {
        tapId: tap.id,
        lifetimeInMinutes: tap.lifetimeInMinutes ?? step.lifetimeInMinutes,
        isUsableOnce: tap.isUsableOnce ?? step.isUsableOnce,
        startDateTime: tap.startDateTime ?? null,
      },
    };
  },
  call: (step, userId) => ({
    method: "POST",
    path: tapPath(userId),
    body: { lifetimeInMinutes: step.lifetimeInMinutes, isUsableOnce: step.isUsableOnce },
  }),
};

const confirmCompromised: StepHandler<Extract<PlanStep, { kind: "confirmCompromised" }>> = {
  async check(_step, ctx) {
    const risky = await getOrAbsent<RiskyUser>(ctx.graph, {
      path: `/identityProtection/riskyUsers/${encodeURIComponent(ctx.user.userId)}`,
    });
    return risky?.riskState === "confirmedCompromised"
      ? { done: true, detail: "already confirmed compromised" }
      : { done: false };
  },
  async write(_step, ctx) {
    await ctx.graph.request({
      method: "POST",
      path: "/identityProtection/riskyUsers/confirmCompromised",
      body: { userIds: [ctx.user.userId] },
    });
    return { detail: "confirmed compromised in Identity Protection" };
  },
  call: (_step, userId) => ({
    method: "POST",
    path: "/identityProtection/riskyUsers/confirmCompromised",
    body: { userIds: [userId] },
  }),
};

const HANDLERS: { [K in StepKind]: StepHandler<Extract<PlanStep, { kind: K }>> } = {
  rotatePassword,
  revokeSessions,
  setDefaultMethod,
  deleteMethod,
  disableDevice,
  retireManagedDevice,
  deleteDevice,
  issueTap,
  confirmCompromised,
};

export function handlerFor<S extends PlanStep>(step: S): StepHandler<S> {
  return HANDLERS[step.kind] as unknown as StepHandler<S>;
}

/** The write a step makes, as dry-run prints it. */
export function plannedCall(step: PlanStep, userId: string): PlannedCall {
  return handlerFor(step).call(step, userId);
}
