import { randomInt, randomUUID } from "node:crypto";
import {
  type AuthenticationMethod,
  type AuthenticationMethodODataType,
  FIXED_METHOD_IDS,
  METHOD_COLLECTIONS,
  type PhoneMethod,
  type TemporaryAccessPassMethod,
} from "../../graph/types.js";
import { badRequest, GraphHttpError } from "../http/errors.js";
import type { RouteSpec } from "../http/router.js";
import type { RouteContext } from "../http/types.js";
import { contextUrl, itemResponse, type ListSpec, listResponse } from "../odata/query.js";
import { METHOD_REASON_NAME } from "../state/audit.js";
import type { MethodRecord } from "../state/state.js";
import { ROLES_FOR_ADMIN_TARGETS } from "../state/well-known.js";
import type { TenantUser } from "../tenant/schema.js";
import { callerApp, jsonObject, noContent, requireDirectoryRole, requireUser, userTarget } from "./common.js";

/**
 * `/users/{id}/authentication/…`: every v1.0 method collection (list, get, type-specific DELETE),
 * phone and email POST/PATCH, Temporary Access Pass POST, and the beta signInPreferences.
 * Semantics that bite responders live here: the password method cannot be deleted, the default
 * phone method cannot be deleted, one TAP per user with its code shown only once.
 */

const TYPE_OF_COLLECTION = new Map<string, AuthenticationMethodODataType>(
  Object.entries(METHOD_COLLECTIONS).map(([type, collection]) => [
    collection,
    type as AuthenticationMethodODataType,
  ]),
);

const PHONE_IDS: Record<PhoneMethod["phoneType"], string> = {
  mobile: FIXED_METHOD_IDS.mobile,
  alternateMobile: FIXED_METHOD_IDS.alternateMobile,
  office: FIXED_METHOD_IDS.office,
};

/** The wire shape of a stored method: a TAP never shows its code again and reports live usability. */
export function methodObject(method: AuthenticationMethod, now = Date.now()): Record<string, unknown> {
  if (method["@odata.type"] === "#microsoft.graph.temporaryAccessPassAuthenticationMethod") {
    return { ...method, temporaryAccessPass: null, ...tapUsability(method, now) };
  }
  if (method["@odata.type"] === "#microsoft.graph.passwordAuthenticationMethod") {
    return { ...method, password: null };
  }
  if (method["@odata.type"] === "#microsoft.graph.softwareOathAuthenticationMethod") {
    return { ...method, secretKey: null };
  }
  return { ...method };
}

function tapUsability(
  method: TemporaryAccessPassMethod,
  now: number,
): Pick<TemporaryAccessPassMethod, "isUsable" | "methodUsabilityReason"> {
  const start = Date.parse(method.startDateTime ?? method.createdDateTime ?? "") || now;
  const end = start + (method.lifetimeInMinutes ?? 60) * 60_000;
  if (now < start) return { isUsable: false, methodUsabilityReason: "NotYetValid" };
  if (now > end) return { isUsable: false, methodUsabilityReason: "Expired" };
  return { isUsable: true, methodUsabilityReason: "EnabledByPolicy" };
}

function methodSpec(contextPath: string): ListSpec<MethodRecord> {
  return {
    entityName: "AuthenticationMethod",
    contextPath,
    defaultTop: 1000,
    maxTop: 1000,
    project: (r) => methodObject(r.method),
  };
}

function context(user: TenantUser, collection: string): string {
  return `users('${user.id}')/authentication/${collection}`;
}

function recordsOf(
  ctx: RouteContext,
  user: TenantUser,
  type?: AuthenticationMethodODataType,
): MethodRecord[] {
  const all = ctx.state.methodsOf(user.id);
  return type ? all.filter((r) => r.method["@odata.type"] === type) : all;
}

