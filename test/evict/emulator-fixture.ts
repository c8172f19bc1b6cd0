import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { collectCase } from "../../src/collect/index.js";
import type { Finding } from "../../src/detect/finding.js";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import type { TenantDocument } from "../../src/emulator/tenant/schema.js";
import { createGraphClient, credentialFromEnvironment, type GraphConnector } from "../../src/graph/index.js";
import { FIXED_METHOD_IDS } from "../../src/graph/types.js";
import { openCase } from "../../src/store/index.js";
import { DEVICES, tinyTenant, USERS } from "../support/emulator-tenant.js";

/**
 * An eviction test bed on the emulator: the emulator's tiny tenant plus attacker-registered methods
 * and devices on five users (an administrator, a user with an apostrophe in the UPN, a rogue default
 * phone, a break-glass account), with the ground truth of what is rogue and what is benign.
 */

export const CAROL = "c4c4c4c4-0000-4000-8000-000000000004";
export const DAVE = "d4d4d4d4-0000-4000-8000-000000000005";
export const ROGUE_DEVICE = "dddddddd-0000-4000-8000-00000000beef";
const ROGUE_OBRIEN_APP = "0b0b0b0b-0000-4000-8000-00000000a77a";
const CAROL_APP = "c4c4c4c4-0000-4000-8000-0000000000a1";
const DAVE_KEY = "d4d4d4d4-0000-4000-8000-0000000000f2";

export interface Target {
  userId: string;
  kind: "method" | "device";
  id: string;
  odataType?: string;
}

export const ROGUE: Target[] = [
  {
    userId: USERS.alice,
    kind: "method",
    id: FIXED_METHOD_IDS.mobile,
    odataType: "#microsoft.graph.phoneAuthenticationMethod",
  },
  {
    userId: USERS.bob,
    kind: "method",
    id: FIXED_METHOD_IDS.office,
    odataType: "#microsoft.graph.phoneAuthenticationMethod",
  },
  {
    userId: USERS.bob,
    kind: "method",
    id: "50f70a70-0000-4000-8000-000000000001",
    odataType: "#microsoft.graph.softwareOathAuthenticationMethod",
  },
  { userId: USERS.bob, kind: "device", id: DEVICES.bobIphone },
  {
    userId: USERS.obrien,
    kind: "method",
    id: ROGUE_OBRIEN_APP,
    odataType: "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
  },
  { userId: USERS.obrien, kind: "device", id: ROGUE_DEVICE },
  {
    userId: CAROL,
    kind: "method",
    id: FIXED_METHOD_IDS.mobile,
    odataType: "#microsoft.graph.phoneAuthenticationMethod",
  },
];
/** Rogue, but on a break-glass account: planned only with --include-break-glass. */
export const BREAK_GLASS_ROGUE: Target = {
  userId: DAVE,
  kind: "method",
  id: DAVE_KEY,
  odataType: "#microsoft.graph.fido2AuthenticationMethod",
};

export const BENIGN: Target[] = [
  { userId: USERS.alice, kind: "method", id: "a1a1a1a1-0000-4000-8000-000000000001" },
  { userId: USERS.bob, kind: "method", id: FIXED_METHOD_IDS.mobile },
  { userId: USERS.bob, kind: "method", id: "f1d0f1d0-0000-4000-8000-000000000001" },
  { userId: USERS.bob, kind: "method", id: FIXED_METHOD_IDS.email },
  { userId: USERS.bob, kind: "method", id: "b0b0b0b0-0000-4000-8000-0000000000f1" },
  { userId: USERS.bob, kind: "device", id: DEVICES.bobLaptop },
  { userId: CAROL, kind: "method", id: CAROL_APP },
  { userId: DAVE, kind: "method", id: DAVE_KEY },
];

export const AFFECTED = [USERS.alice, USERS.bob, USERS.obrien, CAROL];
export const BREAK_GLASS_UPN = "breakglass@contoso.test";

