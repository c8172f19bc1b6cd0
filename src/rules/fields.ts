import type { DirectoryAudit, SignIn } from "../graph/types.js";
import type { AuditField, SignInField } from "./model.js";

/**
 * Where each logical field lives: in a Graph record (for evaluation), as a column of the
 * normalized KQL views defined below, and as Sigma field names (Log Analytics column names, as the
 * newer SigmaHQ azure rules use; a field with several names matches if any does).
 */
interface FieldDef<R> {
  graph: (record: R) => string | undefined;
  kql: string;
  sigma: readonly string[];
}

function targetOf(audit: DirectoryAudit) {
  return audit.targetResources?.[0];
}

/** Audit details as one text: target resources (with modified properties) and additional details. */
export function auditDetailsText(audit: DirectoryAudit): string {
  return `${JSON.stringify(audit.targetResources ?? [])} ${JSON.stringify(audit.additionalDetails ?? [])}`;
}

export const AUDIT_FIELDS: Readonly<Record<AuditField, FieldDef<DirectoryAudit>>> = {
  activity: { graph: (a) => a.activityDisplayName, kql: "OperationName", sigma: ["OperationName"] },
  service: {
    graph: (a) => a.loggedByService ?? undefined,
    kql: "LoggedByService",
    sigma: ["LoggedByService"],
  },
  category: { graph: (a) => a.category, kql: "Category", sigma: ["Category"] },
  reason: {
    graph: (a) => a.resultReason ?? undefined,
    kql: "Reason",
    sigma: ["ResultReason", "ResultDescription"],
  },
  initiatorUpn: {
    graph: (a) => a.initiatedBy?.user?.userPrincipalName ?? undefined,
    kql: "InitiatorUpn",
    sigma: ["InitiatedBy.user.userPrincipalName"],
  },
  initiatorId: {
    graph: (a) => a.initiatedBy?.user?.id ?? undefined,
    kql: "InitiatorId",
    sigma: ["InitiatedBy.user.id"],
  },
  initiatorIp: {
    graph: (a) => a.initiatedBy?.user?.ipAddress ?? undefined,
    kql: "InitiatorIp",
    sigma: ["InitiatedBy.user.ipAddress"],
  },
  initiatorApp: {
    graph: (a) => a.initiatedBy?.app?.displayName ?? undefined,
    kql: "InitiatorApp",
    sigma: ["InitiatedBy.app.displayName"],
  },
  initiatorAppId: {
    graph: (a) => a.initiatedBy?.app?.appId ?? undefined,
    kql: "InitiatorAppId",
    sigma: ["InitiatedBy.app.appId"],
  },
  targetId: { graph: (a) => targetOf(a)?.id ?? undefined, kql: "TargetId", sigma: ["TargetResources.id"] },
  targetType: {
    graph: (a) => targetOf(a)?.type ?? undefined,
    kql: "TargetType",
    sigma: ["TargetResources.type"],
  },
  targetUpn: {
    graph: (a) => targetOf(a)?.userPrincipalName ?? undefined,
    kql: "TargetUpn",
    sigma: ["TargetResources.userPrincipalName"],
  },
  targetName: {
    graph: (a) => targetOf(a)?.displayName ?? undefined,
    kql: "TargetName",
    sigma: ["TargetResources.displayName"],
  },
  details: { graph: auditDetailsText, kql: "Details", sigma: ["TargetResources", "AdditionalDetails"] },
};

/**
 * What the sign-in says about its MFA steps: the status details and failure reason and each
 * authentication step's result ("MFA denied; user declined the authentication", ...).
 */
export function statusText(signIn: SignIn): string {
  return [
    signIn.status?.additionalDetails,
    signIn.status?.failureReason,
    ...(signIn.authenticationDetails ?? []).map((step) => step.authenticationStepResultDetail),
  ]
    .filter((text) => text)
    .join(" ");
}

