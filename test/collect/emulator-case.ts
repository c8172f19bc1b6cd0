import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { collectCase } from "../../src/collect/index.js";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { generateTenant } from "../../src/emulator/tenant/generator.js";
import type { TenantDocument } from "../../src/emulator/tenant/schema.js";
import {
  type BudgetLimits,
  createGraphClient,
  credentialFromEnvironment,
  type GraphConnector,
  type GraphError,
  type GraphRequest,
  type Page,
} from "../../src/graph/index.js";
import { type CaseStore, openCase, RECORD_KINDS } from "../../src/store/index.js";

/**
 * Shared fixtures for collection tests against the emulator: a small generated tenant, throttling
 * limits raised (the documented ones are exercised by the benchmark; here they would only make the
 * suite slow), and the same raised limits handed to the client so it still paces by its budgets.
 */

export const TEST_LIMITS = "reports=60/10s,protection=20/1s";
export const TEST_BUDGETS: Partial<BudgetLimits> = {
  reports: { capacity: 60, windowMs: 10_000 },
  protection: { capacity: 20, windowMs: 1_000 },
};
export const EMULATOR_THROTTLE = { reportsPer10s: 60, protectionPerSecond: 20 };

/**
 * The generated tenant's "now", half a day back: the generator also writes a few records in the
 * hours after its "now", and those must be in the past for every run to see the same tenant.
 */
export const TENANT_NOW = new Date(Date.now() - 12 * 3_600_000);
export const DAYS = 4;
/** The log window used by every test run: the whole generated history. */
export const SINCE = new Date(TENANT_NOW.getTime() - (DAYS + 1) * 86_400_000);

export function testTenant(users = 40): TenantDocument {
  return generateTenant({ users, days: DAYS, seed: "collect-tests", now: TENANT_NOW });
}

export async function emulatorFor(
  tenant: TenantDocument,
  options: EmulatorOptions = {},
): Promise<RunningEmulator> {
  return startEmulator({ tenant, seed: 11, throttle: EMULATOR_THROTTLE, ...options });
}

/** A client as the CLI builds it, for the responder app or (with `readOnly`) the read-only app. */
export function clientFor(emulator: RunningEmulator, readOnly = false): GraphConnector {
  const env = readOnly
    ? {
        ...emulator.env,
        AZURE_CLIENT_ID: emulator.env.AZURE_READONLY_CLIENT_ID,
        AZURE_CLIENT_SECRET: emulator.env.AZURE_READONLY_CLIENT_SECRET,
      }
    : emulator.env;
  return createGraphClient({
    env,
    credential: credentialFromEnvironment(env),
    budgets: TEST_BUDGETS,
    backoff: { baseMs: 20, maxMs: 500 },
  });
}

export function tempDir(): { dir: string; file: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "mfa-evict-collect-"));
  return {
    dir,
    file: (name) => path.join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every record of the case, per kind, in key order — what "the same case" means (provenance times aside). */
export function caseContents(store: CaseStore): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const kind of RECORD_KINDS) {
    out[kind] = [...store.iterate(kind)]
      .map((stored) => `${stored.key} ${JSON.stringify(stored.record)}`)
      .sort();
  }
  return out;
}

export function contentsOf(file: string): Record<string, string[]> {
  const store = openCase(file, { readonly: true });
  try {
    return caseContents(store);
  } finally {
    store.close();
  }
}

/**
 * A client that records what the collector asks Graph for (each request, each `$batch` item, each
 * listing's first page) and can refuse some paths with a Graph error, as a tenant without the
 * licence or the permission would.
 */
export function recordingClient(
  client: GraphConnector,
  refuse?: (path: string) => GraphError | undefined,
): { client: GraphConnector; requests: GraphRequest[] } {
  const requests: GraphRequest[] = [];
  async function* pageStream<T>(start: GraphRequest | { nextLink: string }): AsyncIterable<Page<T>> {
    if ("path" in start) {
      requests.push(start);
      const error = refuse?.(start.path);
      if (error) throw error;
    }
    yield* client.pageStream<T>(start);
  }
  async function* pages<T>(request: GraphRequest): AsyncIterable<T[]> {
    for await (const page of pageStream<T>(request)) yield page.items;
  }
  return {
    requests,
    client: {
      graphUrl: client.graphUrl,
      budgets: client.budgets,
      identity: () => client.identity(),
      close: () => client.close(),
      grantedRoles: () => client.grantedRoles(),
      request: <T>(request: GraphRequest) => {
        requests.push(request);
        return client.request<T>(request);
      },
      pages,
      pageStream,
      batch: <T>(batch: GraphRequest[]) => {
        requests.push(...batch);
        return client.batch<T>(batch);
      },
    },
  };
}

/** One uninterrupted collection of the test window from `emulator` into the case file `file`. */
export async function collectInto(emulator: RunningEmulator, file: string) {
  const client = clientFor(emulator);
  const store = openCase(file);
  try {
    return await collectCase({ client, store, since: SINCE });
  } finally {
    store.close();
    await client.close();
  }
}