function findRecord(
  ctx: RouteContext,
  user: TenantUser,
  type: AuthenticationMethodODataType | undefined,
): MethodRecord {
  const id = ctx.params.methodId ?? "";
  const record = recordsOf(ctx, user, type).find((r) => r.method.id.toLowerCase() === id.toLowerCase());
  if (!record)
    throw new GraphHttpError(
      404,
      "itemNotFound",
      `The requested authentication method '${id}' was not found.`,
    );
  return record;
}

/** App-only method writes on administrators need a privileged directory role on the app (when enabled). */
function checkAdminTarget(ctx: RouteContext, user: TenantUser): void {
  if (ctx.state.behaviour.adminTargetsNeedPrivilegedRole && ctx.state.isAdmin(user.id)) {
    requireDirectoryRole(ctx, ROLES_FOR_ADMIN_TARGETS);
  }
}

function auditAdmin(ctx: RouteContext, user: TenantUser, activity: string, reason: string): void {
  ctx.state.audit({
    activity,
    category: "UserManagement",
    service: "Authentication Methods",
    operationType: activity.includes("deleted") ? "Delete" : activity.includes("updated") ? "Update" : "Add",
    initiatedBy: { app: callerApp(ctx) },
    targets: [userTarget(user)],
    resultReason: reason,
  });
}

function deleteMethod(type: AuthenticationMethodODataType) {
  return (ctx: RouteContext) => {
    const user = requireUser(ctx);
    const behaviour = ctx.state.behaviour;
    if (type === "#microsoft.graph.passwordAuthenticationMethod") {
      const { status, code, message } = behaviour.passwordMethodDeletion;
      throw new GraphHttpError(status, code, message);
    }
    const record = findRecord(ctx, user, type);
    checkAdminTarget(ctx, user);
    if (type === "#microsoft.graph.phoneAuthenticationMethod") {
      const phone = record.method as PhoneMethod;
      if (record.isDefault) {
        const { status, code, message } = behaviour.defaultPhoneDeletion;
        throw new GraphHttpError(status, code, message);
      }
      const hasAlternate = recordsOf(ctx, user, type).some(
        (r) => (r.method as PhoneMethod).phoneType === "alternateMobile",
      );
      if (phone.phoneType === "mobile" && hasAlternate) {
        throw badRequest(
          "The mobile phone method cannot be deleted while an alternate mobile phone method exists. Update the mobile number or delete the alternate first.",
          "badRequest",
        );
      }
    }
    const list = ctx.state.methodsOf(user.id);
    list.splice(list.indexOf(record), 1);
    auditAdmin(
      ctx,
      user,
      "Admin deleted security info",
      `Admin deleted ${METHOD_REASON_NAME[type]} method for user`,
    );
    return noContent;
  };
}

const PHONE_NUMBER = /^\+\d{1,3} ?\d{4,14}( ?x\d{1,6})?$/;

function createPhone(ctx: RouteContext) {
  const user = requireUser(ctx);
  const body = jsonObject(ctx);
  const phoneType = body.phoneType as PhoneMethod["phoneType"];
  if (!(phoneType in PHONE_IDS))
    throw badRequest(`Invalid phoneType '${String(body.phoneType)}'.`, "badRequest");
  if (typeof body.phoneNumber !== "string" || !PHONE_NUMBER.test(body.phoneNumber)) {
    throw badRequest(
      `Invalid phone number '${String(body.phoneNumber)}'. Use the format +{country code} {number}.`,
      "badRequest",
    );
  }
  checkAdminTarget(ctx, user);
  const phones = recordsOf(ctx, user, "#microsoft.graph.phoneAuthenticationMethod");
  if (phones.some((r) => (r.method as PhoneMethod).phoneType === phoneType)) {
    throw new GraphHttpError(
      409,
      "conflict",
      `A phone method of type '${phoneType}' already exists for this user.`,
    );
  }
  if (
    phoneType === "alternateMobile" &&
    !phones.some((r) => (r.method as PhoneMethod).phoneType === "mobile")
  ) {
    throw badRequest("An alternate mobile phone cannot be added before a mobile phone.", "badRequest");
  }
  const method: PhoneMethod = {
    "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
    id: PHONE_IDS[phoneType],
    phoneNumber: body.phoneNumber,
    phoneType,
    smsSignInState: "notAllowedByPolicy",
  };
  ctx.state.methodsOf(user.id).push({ method, isDefault: false });
  auditAdmin(ctx, user, "Admin registered security info", "Admin registered phone method for user");
  return {
    status: 201,
    body: { "@odata.context": contextUrl(ctx, `${context(user, "phoneMethods")}/$entity`), ...method },
  };
}

