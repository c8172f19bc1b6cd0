import type { Finding, Severity, Triage } from "../detect/finding.js";
import { SEVERITIES } from "../detect/finding.js";
import type { AuthenticationMethod, Device, User } from "../graph/types.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import { deviceState, targetFingerprint } from "./fingerprint.js";
import {
  deletePermissions,
  isDeletable,
  isMethodODataType,
  isStrongMethod,
  methodForPreference,
  methodLabel,
  preferenceFor,
} from "./methods.js";
import type { EvictionPlan, PlanStep, UnnumberedStep, UserPlan } from "./plan.js";
import { PLAN_FORMAT } from "./plan.js";
import { preChecksFor } from "./prechecks.js";
import { roleName, rolesOfUser } from "./privilege.js";
import { expectedAlerts } from "./soc-alerts.js";
import { tapBounds, tapRequest } from "./tap-policy.js";

/**
 * The planner: a pure function from the case (findings + snapshot) and the responder's policy to
 * an ordered, reviewable plan. Order per user follows CM0071: rotate the password, revoke
 * sessions, delete the rogue methods (a rogue default method last), disable/retire/delete rogue
 * devices, then a TAP when no strong method would remain — never a password-only window.
 */

export interface PlanOptions {
  findingIds?: string[];
  /** UPNs or object ids. */
  users?: string[];
  minSeverity?: Severity;
  /** Break-glass accounts (UPNs or object ids): refused unless `includeBreakGlass`. */
  breakGlass?: string[];
  includeBreakGlass?: boolean;
  confirmCompromised?: boolean;
  /** Delete rogue devices after disabling them (default true: a disabled device can be re-enabled). */
  deleteDevices?: boolean;
  tap?: { lifetimeInMinutes?: number; isUsableOnce?: boolean };
  maxAgeMinutes?: number;
}

export interface PlanInput {
  id: string;
  now: Date;
  snapshot: CaseSnapshot;
  findings: readonly Finding[];
  triage?: readonly Triage[];
  /** The app's permissions and directory-role template ids, when they could be read; null otherwise. */
  app: EvictionPlan["app"];
  options?: PlanOptions;
  caseFile?: string;
}

const INTUNE_MDM_APP_ID = "0000000a-0000-0000-c000-000000000000";
const DEFAULT_MAX_AGE_MINUTES = 24 * 60;

