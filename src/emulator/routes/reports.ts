import type { PhoneMethod, UserRegistrationDetails } from "../../graph/types.js";
import { GraphHttpError } from "../http/errors.js";
import type { RouteSpec } from "../http/router.js";
import type { RouteContext } from "../http/types.js";
import { itemResponse, type ListSpec, listResponse } from "../odata/query.js";
import type { MethodRecord } from "../state/state.js";
import type { TenantUser } from "../tenant/schema.js";

/** `/reports/authenticationMethods/userRegistrationDetails`, computed live from the users' methods. */

const REGISTERED_NAME: Record<string, string> = {
  "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod": "microsoftAuthenticatorPush",
  "#microsoft.graph.softwareOathAuthenticationMethod": "softwareOneTimePasscode",
  "#microsoft.graph.fido2AuthenticationMethod": "passKeyDeviceBound",
  "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod": "windowsHelloForBusiness",
  "#microsoft.graph.platformCredentialAuthenticationMethod": "macOsSecureEnclaveKey",
  "#microsoft.graph.emailAuthenticationMethod": "email",
  "#microsoft.graph.temporaryAccessPassAuthenticationMethod": "temporaryAccessPass",
  "#microsoft.graph.externalAuthenticationMethod": "externalAuthMethod",
};

const PHONE_NAME: Record<PhoneMethod["phoneType"], string> = {
  mobile: "mobilePhone",
  alternateMobile: "alternateMobilePhone",
  office: "officePhone",
};

const MFA_TYPES = new Set([
  "#microsoft.graph.phoneAuthenticationMethod",
  "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
  "#microsoft.graph.softwareOathAuthenticationMethod",
  "#microsoft.graph.fido2AuthenticationMethod",
  "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
  "#microsoft.graph.platformCredentialAuthenticationMethod",
  "#microsoft.graph.externalAuthenticationMethod",
]);

const PASSWORDLESS_TYPES = new Set([
  "#microsoft.graph.fido2AuthenticationMethod",
  "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
  "#microsoft.graph.platformCredentialAuthenticationMethod",
]);

function registeredName(record: MethodRecord): string | undefined {
  const method = record.method;
  if (method["@odata.type"] === "#microsoft.graph.phoneAuthenticationMethod")
    return PHONE_NAME[(method as PhoneMethod).phoneType];
  return REGISTERED_NAME[method["@odata.type"]];
}

function defaultPreference(record: MethodRecord | undefined): string {
  if (!record) return "none";
  const method = record.method;
  if (method["@odata.type"] === "#microsoft.graph.phoneAuthenticationMethod") {
    const phone = method as PhoneMethod;
    return phone.phoneType === "mobile"
      ? "sms"
      : phone.phoneType === "alternateMobile"
        ? "voiceAlternateMobile"
        : "voiceOffice";
  }
  if (method["@odata.type"] === "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod") return "push";
  if (method["@odata.type"] === "#microsoft.graph.softwareOathAuthenticationMethod") return "oath";
  return "none";
}

export function registrationDetails(ctx: RouteContext, user: TenantUser): UserRegistrationDetails {
  const records = ctx.state.methodsOf(user.id);
  const types = new Set(records.map((r) => r.method["@odata.type"]));
  const mfa = [...types].some((t) => MFA_TYPES.has(t));
  const sspr = [...types].some(
    (t) =>
      t === "#microsoft.graph.phoneAuthenticationMethod" ||
      t === "#microsoft.graph.emailAuthenticationMethod" ||
      t === "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
  );
  const created = records
    .map((r) => r.method.createdDateTime)
    .filter((d): d is string => typeof d === "string")
    .sort();
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    userDisplayName: user.displayName ?? null,
    userType: user.userType === "Guest" ? "guest" : "member",
    isAdmin: ctx.state.isAdmin(user.id),
    isMfaCapable: mfa && user.accountEnabled !== false,
    isMfaRegistered: mfa,
    isPasswordlessCapable: [...types].some((t) => PASSWORDLESS_TYPES.has(t)),
    isSsprCapable: sspr && user.accountEnabled !== false,
    isSsprEnabled: ctx.state.authorizationPolicy.allowedToUseSSPR !== false,
    isSsprRegistered: sspr,
    isSystemPreferredAuthenticationMethodEnabled: true,
    lastUpdatedDateTime: created.at(-1) ?? user.createdDateTime ?? ctx.state.tenant.createdDateTime,
    methodsRegistered: records.map(registeredName).filter((n): n is string => n !== undefined),
    systemPreferredAuthenticationMethods: [],
    userPreferredMethodForSecondaryAuthentication: defaultPreference(records.find((r) => r.isDefault)),
  };
}

const registrationSpec: ListSpec<UserRegistrationDetails> = {
  entityName: "UserRegistrationDetails",
  contextPath: "reports/authenticationMethods/userRegistrationDetails",
  defaultTop: 1000,
  maxTop: 1000,
  filter: {
    id: ["eq"],
    userPrincipalName: ["eq", "startswith"],
    userDisplayName: ["eq", "startswith"],
    userType: ["eq"],
    isAdmin: ["eq"],
    isMfaCapable: ["eq"],
    isMfaRegistered: ["eq"],
    isPasswordlessCapable: ["eq"],
    isSsprCapable: ["eq"],
    isSsprEnabled: ["eq"],
    isSsprRegistered: ["eq"],
    isSystemPreferredAuthenticationMethodEnabled: ["eq"],
    "methodsRegistered/any": ["eq"],
    "systemPreferredAuthenticationMethods/any": ["eq"],
    userPreferredMethodForSecondaryAuthentication: ["eq"],
  },
  orderBy: ["userPrincipalName", "userDisplayName"],
};

export const reportRoutes: RouteSpec[] = [
  {
    method: "GET",
    pattern: "/reports/authenticationMethods/userRegistrationDetails",
    throttle: "reports",
    alsoBeta: true,
    responseType: "userRegistrationDetails",
    collection: true,
    handler: (ctx) =>
      listResponse(
        ctx,
        [...ctx.state.users.values()].map((u) => registrationDetails(ctx, u)),
        registrationSpec,
      ),
  },
  {
    method: "GET",
    pattern: "/reports/authenticationMethods/userRegistrationDetails/{userId}",
    throttle: "reports",
    alsoBeta: true,
    responseType: "userRegistrationDetails",
    handler: (ctx) => {
      const user = ctx.state.users.get(ctx.params.userId ?? "");
      if (!user)
        throw new GraphHttpError(404, "ResourceNotFound", `User '${ctx.params.userId}' was not found.`);
      return itemResponse(ctx, registrationDetails(ctx, user), registrationSpec);
    },
  },
];