function updatePhone(ctx: RouteContext) {
  const user = requireUser(ctx);
  const record = findRecord(ctx, user, "#microsoft.graph.phoneAuthenticationMethod");
  const body = jsonObject(ctx);
  if (typeof body.phoneNumber !== "string" || !PHONE_NUMBER.test(body.phoneNumber)) {
    throw badRequest(`Invalid phone number '${String(body.phoneNumber)}'.`, "badRequest");
  }
  checkAdminTarget(ctx, user);
  (record.method as PhoneMethod).phoneNumber = body.phoneNumber;
  auditAdmin(ctx, user, "Admin updated security info", "Admin changed phone method for user");
  return noContent;
}

function createEmail(ctx: RouteContext) {
  const user = requireUser(ctx);
  const body = jsonObject(ctx);
  if (typeof body.emailAddress !== "string" || !/^[^@\s]+@[^@\s]+$/.test(body.emailAddress)) {
    throw badRequest(`Invalid email address '${String(body.emailAddress)}'.`, "badRequest");
  }
  checkAdminTarget(ctx, user);
  if (recordsOf(ctx, user, "#microsoft.graph.emailAuthenticationMethod").length > 0) {
    throw new GraphHttpError(409, "conflict", "An email method already exists for this user.");
  }
  const method: AuthenticationMethod = {
    "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
    id: FIXED_METHOD_IDS.email,
    emailAddress: body.emailAddress,
  };
  ctx.state.methodsOf(user.id).push({ method, isDefault: false });
  auditAdmin(ctx, user, "Admin registered security info", "Admin registered email method for user");
  return {
    status: 201,
    body: { "@odata.context": contextUrl(ctx, `${context(user, "emailMethods")}/$entity`), ...method },
  };
}

interface TapPolicy {
  state: string;
  defaultLifetimeInMinutes: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  defaultLength: number;
  isUsableOnce: boolean;
}

/** The TAP method configuration, with the portal defaults for anything the tenant leaves out. */
function tapPolicy(ctx: RouteContext): TapPolicy {
  const config = ctx.state.authenticationMethodsPolicy.authenticationMethodConfigurations?.find(
    (c) => c.id.toLowerCase() === "temporaryaccesspass",
  );
  const num = (key: string, fallback: number): number =>
    typeof config?.[key] === "number" ? (config[key] as number) : fallback;
  return {
    state: config?.state ?? "disabled",
    defaultLifetimeInMinutes: num("defaultLifetimeInMinutes", 60),
    minimumLifetimeInMinutes: num("minimumLifetimeInMinutes", 60),
    maximumLifetimeInMinutes: num("maximumLifetimeInMinutes", 480),
    defaultLength: num("defaultLength", 8),
    isUsableOnce: config?.isUsableOnce === true,
  };
}

const TAP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789+!@#$%&*";

function tapCode(length: number): string {
  let code = "";
  for (let i = 0; i < length; i++) code += TAP_ALPHABET[randomInt(TAP_ALPHABET.length)];
  return code;
}

