import { KIND_INFO, type RecordKind } from "./kinds.js";

/** The columns the store derives from a record: its natural key and what queries filter on. */
export interface NormalizedRecord {
  key: string;
  scope: string | null;
  time: string | null;
  userId: string | null;
  type: string | null;
}

/** Why a record cannot be stored; the message names the field. */
export class RecordError extends Error {
  override name = "RecordError";
}

const MAX_ID_LENGTH = 512;

/**
 * A sign-in's id is shared by the stages of one multi-stage sign-in (an MFA interrupt, then the
 * success: real exports show both rows under one id, seconds apart), so sign-ins are keyed by id and
 * time to the second (exports show fractions with 3 or 7 digits, rounded or cut); the same stage
 * collected from Graph and imported from a file still has the same key.
 *
 * Derives the natural key and normalized columns of one Graph-shaped record. Throws RecordError
 * when the record has no usable key; other odd fields are tolerated (kept in the raw JSON).
 */
export function normalizeRecord(
  kind: RecordKind,
  record: unknown,
  scope: string | undefined,
): NormalizedRecord {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    throw new RecordError(`a ${kind} record must be a JSON object`);
  }
  const r = record as Record<string, unknown>;
  const info = KIND_INFO[kind];
  if (info.scoped) {
    if (!isId(scope)) throw new RecordError(`${kind} records need the id of their parent (scope)`);
  } else if (scope !== undefined) {
    throw new RecordError(`${kind} records take no scope`);
  }
  let id: string;
  if (info.singleton) {
    id = kind;
  } else {
    if (!isId(r.id)) throw new RecordError(`${kind} record has no valid "id" (a non-empty string)`);
    id = r.id;
  }
  const time = eventTime(kind, r);
  return {
    key: info.scoped
      ? `${scope}/${id}`
      : kind === "signIns" && time !== null
        ? `${id}@${time.slice(0, 19)}Z`
        : id,
    scope: info.scoped ? scope! : null,
    time,
    userId: userIdOf(kind, r, scope),
    type: typeOf(kind, r),
  };
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

/** ISO UTC so that text order is time order; unparseable or absent times become null. */
export function toUtcIso(value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function eventTime(kind: RecordKind, r: Record<string, unknown>): string | null {
  switch (kind) {
    case "signIns":
      return toUtcIso(r.createdDateTime);
    case "audits":
      return toUtcIso(r.activityDateTime);
    case "riskDetections":
      return toUtcIso(r.activityDateTime) ?? toUtcIso(r.detectedDateTime);
    case "riskyUsers":
      return toUtcIso(r.riskLastUpdatedDateTime);
    case "devices":
      return toUtcIso(r.registrationDateTime);
    case "methods":
    case "users":
    case "conditionalAccessPolicies":
      return toUtcIso(r.createdDateTime);
    default:
      return null;
  }
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

function userIdOf(kind: RecordKind, r: Record<string, unknown>, scope: string | undefined): string | null {
  switch (kind) {
    case "users":
    case "registrationDetails":
    case "riskyUsers":
      return str(r.id);
    case "methods":
      return scope ?? null;
    case "signIns":
    case "riskDetections":
      return str(r.userId);
    case "roleAssignments":
      return str(r.principalId);
    case "deviceOwners":
    case "deviceUsers":
    case "groupMembers":
      return str(r.id);
    case "audits":
      return auditUserId(r);
    default:
      return null;
  }
}

/** The user an audit is about: the first target of type User, else the initiating user. */
function auditUserId(r: Record<string, unknown>): string | null {
  if (Array.isArray(r.targetResources)) {
    for (const target of r.targetResources) {
      if (target && typeof target === "object") {
        const t = target as Record<string, unknown>;
        if (typeof t.type === "string" && t.type.toLowerCase() === "user" && str(t.id)) return t.id as string;
      }
    }
  }
  const initiatedBy = r.initiatedBy as { user?: { id?: unknown } | null } | null | undefined;
  return str(initiatedBy?.user?.id);
}

function typeOf(kind: RecordKind, r: Record<string, unknown>): string | null {
  switch (kind) {
    case "audits":
      return str(r.activityDisplayName);
    case "riskDetections":
      return str(r.riskEventType);
    default:
      return str(r["@odata.type"]);
  }
}

/** Deeper nesting than any Graph record has; deeper records are refused as hostile. */
export const MAX_NESTING = 256;

/**
 * Throws RecordError when the JSON text nests deeper than MAX_NESTING. Only a text with more
 * brackets than that can, so nearly every record is cleared by a quick count.
 */
export function assertNesting(kind: RecordKind, json: string): void {
  if (json.length < MAX_NESTING * 2 || countOpenings(json) <= MAX_NESTING) return;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_NESTING)
        throw new RecordError(`${kind} record nests deeper than ${MAX_NESTING} levels`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

function countOpenings(json: string): number {
  let n = 0;
  for (let i = json.indexOf("{"); i !== -1 && n <= MAX_NESTING; i = json.indexOf("{", i + 1)) n++;
  for (let i = json.indexOf("["); i !== -1 && n <= MAX_NESTING; i = json.indexOf("[", i + 1)) n++;
  return n;
}