export const SIGNIN_FIELDS: Readonly<Record<SignInField, FieldDef<SignIn>>> = {
  resultType: { graph: (s) => String(s.status?.errorCode ?? 0), kql: "ResultType", sigma: ["ResultType"] },
  statusDetail: {
    graph: statusText,
    kql: "StatusDetail",
    sigma: ["Status.additionalDetails", "ResultDescription", "AuthenticationDetails"],
  },
  resource: {
    graph: (s) => s.resourceDisplayName ?? undefined,
    kql: "Resource",
    sigma: ["ResourceDisplayName"],
  },
  appId: { graph: (s) => s.appId ?? undefined, kql: "AppId", sigma: ["AppId"] },
  caStatus: {
    graph: (s) => s.conditionalAccessStatus ?? undefined,
    kql: "CaStatus",
    sigma: ["ConditionalAccessStatus"],
  },
  authRequirement: {
    graph: (s) => s.authenticationRequirement ?? undefined,
    kql: "AuthRequirement",
    sigma: ["AuthenticationRequirement"],
  },
  protocol: {
    graph: (s) => s.authenticationProtocol ?? undefined,
    kql: "Protocol",
    sigma: ["AuthenticationProtocol"],
  },
  ip: { graph: (s) => s.ipAddress ?? undefined, kql: "IPAddress", sigma: ["IPAddress"] },
  upn: { graph: (s) => s.userPrincipalName ?? undefined, kql: "Upn", sigma: ["UserPrincipalName"] },
  risk: { graph: (s) => s.riskLevelDuringSignIn ?? undefined, kql: "Risk", sigma: ["RiskLevelDuringSignIn"] },
  deviceName: {
    graph: (s) => s.deviceDetail?.displayName ?? undefined,
    kql: "DeviceName",
    sigma: ["DeviceDetail.displayName"],
  },
  deviceId: {
    graph: (s) => s.deviceDetail?.deviceId ?? undefined,
    kql: "DeviceId",
    sigma: ["DeviceDetail.deviceId"],
  },
};

/**
 * The subject of an audit: the target user when the target is a user (methods registered for
 * them), otherwise the initiating user (the user who registered a device).
 */
export function auditSubject(audit: DirectoryAudit): { id?: string; upn?: string } {
  const target = targetOf(audit);
  if (target?.type?.toLowerCase() === "user") {
    return { id: target.id ?? undefined, upn: target.userPrincipalName?.toLowerCase() ?? undefined };
  }
  const user = audit.initiatedBy?.user;
  return { id: user?.id ?? undefined, upn: user?.userPrincipalName?.toLowerCase() ?? undefined };
}

/** KQL view over AuditLogs exposing the logical audit fields (and SubjectId/SubjectUpn, as above). */
export const KQL_AUDITS_VIEW = `let Audits = AuditLogs
    | extend Reason = coalesce(ResultReason, ResultDescription),
        InitiatorUpn = tostring(InitiatedBy.user.userPrincipalName),
        InitiatorId = tostring(InitiatedBy.user.id),
        InitiatorIp = tostring(InitiatedBy.user.ipAddress),
        InitiatorApp = tostring(InitiatedBy.app.displayName),
        InitiatorAppId = tostring(InitiatedBy.app.appId),
        TargetType = tostring(TargetResources[0].type),
        TargetId = tostring(TargetResources[0].id),
        TargetUpn = tostring(TargetResources[0].userPrincipalName),
        TargetName = tostring(TargetResources[0].displayName),
        Details = strcat(tostring(TargetResources), " ", tostring(AdditionalDetails))
    | extend SubjectUpn = tolower(iff(TargetType =~ "User", TargetUpn, InitiatorUpn)),
        SubjectId = iff(TargetType =~ "User", TargetId, InitiatorId);`;

const SIGNIN_COLUMNS = (parse: (column: string) => string) =>
  `TimeGenerated, Id, UserId, Upn = tolower(UserPrincipalName), IPAddress, ResultType,
        StatusDetail = strcat(tostring(${parse("Status")}.additionalDetails), " ", ResultDescription, " ", AuthenticationDetails),
        Resource = ResourceDisplayName, AppId, CaStatus = ConditionalAccessStatus,
        AuthRequirement = AuthenticationRequirement, Protocol = AuthenticationProtocol,
        Risk = RiskLevelDuringSignIn,
        DeviceName = tostring(${parse("DeviceDetail")}.displayName),
        DeviceId = tostring(${parse("DeviceDetail")}.deviceId)`;

/**
 * KQL view over interactive and non-interactive sign-ins with the logical sign-in fields. The
 * non-interactive table stores Status/DeviceDetail as JSON strings, hence parse_json there only.
 */
export const KQL_SIGNINS_VIEW = `let SignIns = union
    (SigninLogs | project ${SIGNIN_COLUMNS((c) => c)}),
    (AADNonInteractiveUserSignInLogs | project ${SIGNIN_COLUMNS((c) => `parse_json(${c})`)});`;