function createTap(ctx: RouteContext) {
  const user = requireUser(ctx);
  const body = (ctx.req.body ?? {}) as Record<string, unknown>;
  const policy = tapPolicy(ctx);
  if (policy.state !== "enabled") {
    throw badRequest(
      "Temporary Access Pass is not enabled by the authentication methods policy.",
      "badRequest",
    );
  }
  const lifetime =
    body.lifetimeInMinutes === undefined ? policy.defaultLifetimeInMinutes : body.lifetimeInMinutes;
  if (
    typeof lifetime !== "number" ||
    !Number.isInteger(lifetime) ||
    lifetime < policy.minimumLifetimeInMinutes ||
    lifetime > policy.maximumLifetimeInMinutes
  ) {
    throw badRequest(
      `lifetimeInMinutes must be between ${policy.minimumLifetimeInMinutes} and ${policy.maximumLifetimeInMinutes} as set by the Temporary Access Pass policy.`,
      "badRequest",
    );
  }
  const isUsableOnce = body.isUsableOnce === undefined ? policy.isUsableOnce : body.isUsableOnce;
  if (typeof isUsableOnce !== "boolean") throw badRequest("isUsableOnce must be a boolean.", "badRequest");
  if (policy.isUsableOnce && !isUsableOnce) {
    throw badRequest(
      "The Temporary Access Pass policy only allows one-time passes (isUsableOnce must be true).",
      "badRequest",
    );
  }
  let startDateTime: string | undefined;
  if (body.startDateTime !== undefined) {
    if (typeof body.startDateTime !== "string" || Number.isNaN(Date.parse(body.startDateTime))) {
      throw badRequest("startDateTime must be an ISO 8601 date and time.", "badRequest");
    }
    startDateTime = new Date(body.startDateTime).toISOString();
  }
  checkAdminTarget(ctx, user);
  const list = ctx.state.methodsOf(user.id);
  // One TAP per user: a new one replaces the old one.
  const existing = list.findIndex(
    (r) => r.method["@odata.type"] === "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
  );
  if (existing >= 0) list.splice(existing, 1);
  const now = new Date();
  const stored: TemporaryAccessPassMethod = {
    "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
    id: randomUUID(),
    temporaryAccessPass: null,
    createdDateTime: now.toISOString(),
    startDateTime: startDateTime ?? now.toISOString(),
    lifetimeInMinutes: lifetime,
    isUsableOnce,
  };
  list.push({ method: stored, isDefault: false });
  auditAdmin(
    ctx,
    user,
    "Admin registered security info",
    "Admin registered temporary access pass method for user",
  );
  const code = tapCode(policy.defaultLength);
  ctx.state.rememberTapCode(stored.id, code);
  const shown = { ...methodObject(stored, now.getTime()), temporaryAccessPass: code };
  return {
    status: 201,
    body: {
      "@odata.context": contextUrl(ctx, `${context(user, "temporaryAccessPassMethods")}/$entity`),
      ...shown,
    },
  };
}

// ── beta signInPreferences (the default method; v1.0 has no equivalent) ──────────────────────────

const PREFERENCE_OF_TYPE: Partial<Record<AuthenticationMethodODataType, string>> = {
  "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod": "push",
  "#microsoft.graph.softwareOathAuthenticationMethod": "oath",
};

function preferenceOf(record: MethodRecord | undefined): string {
  if (!record) return "none";
  if (record.method["@odata.type"] === "#microsoft.graph.phoneAuthenticationMethod") {
    const phone = record.method as PhoneMethod;
    return phone.phoneType === "mobile"
      ? "sms"
      : phone.phoneType === "alternateMobile"
        ? "voiceAlternateMobile"
        : "voiceOffice";
  }
  return PREFERENCE_OF_TYPE[record.method["@odata.type"]] ?? "none";
}

function getSignInPreferences(ctx: RouteContext) {
  const user = requireUser(ctx);
  const preferred = recordsOf(ctx, user).find((r) => r.isDefault);
  return {
    status: 200,
    body: {
      "@odata.context": contextUrl(ctx, `${context(user, "signInPreferences")}/$entity`),
      isSystemPreferredAuthenticationMethodEnabled: true,
      userPreferredMethodForSecondaryAuthentication: preferenceOf(preferred),
    },
  };
}

