import { randomUUID } from "node:crypto";
import type {
  AppIdentity,
  DirectoryAudit,
  ModifiedProperty,
  TargetResource,
  UserIdentity,
} from "../../graph/types.js";

/**
 * Builders for the directoryAudit records the real service writes (graph-entra.md §5.2–5.5):
 * modified-property values are strings that contain JSON, and Core Directory updates carry the
 * synthetic "Included Updated Properties" entry.
 */

export interface AuditInput {
  activity: string;
  category: string;
  service: string;
  operationType: "Add" | "Update" | "Delete" | "Assign" | "Unassign" | "Other";
  initiatedBy: { app?: AppIdentity; user?: UserIdentity };
  targets: TargetResource[];
  resultReason?: string;
  result?: "success" | "failure";
  correlationId?: string;
  additionalDetails?: { key: string; value: string }[];
  when?: Date;
}

const SERVICE_ID_PREFIX: Record<string, string> = {
  "Core Directory": "Directory",
  "Authentication Methods": "Authentication Methods",
  "Device Registration Service": "DRS",
  "Conditional Access": "IPCGraph",
  "Identity Protection": "IdentityProtection",
};

export function buildAudit(input: AuditInput): DirectoryAudit {
  const correlationId = input.correlationId ?? randomUUID();
  const prefix = SERVICE_ID_PREFIX[input.service] ?? "Directory";
  return {
    id: `${prefix}_${correlationId}_${randomUUID().slice(0, 8).toUpperCase()}`,
    category: input.category,
    correlationId,
    result: input.result ?? "success",
    resultReason: input.resultReason ?? "",
    activityDisplayName: input.activity,
    activityDateTime: (input.when ?? new Date()).toISOString(),
    loggedByService: input.service,
    operationType: input.operationType,
    initiatedBy: { app: input.initiatedBy.app ?? null, user: input.initiatedBy.user ?? null },
    targetResources: input.targets.map((t) => ({
      id: t.id ?? null,
      displayName: t.displayName ?? null,
      type: t.type ?? null,
      userPrincipalName: t.userPrincipalName ?? null,
      groupType: t.groupType ?? null,
      modifiedProperties: t.modifiedProperties ?? [],
    })),
    additionalDetails: input.additionalDetails ?? [],
  };
}

/** `["value"]`-style JSON string, as Core Directory encodes single values. */
export function jsonArray(value: unknown): string {
  return JSON.stringify(value === undefined || value === null ? [] : [value]);
}

/** Core Directory modified properties plus the synthetic "Included Updated Properties" entry. */
export function coreDirectoryChanges(
  changes: { name: string; oldValue: unknown; newValue: unknown }[],
): ModifiedProperty[] {
  return [
    ...changes.map((c) => ({
      displayName: c.name,
      oldValue: jsonArray(c.oldValue),
      newValue: jsonArray(c.newValue),
    })),
    {
      displayName: "Included Updated Properties",
      oldValue: null,
      newValue: JSON.stringify(changes.map((c) => c.name).join(", ")),
    },
  ];
}

/** Human method names as the Authentication Methods service writes them into resultReason. */
export const METHOD_REASON_NAME: Record<string, string> = {
  "#microsoft.graph.phoneAuthenticationMethod": "phone",
  "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod": "Authenticator App",
  "#microsoft.graph.fido2AuthenticationMethod": "Fido",
  "#microsoft.graph.softwareOathAuthenticationMethod": "software OATH token",
  "#microsoft.graph.emailAuthenticationMethod": "email",
  "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod": "Windows Hello for Business",
  "#microsoft.graph.platformCredentialAuthenticationMethod": "platform credential",
  "#microsoft.graph.temporaryAccessPassAuthenticationMethod": "temporary access pass",
  "#microsoft.graph.externalAuthenticationMethod": "external authentication",
  "#microsoft.graph.passwordAuthenticationMethod": "password",
};

/** What a user registering a method themselves leaves as resultReason (graph-entra.md §5.3). */
export const USER_REGISTERED_REASON: Record<string, string> = {
  "#microsoft.graph.phoneAuthenticationMethod": "User registered Mobile Phone SMS",
  "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod":
    "User registered Authenticator App with Notification and Code",
  "#microsoft.graph.fido2AuthenticationMethod": "User registered Fido",
  "#microsoft.graph.softwareOathAuthenticationMethod": "User registered Software OATH token",
  "#microsoft.graph.emailAuthenticationMethod": "User registered Email",
  "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod":
    "User registered Windows Hello for Business",
  "#microsoft.graph.platformCredentialAuthenticationMethod": "User registered Platform Credential",
  "#microsoft.graph.temporaryAccessPassAuthenticationMethod": "User registered temporary access pass method",
  "#microsoft.graph.externalAuthenticationMethod": "User registered external authentication method",
  "#microsoft.graph.passwordAuthenticationMethod": "User registered password",
};