export function evictionTenant(options: { responderRoles?: string[] } = {}): TenantDocument {
  const base = tinyTenant({
    fillerUsers: 3,
    ...(options.responderRoles ? { responderRoles: options.responderRoles } : {}),
  });
  const password = (userId: string) => ({
    userId,
    method: {
      "@odata.type": "#microsoft.graph.passwordAuthenticationMethod" as const,
      id: FIXED_METHOD_IDS.password,
      password: null,
    },
  });
  base.users.push(
    {
      id: CAROL,
      userPrincipalName: "carol@contoso.test",
      displayName: "Carol Default",
      accountEnabled: true,
      userType: "Member",
    },
    {
      id: DAVE,
      userPrincipalName: BREAK_GLASS_UPN,
      displayName: "Break Glass",
      accountEnabled: true,
      userType: "Member",
    },
  );
  base.methods.push(
    {
      userId: USERS.obrien,
      method: {
        "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        id: ROGUE_OBRIEN_APP,
        displayName: "Attacker Pixel",
        deviceTag: "SoftwareTokenActivated",
        phoneAppVersion: "6.8.1",
      },
    },
    password(CAROL),
    {
      userId: CAROL,
      isDefault: true,
      method: {
        "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
        id: FIXED_METHOD_IDS.mobile,
        phoneNumber: "+44 7700900123",
        phoneType: "mobile",
        smsSignInState: "notAllowedByPolicy",
      },
    },
    {
      userId: CAROL,
      method: {
        "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        id: CAROL_APP,
        displayName: "Carol phone",
        deviceTag: "SoftwareTokenActivated",
        phoneAppVersion: "6.8.1",
      },
    },
    password(DAVE),
    {
      userId: DAVE,
      method: {
        "@odata.type": "#microsoft.graph.fido2AuthenticationMethod",
        id: DAVE_KEY,
        displayName: "Unknown key",
        aaGuid: "2fc0579f-8113-47ea-b116-555a8db9202a",
        model: "YubiKey 5 NFC",
        attestationCertificates: [],
        attestationLevel: "attested",
      },
    },
  );
  base.devices.push({
    id: ROGUE_DEVICE,
    deviceId: "d1d1d1d1-0000-4000-8000-00000000beef",
    displayName: "DESKTOP-8F3K2LQ",
    operatingSystem: "Windows",
    operatingSystemVersion: "10.0.19041.928",
    trustType: "Workplace",
    accountEnabled: true,
    registrationDateTime: "2026-05-03T02:00:00Z",
    ownerIds: [USERS.obrien],
    userIds: [USERS.obrien],
  });
  return base;
}

/** Findings as detection would phrase them, one per ground-truth rogue object. */
export function groundTruthFindings(): Finding[] {
  return [...ROGUE, BREAK_GLASS_ROGUE].map((target, i) => ({
    id: `gt-${i + 1}`,
    detectionId: "ground-truth",
    title: `rogue ${target.kind}`,
    technique: "T1098.005",
    severity: "high",
    score: 90,
    userId: target.userId,
    object:
      target.kind === "method"
        ? { kind: "method", methodId: target.id, odataType: target.odataType! }
        : { kind: "device", deviceObjectId: target.id },
    explanation: "ground truth",
    evidence: [],
    recommendedActions: target.kind === "method" ? ["deleteMethod"] : ["disableDevice", "deleteDevice"],
    privileged: false,
  }));
}

export interface Bed {
  emulator: RunningEmulator;
  dir: string;
  caseFile: string;
  findingsFile: string;
  env: Record<string, string>;
  readOnlyEnv: Record<string, string>;
  client(readOnly?: boolean): GraphConnector;
  close(): Promise<void>;
}

/** Starts the emulator, collects the inventory into a fresh case and writes the findings file. */
export async function startBed(tenant: TenantDocument, options: EmulatorOptions = {}): Promise<Bed> {
  const emulator = await startEmulator({ tenant, seed: 7, auditDelayMs: 0, ...options });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mfa-evict-evict-"));
  const env = emulator.env;
  const readOnlyEnv = {
    ...env,
    AZURE_CLIENT_ID: env.AZURE_READONLY_CLIENT_ID!,
    AZURE_CLIENT_SECRET: env.AZURE_READONLY_CLIENT_SECRET!,
  };
  const clients: GraphConnector[] = [];
  const client = (readOnly = false) => {
    const e = readOnly ? readOnlyEnv : env;
    const c = createGraphClient({
      env: e,
      credential: credentialFromEnvironment(e),
      backoff: { baseMs: 20, maxMs: 400 },
    });
    clients.push(c);
    return c;
  };
  const caseFile = path.join(dir, "case.sqlite");
  const store = openCase(caseFile);
  try {
    await collectCase({
      client: client(),
      store,
      only: ["users", "methods", "devices", "roles", "policies"],
      since: new Date(Date.now() - 86_400_000),
    });
  } finally {
    store.close();
  }
  const findingsFile = path.join(dir, "findings.json");
  fs.writeFileSync(findingsFile, JSON.stringify({ findings: groundTruthFindings() }));
  return {
    emulator,
    dir,
    caseFile,
    findingsFile,
    env,
    readOnlyEnv,
    client,
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await emulator.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Is the target still in the emulator's tenant? */
export function present(emulator: RunningEmulator, target: Target): boolean {
  if (target.kind === "device") return emulator.state.devices.has(target.id);
  return emulator.state.methodsOf(target.userId).some((r) => r.method.id === target.id);
}

/** The writes the responder app made, as the emulator's audit log witnesses them: "activity|targetId" → count. */
export function auditedWrites(emulator: RunningEmulator, appId: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const audit of emulator.state.allAudits()) {
    if (audit.initiatedBy?.app?.appId !== appId) continue;
    const key = `${audit.activityDisplayName}|${audit.resultReason ?? ""}|${audit.targetResources?.[0]?.id ?? ""}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