function patchSignInPreferences(ctx: RouteContext) {
  const user = requireUser(ctx);
  const body = jsonObject(ctx);
  const wanted = body.userPreferredMethodForSecondaryAuthentication;
  if (wanted !== undefined) {
    const records = recordsOf(ctx, user);
    const target = records.find(
      (r) => preferenceOf(r) === wanted || (wanted === "voiceMobile" && preferenceOf(r) === "sms"),
    );
    if (!target) throw badRequest(`The user has no registered method for '${String(wanted)}'.`, "badRequest");
    checkAdminTarget(ctx, user);
    for (const r of records) r.isDefault = r === target;
    ctx.state.audit({
      activity: "PATCH UserAuthMethod.PatchSignInPreferencesAsync",
      category: "UserManagement",
      service: "Authentication Methods",
      operationType: "Update",
      initiatedBy: { app: callerApp(ctx) },
      targets: [userTarget(user)],
    });
  }
  return noContent;
}

// ── Route table ──────────────────────────────────────────────────────────────────────────────────

function collectionRoutes(collection: string, type: AuthenticationMethodODataType): RouteSpec[] {
  const base = `/users/{userId}/authentication/${collection}`;
  const responseType = type.replace("#microsoft.graph.", "");
  return [
    {
      method: "GET",
      pattern: base,
      throttle: "methods",
      alsoBeta: true,
      responseType,
      collection: true,
      handler: (ctx) => {
        const user = requireUser(ctx);
        return listResponse(ctx, recordsOf(ctx, user, type), methodSpec(context(user, collection)));
      },
    },
    {
      method: "GET",
      pattern: `${base}/{methodId}`,
      throttle: "methods",
      alsoBeta: true,
      responseType,
      handler: (ctx) => {
        const user = requireUser(ctx);
        return itemResponse(ctx, findRecord(ctx, user, type), methodSpec(context(user, collection)));
      },
    },
    {
      method: "DELETE",
      pattern: `${base}/{methodId}`,
      throttle: "methods",
      alsoBeta: true,
      handler: deleteMethod(type),
    },
  ];
}

export const methodRoutes: RouteSpec[] = [
  {
    method: "GET",
    pattern: "/users/{userId}/authentication/methods",
    throttle: "methods",
    alsoBeta: true,
    responseType: "authenticationMethod",
    collection: true,
    handler: (ctx) => {
      const user = requireUser(ctx);
      return listResponse(ctx, recordsOf(ctx, user), methodSpec(context(user, "methods")));
    },
  },
  {
    method: "GET",
    pattern: "/users/{userId}/authentication/methods/{methodId}",
    throttle: "methods",
    alsoBeta: true,
    responseType: "authenticationMethod",
    handler: (ctx) => {
      const user = requireUser(ctx);
      const record = findRecord(ctx, user, undefined);
      return itemResponse(ctx, record, methodSpec(context(user, "methods")));
    },
  },
  ...[...TYPE_OF_COLLECTION.entries()].flatMap(([collection, type]) => collectionRoutes(collection, type)),
  {
    method: "POST",
    pattern: "/users/{userId}/authentication/phoneMethods",
    throttle: "methods",
    alsoBeta: true,
    handler: createPhone,
  },
  {
    method: "PATCH",
    pattern: "/users/{userId}/authentication/phoneMethods/{methodId}",
    throttle: "methods",
    alsoBeta: true,
    handler: updatePhone,
  },
  {
    method: "POST",
    pattern: "/users/{userId}/authentication/emailMethods",
    throttle: "methods",
    alsoBeta: true,
    handler: createEmail,
  },
  {
    method: "POST",
    pattern: "/users/{userId}/authentication/temporaryAccessPassMethods",
    throttle: "methods",
    alsoBeta: true,
    handler: createTap,
  },
  {
    method: "GET",
    pattern: "/users/{userId}/authentication/signInPreferences",
    throttle: "methods",
    betaOnly: true,
    handler: getSignInPreferences,
  },
  {
    method: "PATCH",
    pattern: "/users/{userId}/authentication/signInPreferences",
    throttle: "methods",
    betaOnly: true,
    handler: patchSignInPreferences,
  },
];
