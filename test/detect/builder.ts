import type {
  AuthenticationMethod,
  ConditionalAccessPolicy,
  Device,
  DirectoryAudit,
  NamedLocation,
  RiskDetection,
  SignIn,
  UnifiedRoleAssignment,
  User,
} from "../../src/graph/types.js";
import { type CaseSnapshot, STREAMS, type Stream } from "../../src/store/snapshot.js";

/**
 * Hand-built cases for detection tests. Times are hours relative to a fixed "now" (T0), so tests
 * read as a story: `signIn(u, -30 * 24, …)` is thirty days before.
 */
export const T0 = Date.parse("2026-05-31T12:00:00Z");
export const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${String(++counter).padStart(5, "0")}`;

export interface SignInSpec {
  ip?: string;
  country?: string;
  city?: string;
  asn?: number;
  errorCode?: number;
  additionalDetails?: string;
  risk?: "none" | "low" | "medium" | "high";
  requirement?: "singleFactorAuthentication" | "multiFactorAuthentication";
  appId?: string;
  resourceId?: string;
  resourceDisplayName?: string;
  protocol?: string;
  incomingTokenType?: string;
  deviceId?: string;
  mfaMethod?: string;
  userAgent?: string;
}

export class CaseBuilder {
  users: User[] = [];
  methods = new Map<string, AuthenticationMethod[]>();
  devices: Device[] = [];
  audits: DirectoryAudit[] = [];
  signIns: SignIn[] = [];
  risk: RiskDetection[] = [];
  roleAssignments: UnifiedRoleAssignment[] = [];
  policies: ConditionalAccessPolicy[] = [];
  namedLocations: NamedLocation[] = [];
  missing = new Set<Stream>();
  /** Streams collected even though they hold nothing (an empty stream is not a missing one). */
  collected = new Set<Stream>();

  user(upn: string, createdHours = -365 * 24): string {
    const id = `u-${upn.split("@")[0]}`;
    this.users.push({ id, userPrincipalName: upn, createdDateTime: at(createdHours), accountEnabled: true });
    return id;
  }

  upn(userId: string): string {
    return this.users.find((u) => u.id === userId)!.userPrincipalName;
  }

  signIn(userId: string, hours: number, spec: SignInSpec = {}): SignIn {
    const record: SignIn = {
      id: nextId("si"),
      createdDateTime: at(hours),
      userId,
      userPrincipalName: this.upn(userId),
      appId: spec.appId ?? "00000002-0000-0ff1-ce00-000000000000",
      appDisplayName: "Office 365 Exchange Online",
      ipAddress: spec.ip ?? "198.51.100.10",
      status: { errorCode: spec.errorCode ?? 0, additionalDetails: spec.additionalDetails ?? null },
      location: { city: spec.city ?? "Seattle", countryOrRegion: spec.country ?? "US" },
      autonomousSystemNumber: spec.asn ?? 8075,
      riskLevelDuringSignIn: spec.risk ?? "none",
      authenticationRequirement: spec.requirement ?? "multiFactorAuthentication",
      resourceId: spec.resourceId ?? null,
      resourceDisplayName: spec.resourceDisplayName ?? null,
      authenticationProtocol: spec.protocol ?? null,
      incomingTokenType: spec.incomingTokenType ?? null,
      deviceDetail: spec.deviceId ? { deviceId: spec.deviceId } : null,
      mfaDetail: spec.mfaMethod ? { authMethod: spec.mfaMethod } : null,
      userAgent: spec.userAgent ?? null,
    };
    this.signIns.push(record);
    return record;
  }

  /** Routine daily sign-ins at office hours from the user's usual place, for a baseline. */
  history(userId: string, fromHours: number, toHours: number, spec: SignInSpec = {}): void {
    for (let h = fromHours; h < toHours; h += 24) this.signIn(userId, h, spec);
  }

  methodRegistered(
    userId: string,
    hours: number,
    options: {
      ip?: string;
      reason?: string;
      by?: string;
      admin?: boolean;
      appId?: string;
      appName?: string;
    } = {},
  ): DirectoryAudit {
    const byUser = options.by ?? (options.appId ? undefined : userId);
    const audit: DirectoryAudit = {
      id: nextId("audit"),
      activityDateTime: at(hours),
      activityDisplayName: options.admin ? "Admin registered security info" : "User registered security info",
      category: "UserManagement",
      loggedByService: "Authentication Methods",
      result: "success",
      resultReason: options.reason ?? "User registered Authenticator App with Notification and Code",
      initiatedBy: {
        user: byUser
          ? { id: byUser, userPrincipalName: this.upn(byUser), ipAddress: options.ip ?? "198.51.100.10" }
          : null,
        app: options.appId ? { appId: options.appId, displayName: options.appName ?? "some app" } : null,
      },
      targetResources: [{ id: userId, type: "User", userPrincipalName: this.upn(userId) }],
    };
    this.audits.push(audit);
    return audit;
  }

  /** The legacy "Update user" companion record with StrongAuthentication* changes. */
  strongAuthUpdate(
    userId: string,
    hours: number,
    change: {
      oldPhone?: string;
      newPhone?: string;
      appDevice?: { name: string; token: string; id?: string };
    },
    by?: { userId?: string; ip?: string; appName?: string },
  ): DirectoryAudit {
    const props = [];
    if (change.newPhone !== undefined) {
      props.push({
        displayName: "StrongAuthenticationUserDetails",
        oldValue: JSON.stringify([{ PhoneNumber: change.oldPhone ?? null }]),
        newValue: JSON.stringify([{ PhoneNumber: change.newPhone }]),
      });
    }
    if (change.appDevice) {
      props.push({
        displayName: "StrongAuthenticationPhoneAppDetail",
        oldValue: "[]",
        newValue: JSON.stringify([
          {
            DeviceName: change.appDevice.name,
            DeviceToken: change.appDevice.token,
            Id: change.appDevice.id ?? "11111111-2222-3333-4444-555555555555",
            OathSecretKey: "SUPERSECRETKEY",
          },
        ]),
      });
    }
    const audit: DirectoryAudit = {
      id: nextId("audit"),
      activityDateTime: at(hours),
      activityDisplayName: "Update user",
      category: "UserManagement",
      loggedByService: "Core Directory",
      result: "success",
      initiatedBy: by?.userId
        ? {
            user: { id: by.userId, userPrincipalName: this.upn(by.userId), ipAddress: by.ip ?? null },
            app: null,
          }
        : { user: null, app: { displayName: by?.appName ?? "Azure MFA StrongAuthenticationService" } },
      targetResources: [
        { id: userId, type: "User", userPrincipalName: this.upn(userId), modifiedProperties: props },
      ],
    };
    this.audits.push(audit);
    return audit;
  }

  deviceAdded(
    userId: string,
    hours: number,
    device: {
      name: string;
      os?: string;
      osVersion?: string;
      ip?: string;
      userAgent?: string;
      objectId?: string;
      deviceId?: string;
    },
  ): { objectId: string; deviceId: string } {
    const objectId = device.objectId ?? nextId("dev-obj");
    const deviceId = device.deviceId ?? nextId("dev-id");
    const correlationId = nextId("corr");
    const initiatedBy = {
      user: { id: userId, userPrincipalName: this.upn(userId), ipAddress: device.ip ?? "198.51.100.10" },
    };
    this.audits.push({
      id: nextId("audit"),
      activityDateTime: at(hours),
      activityDisplayName: "Add device",
      category: "Device",
      loggedByService: "Core Directory",
      result: "success",
      correlationId,
      initiatedBy,
      targetResources: [
        {
          id: objectId,
          type: "Device",
          displayName: device.name,
          modifiedProperties: [
            {
              displayName: "CloudDeviceOSType",
              oldValue: "[]",
              newValue: JSON.stringify([device.os ?? "Windows"]),
            },
            {
              displayName: "CloudDeviceOSVersion",
              oldValue: "[]",
              newValue: JSON.stringify([device.osVersion ?? "10.0.22631.1"]),
            },
            { displayName: "CloudDisplayName", oldValue: "[]", newValue: JSON.stringify([device.name]) },
            { displayName: "DeviceId", oldValue: "[]", newValue: JSON.stringify([deviceId]) },
          ],
        },
      ],
      additionalDetails: [
        { key: "User-Agent", value: device.userAgent ?? "Dsreg/10.0 (Windows 10.0.22631.1)" },
      ],
    });
    this.audits.push({
      id: nextId("audit"),
      activityDateTime: at(hours),
      activityDisplayName: "Add registered owner to device",
      category: "Device",
      loggedByService: "Core Directory",
      result: "success",
      correlationId,
      initiatedBy,
      targetResources: [
        { id: objectId, type: "Device", displayName: device.name },
        { id: userId, type: "User", userPrincipalName: this.upn(userId) },
      ],
    });
    return { objectId, deviceId };
  }

  method(userId: string, method: AuthenticationMethod): void {
    const list = this.methods.get(userId) ?? [];
    list.push(method);
    this.methods.set(userId, list);
  }

  snapshot(): CaseSnapshot {
    const present = (stream: Stream, has: boolean) =>
      (has || this.collected.has(stream)) && !this.missing.has(stream);
    const missing = new Set<Stream>(this.missing);
    const have: Partial<Record<Stream, boolean>> = {
      users: this.users.length > 0,
      methods: this.methods.size > 0,
      devices: this.devices.length > 0,
      audits: this.audits.length > 0,
      signins: this.signIns.length > 0,
      risk: this.risk.length > 0,
      policies: this.policies.length > 0 || this.namedLocations.length > 0,
      roles: this.roleAssignments.length > 0,
    };
    for (const stream of STREAMS) if (!present(stream, have[stream] ?? false)) missing.add(stream);
    return {
      missing,
      users: this.users,
      methods: this.methods,
      registrationDetails: [],
      devices: this.devices,
      groups: [],
      groupMembers: new Map(),
      roleDefinitions: [],
      roleAssignments: this.roleAssignments,
      audits: this.audits,
      signIns: this.signIns,
      riskyUsers: [],
      riskDetections: this.risk,
      conditionalAccessPolicies: this.policies,
      namedLocations: this.namedLocations,
      authenticationStrengthPolicies: [],
    };
  }
}
