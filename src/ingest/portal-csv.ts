import { createHash } from "node:crypto";
import {
  EXTRA_FIELD,
  exportTime,
  type JsonObject,
  type Mapped,
  setDefined,
  toBoolean,
  toNumber,
} from "./mapped.js";

/**
 * The Entra portal's "Download → CSV" of sign-ins and audit logs (header layouts from
 * graph-entra.md §6.7; Microsoft does not document them, so unknown columns are kept as they are in
 * `@mfaEvict.source`). The audit CSV carries no record id: its id is derived from the row's content
 * (`portal-csv:<sha256>`), which keeps re-imports idempotent but cannot match the same audit
 * collected from Graph.
 */

export type PortalLayout = "portal-signins" | "portal-audits";

export function portalLayout(header: readonly string[]): PortalLayout | undefined {
  const has = (name: string) => header.includes(name);
  if (has("Date (UTC)") && has("Request ID")) return "portal-signins";
  if (has("Date (UTC)") && has("Activity") && (has("Category") || has("Service"))) return "portal-audits";
  return undefined;
}

const SIGNIN_COLUMNS: Readonly<Record<string, string>> = {
  "Request ID": "id",
  "User agent": "userAgent",
  "Correlation ID": "correlationId",
  "User ID": "userId",
  User: "userDisplayName",
  Username: "userPrincipalName",
  "User type": "userType",
  "Cross tenant access type": "crossTenantAccessType",
  "Incoming token type": "incomingTokenType",
  "Authentication Protocol": "authenticationProtocol",
  "Unique token identifier": "uniqueTokenIdentifier",
  "Original transfer method": "originalTransferMethod",
  "Client credential type": "clientCredentialType",
  Application: "appDisplayName",
  "Application ID": "appId",
  Resource: "resourceDisplayName",
  "Resource ID": "resourceId",
  "Resource tenant ID": "resourceTenantId",
  "Home tenant ID": "homeTenantId",
  "IP address": "ipAddress",
  "Client app": "clientAppUsed",
  "Authentication requirement": "authenticationRequirement",
  "Sign-in identifier": "signInIdentifier",
  "Session ID": "sessionId",
  "IP address (seen by resource)": "ipAddressFromResourceProvider",
  "Token issuer type": "tokenIssuerType",
  "Token issuer name": "tokenIssuerName",
  "Conditional Access": "conditionalAccessStatus",
};
const HANDLED_SIGNIN = new Set([
  ...Object.keys(SIGNIN_COLUMNS),
  "Date (UTC)",
  "Location",
  "Status",
  "Sign-in error code",
  "Failure reason",
  "Device ID",
  "Browser",
  "Operating System",
  "Compliant",
  "Managed",
  "Join Type",
  "Multifactor authentication auth method",
  "Multifactor authentication auth detail",
  "Flagged for review",
]);

export function mapPortalSignIn(row: Readonly<Record<string, string>>, fileName: string): Mapped {
  const out: JsonObject = {};
  for (const [column, name] of Object.entries(SIGNIN_COLUMNS)) setDefined(out, name, row[column]);
  setDefined(out, "createdDateTime", exportTime(row["Date (UTC)"]));
  const location = splitLocation(row.Location);
  if (location) out.location = location;
  const status: JsonObject = {};
  setDefined(status, "errorCode", toNumber(row["Sign-in error code"]));
  setDefined(status, "failureReason", row["Failure reason"]);
  if (Object.keys(status).length) out.status = status;
  const device: JsonObject = {};
  setDefined(device, "deviceId", row["Device ID"]);
  setDefined(device, "browser", row.Browser);
  setDefined(device, "operatingSystem", row["Operating System"]);
  setDefined(device, "isCompliant", toBoolean(row.Compliant));
  setDefined(device, "isManaged", toBoolean(row.Managed));
  setDefined(device, "trustType", row["Join Type"]);
  if (Object.keys(device).length) out.deviceDetail = device;
  const mfa: JsonObject = {};
  setDefined(mfa, "authMethod", row["Multifactor authentication auth method"]);
  setDefined(mfa, "authDetail", row["Multifactor authentication auth detail"]);
  if (Object.keys(mfa).length) out.mfaDetail = mfa;
  setDefined(out, "flaggedForReview", toBoolean(row["Flagged for review"]));
  // The portal downloads one file per sign-in type; only the file name tells which.
  const eventType = signInTypeFromFileName(fileName);
  if (eventType) {
    out.signInEventTypes = [eventType];
    out.isInteractive = eventType === "interactiveUser";
  }
  const extra = leftovers(row, HANDLED_SIGNIN);
  out[EXTRA_FIELD] = { format: "portal-csv", columns: { Status: row.Status, ...extra } };
  if (typeof out.id !== "string") return { reject: "sign-in row has no Request ID" };
  return { kind: "signIns", record: out };
}