const PERMISSIONS = {
  rotatePassword: ["User-PasswordProfile.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  revokeSessions: ["User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  setDefaultMethod: ["UserAuthenticationMethod.ReadWrite.All"],
  disableDevice: ["Device.ReadWrite.All", "Directory.ReadWrite.All"],
  deleteDevice: ["Device.ReadWrite.All"],
  retireManagedDevice: ["DeviceManagementManagedDevices.PrivilegedOperations.All"],
  issueTap: ["UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
  confirmCompromised: ["IdentityRiskyUser.ReadWrite.All"],
} as const;

function atLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
}

function matchesAny(user: User | undefined, userId: string, keys: readonly string[]): boolean {
  const wanted = new Set(keys.map((k) => k.toLowerCase()));
  return wanted.has(userId.toLowerCase()) || (!!user && wanted.has(user.userPrincipalName.toLowerCase()));
}

function isWindows(device: Device): boolean {
  return /^windows/i.test(device.operatingSystem ?? "");
}

function isIntuneManaged(device: Device): boolean {
  return device.mdmAppId === INTUNE_MDM_APP_ID || (device.isManaged === true && !!device.deviceId);
}

function findDevice(snapshot: CaseSnapshot, finding: Finding): Device | undefined {
  if (finding.object.kind !== "device") return undefined;
  const { deviceObjectId, deviceId } = finding.object;
  return snapshot.devices.find(
    (d) => (deviceObjectId && d.id === deviceObjectId) || (deviceId && d.deviceId === deviceId),
  );
}

/** Selects the findings the plan acts on; the rest are reported in `skipped` with the reason. */
function selectFindings(input: PlanInput, skipped: EvictionPlan["skipped"]): Map<string, Finding[]> {
  const options = input.options ?? {};
  const verdicts = new Map((input.triage ?? []).map((t) => [t.findingId, t.verdict]));
  const usersById = new Map(input.snapshot.users.map((u) => [u.id, u]));
  const selected = new Map<string, Finding[]>();
  for (const finding of input.findings) {
    if (options.findingIds && !options.findingIds.includes(finding.id)) continue;
    if (options.users && !matchesAny(usersById.get(finding.userId), finding.userId, options.users)) continue;
    const skip = (reason: string) => skipped.push({ findingId: finding.id, userId: finding.userId, reason });
    if (finding.suppressedBy) {
      skip(`suppressed by ${finding.suppressedBy}`);
    } else if (verdicts.get(finding.id) === "falsePositive") {
      skip("triaged as a false positive");
    } else if (options.minSeverity && !atLeast(finding.severity, options.minSeverity)) {
      skip(`severity ${finding.severity} below ${options.minSeverity}`);
    } else {
      const list = selected.get(finding.userId) ?? [];
      list.push(finding);
      selected.set(finding.userId, list);
    }
  }
  return selected;
}

export function buildPlan(input: PlanInput): EvictionPlan {
  const options = input.options ?? {};
  const snapshot = input.snapshot;
  const tap = tapBounds(snapshot.authenticationMethodsPolicy);
  const skipped: EvictionPlan["skipped"] = [];
  const selected = selectFindings(input, skipped);
  const plannedDevices = new Set<string>();
  const users: UserPlan[] = [];
  for (const [userId, findings] of selected) {
    const user = snapshot.users.find((u) => u.id === userId);
    if (!user) {
      for (const f of findings) skipped.push({ findingId: f.id, userId, reason: "user is not in the case" });
      continue;
    }
    users.push(planUser(input, user, findings, tap, plannedDevices, skipped));
  }
  users.sort((a, b) => a.userPrincipalName.localeCompare(b.userPrincipalName));
  return {
    format: PLAN_FORMAT,
    id: input.id,
    createdAt: input.now.toISOString(),
    maxAgeMinutes: options.maxAgeMinutes ?? DEFAULT_MAX_AGE_MINUTES,
    tenantId: snapshot.tenantId,
    caseFile: input.caseFile,
    options: {
      includeBreakGlass: options.includeBreakGlass ?? false,
      confirmCompromised: options.confirmCompromised ?? false,
      deleteDevices: options.deleteDevices ?? true,
      minSeverity: options.minSeverity ?? "informational",
    },
    app: input.app,
    tap,
    users,
    skipped,
  };
}

function planUser(
  input: PlanInput,
  user: User,
  findings: Finding[],
  tap: EvictionPlan["tap"],
  plannedDevices: Set<string>,
  skipped: EvictionPlan["skipped"],
): UserPlan {
  const options = input.options ?? {};
  const snapshot = input.snapshot;
  const methods = snapshot.methods.get(user.id) ?? [];
  const inventoryKnown = !snapshot.missing.has("methods") && snapshot.methods.has(user.id);
  const notes: string[] = [];
  const manual: string[] = [];

  // ── What to remove ──
  const rogueMethods = new Map<string, AuthenticationMethod>();
  const rogueDevices = new Map<string, Device>();
  for (const finding of findings) {
    const object = finding.object;
    const skip = (reason: string) => skipped.push({ findingId: finding.id, userId: user.id, reason });
    if (object.kind === "method") {
      if (!finding.recommendedActions.includes("deleteMethod")) {
        skip("detection does not recommend deleting the method (review only)");
        continue;
      }
      if (!isMethodODataType(object.odataType) || !isDeletable(object.odataType)) {
        skip(`${object.odataType} cannot be deleted (the password method never is)`);
        continue;
      }
      const method = methods.find((m) => m.id === object.methodId && m["@odata.type"] === object.odataType);
      if (!method) {
        skip(`method ${object.methodId} is not in the case's inventory (already removed?)`);
        continue;
      }
      rogueMethods.set(method.id, method);
    } else if (object.kind === "device") {
      if (!finding.recommendedActions.some((a) => a === "disableDevice" || a === "deleteDevice")) {
        skip("detection does not recommend disabling or deleting the device (review only)");
        continue;
      }
      const device = findDevice(snapshot, finding);
      if (!device) {
        skip("device is not in the case's inventory (already removed?)");
        continue;
      }
      if (plannedDevices.has(device.id)) {
        notes.push(`Device ${device.displayName ?? device.id} is handled in another user's steps.`);
        continue;
      }
      plannedDevices.add(device.id);
      rogueDevices.set(device.id, device);
    }
  }

  // ── Who the target is ──
  const roles = rolesOfUser(snapshot, user.id);
  const privilegedRoles = roles.map((id) => ({ id, name: roleName(id, snapshot) }));
  const onPremisesSynced = user.onPremisesSyncEnabled === true;
  const breakGlass = matchesAny(user, user.id, options.breakGlass ?? []);

  // ── Steps, in CM0071 order ──
  const steps: UnnumberedStep[] = [];
  steps.push({
    kind: "rotatePassword",
    description:
      "Set a strong random password (generated locally at apply time), change required at next sign-in",
    permissions: [...PERMISSIONS.rotatePassword],
  });
  steps.push({
    kind: "revokeSessions",
    description: "Revoke all refresh tokens and browser sessions (signInSessionsValidFromDateTime := now)",
    permissions: [...PERMISSIONS.revokeSessions],
  });

  const registration = snapshot.registrationDetails.find((r) => r.id === user.id);
  // The user's own preferred method is "the default" Graph protects from deletion, whether or not
  // system-preferred MFA picks something else at sign-in.
  const defaultMethod = methodForPreference(
    registration?.userPreferredMethodForSecondaryAuthentication,
    methods,
  );
  const remaining = methods.filter((m) => !rogueMethods.has(m.id));
  const ordered = [...rogueMethods.values()].sort(
    (a, b) => Number(a.id === defaultMethod?.id) - Number(b.id === defaultMethod?.id),
  );
  for (const method of ordered) {
    const isDefault = method.id === defaultMethod?.id;
    if (isDefault) {
      // A replacement of the same preference (two Authenticators) would not tell Graph which one.
      const replacement = remaining.find(
        (m) => isStrongMethod(m) && preferenceFor(m) && preferenceFor(m) !== preferenceFor(method),
      );
      const preference = replacement && preferenceFor(replacement);
      if (replacement && preference) {
        steps.push({
          kind: "setDefaultMethod",
          preference,
          methodId: replacement.id,
          description: `Make ${methodLabel(replacement)} the default MFA method (beta signInPreferences) so the rogue default can be deleted`,
          permissions: [...PERMISSIONS.setDefaultMethod],
        });
        notes.push(
          `${methodLabel(method)} is the user's default MFA method; Graph refuses to delete a default method while others exist, so the default moves to ${methodLabel(replacement)} first.`,
        );
      } else {
        notes.push(
          `${methodLabel(method)} is the user's default MFA method and no benign method can take over as default; it is deleted after every other rogue method (Graph allows deleting the default once it is the last method; tenants that refuse leave it to the admin, see MANUAL).`,
        );
        manual.push(
          `If Graph refuses to delete ${methodLabel(method)} because it is the default method: in the Entra admin center (Users › ${user.userPrincipalName} › Authentication methods) add the user's genuine number, verified out of band, as an office phone, make it the default, then run apply again — the rogue number is deleted then. The user signs in meanwhile with the Temporary Access Pass.`,
        );
      }
    }
    const odataType = method["@odata.type"];
    steps.push({
      kind: "deleteMethod",
      methodId: method.id,
      odataType,
      label: methodLabel(method),
      isDefault,
      description: `Delete rogue ${methodLabel(method)}`,
      permissions: deletePermissions(odataType),
    });
  }

  const deleteDevices = options.deleteDevices ?? true;
  for (const device of rogueDevices.values()) {
    const label = `${device.displayName ?? device.id} (${device.operatingSystem ?? "unknown OS"})`;
    const base = {
      deviceObjectId: device.id,
      ...(device.deviceId ? { deviceId: device.deviceId } : {}),
      ...(device.displayName ? { displayName: device.displayName } : {}),
      ...(device.operatingSystem ? { operatingSystem: device.operatingSystem } : {}),
    };
    if (isWindows(device)) {
      steps.push({
        ...base,
        kind: "disableDevice",
        description: `Disable rogue device ${label}`,
        permissions: [...PERMISSIONS.disableDevice],
      });
    } else if (deleteDevices) {
      notes.push(
        `Device ${label}: an app-only token cannot disable a non-Windows device (Graph only lets apps update its extensionAttributes), so it is deleted without a prior disable.`,
      );
    } else {
      manual.push(
        `Disable device ${label} by hand as a Cloud Device Administrator (app-only tokens cannot disable non-Windows devices), or re-plan with device deletion.`,
      );
    }
    if (isIntuneManaged(device) && device.deviceId) {
      steps.push({
        ...base,
        deviceId: device.deviceId,
        kind: "retireManagedDevice",
        description: `Retire ${label} in Intune (removes company data and management)`,
        permissions: [...PERMISSIONS.retireManagedDevice],
      });
    }
    if (deleteDevices) {
      steps.push({
        ...base,
        kind: "deleteDevice",
        description: `Delete rogue device ${label} (its JSON is kept in the case first)`,
        permissions: [...PERMISSIONS.deleteDevice],
      });
    }
  }

  // A TAP whenever no strong method would remain — or when the case cannot tell. A benign pass the
  // user already holds is kept: a new one would replace it (one TAP per user).
  const strongLeft = remaining.filter(isStrongMethod);
  const existingTap = remaining.find(
    (m) =>
      m["@odata.type"] === "#microsoft.graph.temporaryAccessPassAuthenticationMethod" && m.isUsable !== false,
  );
  if (inventoryKnown && strongLeft.length === 0 && existingTap) {
    notes.push(
      "No strong method remains, but the user already holds a usable Temporary Access Pass; it is kept.",
    );
  } else if (!inventoryKnown || strongLeft.length === 0) {
    const pass = tapRequest(tap, options.tap ?? {});
    steps.push({
      kind: "issueTap",
      ...pass,
      description: `Issue a ${pass.isUsableOnce ? "one-time" : "multi-use"} Temporary Access Pass valid ${pass.lifetimeInMinutes} min (code only via --reveal-secrets)`,
      permissions: [...PERMISSIONS.issueTap],
    });
    notes.push(
      inventoryKnown
        ? "No strong method remains after the deletions: a Temporary Access Pass lets the user sign in and register a new method."
        : "The case has no method inventory for this user, so a Temporary Access Pass is issued to be safe.",
    );
  } else {
    notes.push(`Strong methods that remain: ${strongLeft.map(methodLabel).join(", ")}.`);
  }
  if (options.confirmCompromised) {
    steps.push({
      kind: "confirmCompromised",
      description: "Confirm the user compromised in Identity Protection (user risk := high)",
      permissions: [...PERMISSIONS.confirmCompromised],
    });
  }
  if (onPremisesSynced) {
    notes.push(
      "The user is synchronised from on-premises AD: the cloud password rotation does not reach AD.",
    );
    manual.push(
      `Reset ${user.userPrincipalName}'s password twice in on-premises Active Directory (and let it sync); the cloud rotation does not reach AD.`,
    );
  }

  const withIds: PlanStep[] = steps.map(
    (step, index) => ({ ...step, id: `${user.id}/${index + 1}-${step.kind}` }) as PlanStep,
  );

  // ── Pre-checks ──
  const {
    preChecks,
    refusals,
    manual: checkManual,
  } = preChecksFor({
    snapshot,
    app: input.app,
    user,
    steps: withIds,
    roles,
    privilegedRoles,
    breakGlass,
    includeBreakGlass: options.includeBreakGlass ?? false,
    tap,
    inventory: { known: inventoryKnown, methods: methods.length, devices: rogueDevices.size },
  });
  manual.push(...checkManual);

  const baselineDevices = [...rogueDevices.values()];
  return {
    userId: user.id,
    userPrincipalName: user.userPrincipalName,
    ...(user.displayName ? { displayName: user.displayName } : {}),
    findingIds: findings.map((f) => f.id),
    status: refusals.length > 0 ? "refused" : "ready",
    refusals,
    privilegedRoles,
    onPremisesSynced,
    preChecks,
    baseline: { methods: [...methods], devices: baselineDevices },
    fingerprint: targetFingerprint(
      methods,
      baselineDevices.map((d) => deviceState(d, d.id)),
    ),
    steps: withIds,
    manual,
    notes,
    alerts: expectedAlerts(withIds, privilegedRoles.length > 0),
  };
}
