import {
  EXTRA_FIELD,
  exportTime,
  isObject,
  type JsonObject,
  type Mapped,
  parseDynamic,
  setDefined,
  toBoolean,
  toNumber,
} from "./mapped.js";

/**
 * Log Analytics / Sentinel rows (`SigninLogs`, `AADNonInteractiveUserSignInLogs`, the service
 * principal / managed identity sign-in tables, `AuditLogs`), from JSON or CSV exports, mapped to
 * Graph's signIn / directoryAudit shape. Columns with no Graph counterpart are kept, under their
 * own names, in `@mfaEvict.source`.
 */

const SIGNIN_TABLES: Readonly<Record<string, string>> = {
  signinlogs: "interactiveUser",
  aadnoninteractiveusersigninlogs: "nonInteractiveUser",
  aadserviceprincipalsigninlogs: "servicePrincipal",
  aadmanagedidentitysigninlogs: "managedIdentity",
};
const SIGNIN_CATEGORIES: Readonly<Record<string, string>> = {
  signinlogs: "interactiveUser",
  noninteractiveusersigninlogs: "nonInteractiveUser",
  serviceprincipalsigninlogs: "servicePrincipal",
  managedidentitysigninlogs: "managedIdentity",
};

/** Column → Graph signIn property, for columns whose Graph name is not just the camelCase. */
const SIGNIN_RENAMES: Readonly<Record<string, string>> = {
  Id: "id",
  IPAddress: "ipAddress",
  LocationDetails: "location",
  ConditionalAccessPolicies: "appliedConditionalAccessPolicies",
  RiskEventTypes_V2: "riskEventTypes_v2",
  ResourceIdentity: "resourceId",
  AppResourceProvider: "appResourceProvider",
};
/** Graph signIn properties (v1.0 and beta) that Log Analytics carries under the PascalCase name. */
const SIGNIN_FIELDS = new Set([
  "alternateSignInName",
  "appDisplayName",
  "appId",
  "authenticationContextClassReferences",
  "authenticationDetails",
  "authenticationMethodsUsed",
  "authenticationProcessingDetails",
  "authenticationProtocol",
  "authenticationRequirement",
  "authenticationRequirementPolicies",
  "autonomousSystemNumber",
  "clientAppUsed",
  "clientCredentialType",
  "conditionalAccessStatus",
  "correlationId",
  "createdDateTime",
  "crossTenantAccessType",
  "deviceDetail",
  "flaggedForReview",
  "homeTenantId",
  "incomingTokenType",
  "ipAddressFromResourceProvider",
  "isInteractive",
  "isRisky",
  "mfaDetail",
  "networkLocationDetails",
  "originalRequestId",
  "originalTransferMethod",
  "processingTimeInMilliseconds",
  "resourceDisplayName",
  "resourceTenantId",
  "riskDetail",
  "riskEventTypes",
  "riskLevelAggregated",
  "riskLevelDuringSignIn",
  "riskState",
  "servicePrincipalId",
  "servicePrincipalName",
  "sessionId",
  "sessionLifetimePolicies",
  "signInIdentifier",
  "signInIdentifierType",
  "status",
  "tokenIssuerName",
  "tokenIssuerType",
  "uniqueTokenIdentifier",
  "userAgent",
  "userDisplayName",
  "userId",
  "userPrincipalName",
  "userType",
]);

const AUDIT_RENAMES: Readonly<Record<string, string>> = {
  Id: "id",
  AADOperationType: "operationType",
};
const AUDIT_FIELDS = new Set([
  "activityDateTime",
  "activityDisplayName",
  "additionalDetails",
  "category",
  "correlationId",
  "initiatedBy",
  "loggedByService",
  "result",
  "resultReason",
  "targetResources",
  "userAgent",
]);

const BOOLEAN_FIELDS = new Set(["isInteractive", "isRisky", "flaggedForReview"]);
const NUMBER_FIELDS = new Set(["autonomousSystemNumber", "processingTimeInMilliseconds"]);

/** True when the row looks like a Log Analytics export row (PascalCase table columns). */
export function isLogAnalyticsRow(row: JsonObject): boolean {
  return (
    typeof row.Type === "string" ||
    "TimeGenerated" in row ||
    ("OperationName" in row && "ResultType" in row) ||
    ("ActivityDisplayName" in row && "Category" in row) ||
    ("UserPrincipalName" in row && "ResultType" in row)
  );
}