function signInTypeFromFileName(fileName: string): string | undefined {
  const name = fileName.toLowerCase().replace(/[^a-z]/g, "");
  if (name.includes("noninteractive")) return "nonInteractiveUser";
  if (name.includes("serviceprincipal") || name.includes("application")) return "servicePrincipal";
  if (name.includes("managedidentit") || name.includes("msi")) return "managedIdentity";
  if (name.includes("interactive")) return "interactiveUser";
  return undefined;
}

function splitLocation(value: string | undefined): JsonObject | undefined {
  if (!value) return undefined;
  const parts = value.split(",").map((p) => p.trim());
  if (parts.length === 3) return { city: parts[0], state: parts[1], countryOrRegion: parts[2] };
  return { countryOrRegion: parts[parts.length - 1] };
}

export function mapPortalAudit(row: Readonly<Record<string, string>>): Mapped {
  const out: JsonObject = {};
  const handled = new Set([
    "Date (UTC)",
    "CorrelationId",
    "Service",
    "Category",
    "Activity",
    "Result",
    "ResultReason",
  ]);
  setDefined(out, "activityDateTime", exportTime(row["Date (UTC)"]));
  setDefined(out, "correlationId", row.CorrelationId);
  setDefined(out, "loggedByService", row.Service);
  setDefined(out, "category", row.Category);
  setDefined(out, "activityDisplayName", row.Activity);
  setDefined(out, "result", row.Result?.toLowerCase());
  setDefined(out, "resultReason", row.ResultReason);
  setDefined(out, "userAgent", row["User Agent"]);
  handled.add("User Agent");

  const actorType = row.ActorType?.toLowerCase();
  const actor: JsonObject = {};
  if (actorType === "application" || actorType === "serviceprincipal" || row.ActorServicePrincipalId) {
    const app: JsonObject = {};
    setDefined(app, "displayName", row.ActorDisplayName);
    setDefined(app, "servicePrincipalId", row.ActorServicePrincipalId || row.ActorObjectId);
    setDefined(app, "servicePrincipalName", row.ActorServicePrincipalName);
    actor.app = app;
  } else {
    const user: JsonObject = {};
    setDefined(user, "id", row.ActorObjectId);
    setDefined(user, "displayName", row.ActorDisplayName);
    setDefined(user, "userPrincipalName", row.ActorUserPrincipalName);
    setDefined(user, "ipAddress", row.IPAddress);
    actor.user = user;
  }
  out.initiatedBy = actor;
  for (const c of ["ActorType", "ActorDisplayName", "ActorObjectId", "ActorUserPrincipalName", "IPAddress"]) {
    handled.add(c);
  }
  for (const c of ["ActorServicePrincipalId", "ActorServicePrincipalName"]) handled.add(c);

  const targets: JsonObject[] = [];
  for (let t = 1; `Target${t}Type` in row || `Target${t}ObjectId` in row; t++) {
    const p = `Target${t}`;
    const target: JsonObject = {};
    setDefined(target, "type", row[`${p}Type`]);
    setDefined(target, "displayName", row[`${p}DisplayName`]);
    setDefined(target, "id", row[`${p}ObjectId`]);
    setDefined(target, "userPrincipalName", row[`${p}UserPrincipalName`]);
    for (const s of ["Type", "DisplayName", "ObjectId", "UserPrincipalName"]) handled.add(p + s);
    const modified: JsonObject[] = [];
    for (let m = 1; `${p}ModifiedProperty${m}Name` in row; m++) {
      const q = `${p}ModifiedProperty${m}`;
      if (row[`${q}Name`]) {
        modified.push({
          displayName: row[`${q}Name`],
          oldValue: row[`${q}OldValue`],
          newValue: row[`${q}NewValue`],
        });
      }
      for (const s of ["Name", "OldValue", "NewValue"]) handled.add(q + s);
    }
    if (modified.length) target.modifiedProperties = modified;
    if (Object.keys(target).length) targets.push(target);
  }
  out.targetResources = targets;
  const details: JsonObject[] = [];
  for (let d = 1; `AdditionalDetail${d}Key` in row; d++) {
    if (row[`AdditionalDetail${d}Key`]) {
      details.push({ key: row[`AdditionalDetail${d}Key`], value: row[`AdditionalDetail${d}Value`] });
    }
    handled.add(`AdditionalDetail${d}Key`);
    handled.add(`AdditionalDetail${d}Value`);
  }
  out.additionalDetails = details;
  const extra = leftovers(row, handled);
  if (Object.keys(extra).length) out[EXTRA_FIELD] = { format: "portal-csv", columns: extra };
  if (!out.activityDisplayName) return { reject: "audit row has no Activity" };
  out.id = `portal-csv:${createHash("sha256")
    .update(JSON.stringify(Object.entries(row)))
    .digest("hex")}`;
  return { kind: "audits", record: out };
}

function leftovers(row: Readonly<Record<string, string>>, handled: ReadonlySet<string>): JsonObject {
  const extra: JsonObject = {};
  for (const [column, value] of Object.entries(row))
    if (!handled.has(column) && value !== "") extra[column] = value;
  return extra;
}
