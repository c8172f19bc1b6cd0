import { createHash, randomBytes } from "node:crypto";
import type {
  AppIdentity,
  AuthenticationMethod,
  AuthenticationMethodsPolicy,
  AuthenticationStrengthPolicy,
  AuthorizationPolicy,
  ConditionalAccessPolicy,
  DeviceRegistrationPolicy,
  DirectoryAudit,
  NamedLocation,
  RiskDetection,
  RiskyUser,
  SecurityDefaultsPolicy,
  SignIn,
  UnifiedRoleAssignment,
  UnifiedRoleDefinition,
} from "../../graph/types.js";
import type { Behaviour } from "../behaviour.js";
import type {
  TenantApp,
  TenantDevice,
  TenantDocument,
  TenantGroup,
  TenantInfo,
  TenantSession,
  TenantUser,
} from "../tenant/schema.js";
import { TENANT_SCHEMA_VERSION } from "../tenant/schema.js";
import { type AuditInput, buildAudit } from "./audit.js";

export interface MethodRecord {
  method: AuthenticationMethod;
  isDefault: boolean;
}

interface PendingAudit {
  record: DirectoryAudit;
  /** Epoch ms from which list calls return it: the real log lags behind the write. */
  visibleAt: number;
}

/**
 * The emulator's runtime tenant: loaded from a TenantDocument, changed by Graph writes and by the
 * attacker actions, inspected by tests. Everything is in memory and keyed for the lookups the
 * routes make.
 */
export class EmulatorState {
  readonly tenant: TenantInfo;
  readonly apps: TenantApp[];
  readonly users = new Map<string, TenantUser>();
  private readonly upnIndex = new Map<string, string>();
  readonly groups = new Map<string, TenantGroup>();
  readonly roleDefinitions: UnifiedRoleDefinition[];
  readonly roleAssignments: UnifiedRoleAssignment[];
  readonly methods = new Map<string, MethodRecord[]>();
  readonly devices = new Map<string, TenantDevice>();
  private readonly audits: PendingAudit[] = [];
  readonly signIns: SignIn[];
  readonly riskyUsers = new Map<string, RiskyUser>();
  readonly riskDetections: RiskDetection[];
  readonly conditionalAccessPolicies = new Map<string, ConditionalAccessPolicy>();
  readonly namedLocations = new Map<string, NamedLocation>();
  readonly authenticationStrengthPolicies: AuthenticationStrengthPolicy[];
  authenticationMethodsPolicy: AuthenticationMethodsPolicy;
  deviceRegistrationPolicy: DeviceRegistrationPolicy;
  authorizationPolicy: AuthorizationPolicy;
  securityDefaults: SecurityDefaultsPolicy;
  readonly sessions: TenantSession[];
  /** Intune management state per managed-device id, once an action (retire) changed it. */
  readonly intuneStates = new Map<string, string>();
  /**
   * Salted digests of the secrets Graph writes set — a user's password, a TAP's code — which Graph
   * never returns: tests check that the secret a client recorded is the one in force. Kept out of
   * the tenant model, so an exported tenant holds no secret.
   */
  private readonly secretDigests = new Map<string, string>();
  private readonly secretSalt = randomBytes(16);

