import { EXTRA_FIELD, isObject, type JsonObject, type Mapped, parseDynamic } from "./mapped.js";

/**
 * Azure Monitor diagnostic-setting records (Event Hub, storage account): an envelope with
 * `category`, `time`, `operationName`… and a Graph-shaped `properties`. The record stored is
 * `properties`; the envelope is kept in `@mfaEvict.source`.
 */

const SIGNIN_CATEGORIES: Readonly<Record<string, string>> = {
  signinlogs: "interactiveUser",
  noninteractiveusersigninlogs: "nonInteractiveUser",
  serviceprincipalsigninlogs: "servicePrincipal",
  microsoftserviceprincipalsigninlogs: "servicePrincipal",
  managedidentitysigninlogs: "managedIdentity",
};

export function isEventHubRecord(value: JsonObject): boolean {
  return (
    typeof value.category === "string" && (isObject(value.properties) || typeof value.properties === "string")
  );
}

export function mapEventHubRecord(value: JsonObject): Mapped {
  const category = String(value.category);
  const properties = parseDynamic(value.properties);
  if (!isObject(properties)) return { reject: `Event Hub record (${category}) has no "properties" object` };
  const { properties: _, ...envelope } = value;
  const record: JsonObject = { ...properties, [EXTRA_FIELD]: { format: "event-hub", envelope } };
  const lower = category.toLowerCase();
  const signInType = SIGNIN_CATEGORIES[lower];
  if (signInType) {
    if (record.createdDateTime === undefined && typeof value.time === "string")
      record.createdDateTime = value.time;
    if (record.signInEventTypes === undefined) record.signInEventTypes = [signInType];
    if (record.isInteractive === undefined) record.isInteractive = signInType === "interactiveUser";
    return withId("signIns", record, category);
  }
  if (lower === "auditlogs") {
    if (record.activityDateTime === undefined && typeof value.time === "string")
      record.activityDateTime = value.time;
    // Older samples carry `result` as a number (0 = success); Graph's enum is a string.
    if (typeof record.result === "number") record.result = record.result === 0 ? "success" : "failure";
    return withId("audits", record, category);
  }
  if (lower === "userriskevents") return withId("riskDetections", record, category);
  if (lower === "riskyusers") return withId("riskyUsers", record, category);
  return { skip: `Event Hub category "${category}" is not one mfa-evict uses` };
}

function withId(
  kind: "signIns" | "audits" | "riskDetections" | "riskyUsers",
  record: JsonObject,
  category: string,
): Mapped {
  if (typeof record.id !== "string" || record.id === "")
    return { reject: `${category} record has no properties.id` };
  return { kind, record };
}