export function mapLogAnalyticsRow(row: JsonObject): Mapped {
  const table = typeof row.Type === "string" ? row.Type.toLowerCase() : "";
  const category = typeof row.Category === "string" ? row.Category.toLowerCase() : "";
  const signInType =
    SIGNIN_TABLES[table] ??
    (table === "" ? SIGNIN_CATEGORIES[category] : undefined) ??
    inferSignIn(row, table);
  if (signInType) return mapSignIn(row, signInType);
  // Hunting queries overwrite columns (even `Type`), so the shape decides when the table is not known.
  if (table === "auditlogs" || (!KNOWN_OTHER_TABLES.has(table) && looksLikeAudit(row))) return mapAudit(row);
  return {
    skip: `Log Analytics table ${row.Type ? `"${row.Type}"` : "(unknown)"} holds no sign-ins or audits`,
  };
}

/** Log Analytics tables that are neither sign-ins nor audits (a row of these is skipped). */
const KNOWN_OTHER_TABLES = new Set([
  "aadprovisioninglogs",
  "aadriskyusers",
  "aaduserriskevents",
  "microsoftgraphactivitylogs",
  "securityevent",
  "officeactivity",
  "azureactivity",
]);

function looksLikeAudit(row: JsonObject): boolean {
  return "ActivityDisplayName" in row && ("TargetResources" in row || "InitiatedBy" in row);
}

function inferSignIn(row: JsonObject, table: string): string | undefined {
  if (KNOWN_OTHER_TABLES.has(table) || table === "auditlogs") return undefined;
  if ("UserPrincipalName" in row && ("AppId" in row || "AppDisplayName" in row) && "ResultType" in row) {
    return toBoolean(row.IsInteractive) === false ? "nonInteractiveUser" : "interactiveUser";
  }
  return undefined;
}

function mapSignIn(row: JsonObject, eventType: string): Mapped {
  const out: JsonObject = {};
  const extra: JsonObject = {};
  for (const [column, raw] of Object.entries(row)) {
    const name = SIGNIN_RENAMES[column] ?? lowerFirst(column);
    if (SIGNIN_FIELDS.has(name) || column in SIGNIN_RENAMES) {
      setDefined(out, name, convert(name, raw));
    } else if (raw !== undefined && raw !== "") {
      extra[column] = raw;
    }
  }
  const created = exportTime(row.CreatedDateTime) ?? exportTime(row.TimeGenerated);
  if (created) out.createdDateTime = created;
  else delete out.createdDateTime;
  const status = isObject(out.status) ? { ...out.status } : {};
  const errorCode = toNumber(status.errorCode) ?? toNumber(row.ResultType);
  if (errorCode !== undefined) status.errorCode = errorCode;
  if (
    status.failureReason === undefined &&
    typeof row.ResultDescription === "string" &&
    row.ResultDescription !== ""
  ) {
    status.failureReason = row.ResultDescription;
  }
  if (Object.keys(status).length) out.status = status;
  if (out.signInEventTypes === undefined) out.signInEventTypes = [eventType];
  if (out.isInteractive === undefined) out.isInteractive = eventType === "interactiveUser";
  if (Object.keys(extra).length) out[EXTRA_FIELD] = { format: "log-analytics", columns: extra };
  if (typeof out.id !== "string" || out.id === "") return { reject: "sign-in row has no Id column value" };
  return { kind: "signIns", record: out };
}

function mapAudit(row: JsonObject): Mapped {
  const out: JsonObject = {};
  const extra: JsonObject = {};
  for (const [column, raw] of Object.entries(row)) {
    const name = AUDIT_RENAMES[column] ?? lowerFirst(column);
    if (AUDIT_FIELDS.has(name) || column in AUDIT_RENAMES) {
      setDefined(out, name, parseDynamic(raw));
    } else if (raw !== undefined && raw !== "") {
      extra[column] = raw;
    }
  }
  const when = exportTime(row.ActivityDateTime) ?? exportTime(row.TimeGenerated);
  if (when) out.activityDateTime = when;
  else delete out.activityDateTime;
  if (out.activityDisplayName === undefined && typeof row.OperationName === "string") {
    out.activityDisplayName = row.OperationName;
  }
  if (
    out.resultReason === undefined &&
    typeof row.ResultDescription === "string" &&
    row.ResultDescription !== ""
  ) {
    out.resultReason = row.ResultDescription;
  }
  if (Object.keys(extra).length) out[EXTRA_FIELD] = { format: "log-analytics", columns: extra };
  if (typeof out.id !== "string" || out.id === "") return { reject: "audit row has no Id column value" };
  return { kind: "audits", record: out };
}

function convert(name: string, raw: unknown): unknown {
  if (BOOLEAN_FIELDS.has(name)) return toBoolean(raw) ?? (raw === "" ? undefined : raw);
  if (NUMBER_FIELDS.has(name)) return toNumber(raw) ?? (raw === "" ? undefined : raw);
  return parseDynamic(raw);
}

function lowerFirst(column: string): string {
  return column.length === 0 ? column : column[0]!.toLowerCase() + column.slice(1);
}