  constructor(
    document: TenantDocument,
    readonly behaviour: Behaviour,
    /** Delay before a write's audit record shows up in `auditLogs/directoryAudits`. */
    public auditDelayMs: number,
  ) {
    const doc = structuredClone(document);
    this.tenant = doc.tenant;
    this.apps = doc.apps;
    for (const user of doc.users) this.putUser(user);
    for (const group of doc.groups) this.groups.set(group.id, group);
    this.roleDefinitions = doc.roleDefinitions;
    this.roleAssignments = doc.roleAssignments;
    for (const entry of doc.methods) {
      const list = this.methods.get(entry.userId) ?? [];
      list.push({ method: entry.method, isDefault: entry.isDefault ?? false });
      this.methods.set(entry.userId, list);
    }
    for (const device of doc.devices) this.devices.set(device.id, device);
    for (const audit of doc.directoryAudits) this.audits.push({ record: audit, visibleAt: 0 });
    this.sortAudits();
    this.signIns = doc.signIns.sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime));
    for (const risky of doc.riskyUsers) this.riskyUsers.set(risky.id, risky);
    this.riskDetections = doc.riskDetections;
    for (const policy of doc.conditionalAccessPolicies) this.conditionalAccessPolicies.set(policy.id, policy);
    for (const location of doc.namedLocations) this.namedLocations.set(location.id, location);
    this.authenticationStrengthPolicies = doc.authenticationStrengthPolicies;
    this.authenticationMethodsPolicy = doc.authenticationMethodsPolicy;
    this.deviceRegistrationPolicy = doc.deviceRegistrationPolicy;
    this.authorizationPolicy = doc.authorizationPolicy;
    this.securityDefaults = doc.securityDefaults;
    this.sessions = doc.sessions;
  }

  // ── Users and membership ─────────────────────────────────────────────────────────────────────

  putUser(user: TenantUser): void {
    this.users.set(user.id, user);
    this.upnIndex.set(user.userPrincipalName.toLowerCase(), user.id);
  }

  /** `/users/{id|upn}`: object id or userPrincipalName (case-insensitive). */
  findUser(idOrUpn: string): TenantUser | undefined {
    return this.users.get(idOrUpn) ?? this.users.get(this.upnIndex.get(idOrUpn.toLowerCase()) ?? "");
  }

  /** Groups that list `objectId` directly. */
  directGroupsOf(objectId: string): TenantGroup[] {
    return [...this.groups.values()].filter((g) => g.members.includes(objectId));
  }

  /** Groups reached through nesting as well, each once. */
  transitiveGroupsOf(objectId: string): TenantGroup[] {
    const seen = new Map<string, TenantGroup>();
    const queue = [objectId];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const group of this.directGroupsOf(current)) {
        if (seen.has(group.id)) continue;
        seen.set(group.id, group);
        queue.push(group.id);
      }
    }
    return [...seen.values()];
  }

  /** Role template ids a user holds, directly or through a role-assignable group. */
  rolesOfUser(userId: string): string[] {
    const principals = new Set([userId, ...this.transitiveGroupsOf(userId).map((g) => g.id)]);
    return this.roleAssignments.filter((a) => principals.has(a.principalId)).map((a) => a.roleDefinitionId);
  }

  isAdmin(userId: string): boolean {
    return this.rolesOfUser(userId).length > 0;
  }

  // ── Apps ───────────────────────────────────────────────────────────────────────────────────────

  findApp(appId: string): TenantApp | undefined {
    return this.apps.find((app) => app.appId === appId);
  }

  appIdentity(appId: string): AppIdentity {
    const app = this.findApp(appId);
    return {
      appId,
      displayName: app?.displayName ?? null,
      servicePrincipalId: app?.servicePrincipalId ?? null,
      servicePrincipalName: app?.displayName ?? null,
    };
  }

  /** The responder app: the first app with any write permission. */
  responderApp(): TenantApp | undefined {
    return this.apps.find((app) =>
      app.permissions.some((p) => /ReadWrite|EnableDisable|RevokeSessions/.test(p)),
    );
  }

  /** The read-only app: the first app without any write permission. */
  readOnlyApp(): TenantApp | undefined {
    return this.apps.find(
      (app) => !app.permissions.some((p) => /ReadWrite|EnableDisable|RevokeSessions/.test(p)),
    );
  }

  // ── Methods ────────────────────────────────────────────────────────────────────────────────────

  methodsOf(userId: string): MethodRecord[] {
    let list = this.methods.get(userId);
    if (!list) {
      list = [];
      this.methods.set(userId, list);
    }
    return list;
  }

  // ── Audit log ──────────────────────────────────────────────────────────────────────────────────

  /** Records a write's audit entry; it becomes visible after `auditDelayMs` (or `delayMs`). */
  audit(input: AuditInput, delayMs = this.auditDelayMs): DirectoryAudit {
    const record = buildAudit(input);
    this.audits.push({ record, visibleAt: Date.now() + delayMs });
    this.sortAudits();
    return record;
  }

  /** Audit records visible now, newest first. */
  visibleAudits(now = Date.now()): DirectoryAudit[] {
    const out: DirectoryAudit[] = [];
    for (const entry of this.audits) if (entry.visibleAt <= now) out.push(entry.record);
    return out;
  }

  /**
   * The tenant as it is now (after Graph writes and attacker actions), in the tenant model, for
   * `mfa-evict emulator --export-tenant`: loading it again serves the same tenant. Logs keep their
   * chronological order.
   */
  toDocument(): TenantDocument {
    const byTime = <T>(items: T[], time: (item: T) => string) =>
      [...items].sort((a, b) => time(a).localeCompare(time(b)));
    return structuredClone({
      schemaVersion: TENANT_SCHEMA_VERSION,
      tenant: this.tenant,
      apps: this.apps,
      users: [...this.users.values()],
      groups: [...this.groups.values()],
      roleDefinitions: this.roleDefinitions,
      roleAssignments: this.roleAssignments,
      methods: [...this.methods.entries()].flatMap(([userId, list]) =>
        list.map((entry) => ({
          userId,
          method: entry.method,
          ...(entry.isDefault ? { isDefault: true } : {}),
        })),
      ),
      devices: [...this.devices.values()],
      directoryAudits: byTime(this.allAudits(), (a) => a.activityDateTime),
      signIns: byTime(this.signIns, (s) => s.createdDateTime),
      riskyUsers: [...this.riskyUsers.values()],
      riskDetections: this.riskDetections,
      conditionalAccessPolicies: [...this.conditionalAccessPolicies.values()],
      namedLocations: [...this.namedLocations.values()],
      authenticationStrengthPolicies: this.authenticationStrengthPolicies,
      authenticationMethodsPolicy: this.authenticationMethodsPolicy,
      deviceRegistrationPolicy: this.deviceRegistrationPolicy,
      authorizationPolicy: this.authorizationPolicy,
      securityDefaults: this.securityDefaults,
      sessions: this.sessions,
    });
  }

  /** Every audit record including those still inside the log delay (for tests). */
  allAudits(): DirectoryAudit[] {
    return this.audits.map((entry) => entry.record);
  }

  private sortAudits(): void {
    this.audits.sort((a, b) => b.record.activityDateTime.localeCompare(a.record.activityDateTime));
  }

  addSignIn(signIn: SignIn): void {
    this.signIns.push(signIn);
    this.signIns.sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime));
  }

  // ── Secrets set through Graph ─────────────────────────────────────────────────────────────────

  private digest(secret: string): string {
    return createHash("sha256").update(this.secretSalt).update(secret).digest("hex");
  }

  /** A password set by `PATCH /users/{id}` (passwordProfile). */
  rememberPassword(userId: string, password: string): void {
    this.secretDigests.set(`password:${userId}`, this.digest(password));
  }

  /** Whether `password` is the user's password now (false when it was never set through Graph). */
  passwordMatches(userId: string, password: string): boolean {
    return this.secretDigests.get(`password:${userId}`) === this.digest(password);
  }

  /** The code of a TAP, shown once in its create response. */
  rememberTapCode(methodId: string, code: string): void {
    this.secretDigests.set(`tap:${methodId}`, this.digest(code));
  }

  /** Whether `code` is the code of the user's current TAP. */
  tapCodeMatches(userId: string, code: string): boolean {
    const tap = this.methodsOf(userId).find(
      (r) => r.method["@odata.type"] === "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
    );
    return !!tap && this.secretDigests.get(`tap:${tap.method.id}`) === this.digest(code);
  }

  // ── Sessions ───────────────────────────────────────────────────────────────────────────────────

  /** Ends every session issued before `when` (revokeSignInSessions, password change). */
  revokeSessions(userId: string, when = new Date()): void {
    const user = this.users.get(userId);
    if (user) user.signInSessionsValidFromDateTime = when.toISOString();
  }

  /** A session stays valid while it was issued after the user's signInSessionsValidFromDateTime. */
  isSessionValid(sessionId: string): boolean {
    const session = this.sessions.find((s) => s.id === sessionId);
    if (!session) return false;
    const user = this.users.get(session.userId);
    if (!user || user.accountEnabled === false) return false;
    const validFrom = user.signInSessionsValidFromDateTime;
    return !validFrom || Date.parse(session.issuedDateTime) > Date.parse(validFrom);
  }

  /** Attacker sessions still valid (watch and eviction tests assert this reaches zero). */
  liveAttackerSessions(userId?: string): TenantSession[] {
    return this.sessions.filter(
      (s) => s.attacker && (userId === undefined || s.userId === userId) && this.isSessionValid(s.id),
    );
  }
}
