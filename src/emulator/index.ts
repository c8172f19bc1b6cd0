import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { type Behaviour, DEFAULT_BEHAVIOUR } from "./behaviour.js";
import { FaultInjector, type WriteFaultTiming } from "./faults.js";
import { requestLogger } from "./log.js";
import { GraphPipeline } from "./pipeline.js";
import { buildRouter } from "./routes/index.js";
import { createEmulatorServer } from "./server.js";
import { registerDevice, registerMethod, signIn } from "./state/attacker.js";
import { EmulatorState } from "./state/state.js";
import {
  buildScenario,
  type GroundTruth,
  generateTenant,
  parseTenantDocument,
  type TenantDocument,
} from "./tenant/index.js";
import { type ThrottleOptions, Throttler } from "./throttle/throttle.js";
import { defaultCaDir, loadTlsMaterial } from "./tls.js";

/**
 * A local HTTPS Microsoft Graph + identity platform for tests, the demo and benchmarks.
 * `startEmulator` loads a tenant, listens on 127.0.0.1 and returns what a client needs to reach
 * it (the same KEY=VALUE set `mfa-evict emulator --write-env` writes) and the state handle.
 */

export interface EmulatorOptions {
  tenant?: TenantDocument;
  /** Scenario name (see the tenant module's listScenarios()). */
  scenario?: string;
  /** Size of a generated tenant when neither `tenant` nor `scenario` is given (default 50). */
  users?: number;
  /** Days of sign-in and audit history in a generated tenant (default 7). */
  days?: number;
  seed?: number | string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Mean added latency per Graph request (exponential distribution). */
  latencyMs?: number;
  /** Probability in [0, 1] of an injected 500/502/503/504, connection reset or slow body. */
  faultRate?: number;
  /** Whether a faulted write is refused unprocessed (default) or committed and its answer lost. */
  writeFaultTiming?: WriteFaultTiming;
  /** Inject faults only into requests with these methods (default all; a `$batch` of reads is a GET). */
  faultMethods?: readonly string[];
  /** Throttling with the documented limits (default on); `false` turns it off. */
  throttle?: boolean | ThrottleOptions;
  /** How long a write's audit record takes to appear in directoryAudits (default 1,000 ms). */
  auditDelayMs?: number;
  /** Variants of behaviours the reference marks unconfirmed. */
  behaviour?: Partial<Behaviour>;
  /** Directory holding the CA (default: MFA_EVICT_EMULATOR_CA_DIR, else ~/.cache/mfa-evict/emulator-ca). */
  caDir?: string;
}

export interface RunningEmulator {
  /** e.g. `https://127.0.0.1:PORT` (Graph is under /v1.0 and /beta). */
  graphUrl: string;
  /** The authority host for @azure/identity (same origin). */
  authorityHost: string;
  tenantId: string;
  /** Exactly the KEY=VALUE set `--write-env` writes. */
  env: Record<string, string>;
  /** The runtime tenant, plus the attacker actions. */
  state: EmulatorState;
  /** The scenario's ground truth (malicious objects and events), when started with `scenario`. */
  groundTruth?: GroundTruth;
  actions: {
    signIn: (action: Parameters<typeof signIn>[1]) => ReturnType<typeof signIn>;
    registerMethod: (action: Parameters<typeof registerMethod>[1]) => ReturnType<typeof registerMethod>;
    registerDevice: (action: Parameters<typeof registerDevice>[1]) => ReturnType<typeof registerDevice>;
  };
  close(): Promise<void>;
}

export const DEFAULT_AUDIT_DELAY_MS = 1_000;
const DEFAULT_GENERATED_USERS = 50;
const DEFAULT_GENERATED_DAYS = 7;

/** The tenant to serve: the given document, a scenario (with its ground truth), or a generated tenant. */
function resolveTenant(options: EmulatorOptions): { tenant: TenantDocument; groundTruth?: GroundTruth } {
  if (options.tenant) return { tenant: parseTenantDocument(options.tenant, "tenant option") };
  const size = { users: options.users, days: options.days, seed: options.seed };
  if (options.scenario) return buildScenario(options.scenario, size);
  return {
    tenant: generateTenant({
      users: options.users ?? DEFAULT_GENERATED_USERS,
      days: options.days ?? DEFAULT_GENERATED_DAYS,
      seed: options.seed ?? 1,
    }),
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { tenant, groundTruth } = resolveTenant(options);
  const state = new EmulatorState(
    tenant,
    { ...DEFAULT_BEHAVIOUR, ...options.behaviour },
    options.auditDelayMs ?? DEFAULT_AUDIT_DELAY_MS,
  );
  const throttleEnabled = options.throttle !== false;
  const throttler = new Throttler(
    throttleEnabled,
    state.users.size,
    typeof options.throttle === "object" ? options.throttle : {},
  );
  let pipeline: GraphPipeline | undefined;
  const router = buildRouter(() => (req) => pipeline!.handle(req, true));
  pipeline = new GraphPipeline(router, state, throttler);
  const tls = await loadTlsMaterial(options.caDir ?? defaultCaDir());
  let baseUrl = "";
  const server = createEmulatorServer(tls, {
    state,
    pipeline,
    faults: new FaultInjector(options.seed ?? 1, options.latencyMs ?? 0, options.faultRate ?? 0, {
      ...(options.writeFaultTiming ? { writeFaultTiming: options.writeFaultTiming } : {}),
      ...(options.faultMethods ? { methods: options.faultMethods } : {}),
    }),
    log: requestLogger(),
    baseUrl: () => baseUrl,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const responder = state.responderApp();
  const reader = state.readOnlyApp();
  const env: Record<string, string> = {
    AZURE_TENANT_ID: state.tenant.id,
    AZURE_CLIENT_ID: responder?.appId ?? "",
    AZURE_CLIENT_SECRET: responder?.secrets[0] ?? "",
    AZURE_READONLY_CLIENT_ID: reader?.appId ?? "",
    AZURE_READONLY_CLIENT_SECRET: reader?.secrets[0] ?? "",
    AZURE_AUTHORITY_HOST: baseUrl,
    MFA_EVICT_GRAPH_URL: baseUrl,
    NODE_EXTRA_CA_CERTS: tls.caCertPath,
  };
  return {
    graphUrl: baseUrl,
    authorityHost: baseUrl,
    tenantId: state.tenant.id,
    env,
    state,
    groundTruth,
    actions: {
      signIn: (action) => signIn(state, action),
      registerMethod: (action) => registerMethod(state, action),
      registerDevice: (action) => registerDevice(state, action),
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Writes the env set as `KEY=VALUE` lines (the file `--write-env` names). */
export function writeEnvFile(path: string, env: Record<string, string>): void {
  writeFileSync(
    path,
    `${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n")}\n`,
    { mode: 0o600 },
  );
}

export type { Behaviour } from "./behaviour.js";
export { EmulatorState } from "./state/state.js";
export type { ThrottleOptions } from "./throttle/throttle.js";
export { CA_DIR_ENV } from "./tls.js";
