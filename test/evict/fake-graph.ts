import type { GraphClient, GraphRequest, GraphResponse } from "../../src/graph/client.js";
import { GraphError } from "../../src/graph/client.js";
import { GraphOutcomeUnknownError } from "../../src/graph/errors.js";
import type { AuthenticationMethod, Device, ODataCollection, User } from "../../src/graph/types.js";
import { METHOD_COLLECTIONS } from "../../src/graph/types.js";

/**
 * A small in-memory Graph for executor unit tests: the endpoints eviction uses, a write log (the
 * "audit" witness), and a kill switch that simulates the process dying — every later call (Graph or
 * journal) throws — either just before or just after a chosen write reaches the service.
 */

export class ProcessKilled extends Error {
  override name = "ProcessKilled";
}

export interface FakeTenant {
  users: User[];
  methods: Map<string, AuthenticationMethod[]>;
  devices: Device[];
  defaultMethod?: Map<string, string>;
}

export interface KillSwitch {
  /** 1-based index of the write at which the process dies. */
  atWrite: number;
  /** "before": the write never reaches the service; "after": it lands but the answer is lost. */
  when: "before" | "after";
}

const COLLECTION_TYPES = new Map(
  Object.entries(METHOD_COLLECTIONS).map(([type, collection]) => [collection.toLowerCase(), type]),
);

/**
 * Graph loses the answer to a chosen write (the connector then throws GraphOutcomeUnknownError):
 * "before" — the write never ran; "after" — it ran; "late" — it runs, but only after the next write
 * (a gateway gave up while the workload was still busy with it).
 */
export interface LostAnswer {
  /** 1-based index of the write whose answer is lost. */
  atWrite: number;
  when: "before" | "after" | "late";
  /** Reads that fail right after the loss (the state cannot be read back). */
  thenFailReads?: number;
}

export class FakeGraph implements GraphClient {
  writes: { method: string; path: string }[] = [];
  dead = false;
  kill?: KillSwitch;
  lose?: LostAnswer;
  /** Reads fail (as after the connector's retry cap) while this is above zero; each failure counts it down. */
  failReads = 0;
  /** The password each user was last given, as the service holds it. */
  readonly passwords = new Map<string, string>();
  private late?: GraphRequest;
  roles: string[];
  private tapCounter = 0;

  constructor(
    readonly tenant: FakeTenant,
    roles: string[],
  ) {
    this.roles = roles;
  }

  private fail(status: number, code: string, request: GraphRequest): never {
    throw new GraphError(status, code, code, { method: request.method, path: request.path });
  }

  async request<T = unknown>(request: GraphRequest): Promise<GraphResponse<T>> {
    if (this.dead) throw new ProcessKilled("dead");
    await Promise.resolve();
    // A dead process sends nothing, even a call that was already on its way through this function.
    if (this.dead) throw new ProcessKilled("dead");
    const isWrite = request.method !== "GET";
    if (!isWrite && this.failReads > 0) {
      this.failReads -= 1;
      this.fail(503, "serviceNotAvailable", request);
    }
    if (isWrite) {
      const n = this.writes.length + 1;
      if (this.kill?.atWrite === n && this.kill.when === "before") {
        this.dead = true;
        throw new ProcessKilled("killed before write");
      }
      const lost = () =>
        new GraphOutcomeUnknownError(
          { status: 504, code: "GatewayTimeout", message: "the gateway gave up waiting" },
          { method: request.method, path: request.path },
        );
      if (this.lose?.atWrite === n && this.lose.when !== "after") {
        // Counted as a write so the switch fires once; "before" takes it back (it never ran).
        this.lose = { ...this.lose, atWrite: 0 };
        if (this.lose.when === "late") this.late = request;
        this.failReads = this.lose.thenFailReads ?? 0;
        throw lost();
      }
      const result = this.handle(request);
      this.writes.push({ method: request.method, path: request.path });
      if (this.late) {
        const late = this.late;
        this.late = undefined;
        this.handle(late);
        this.writes.push({ method: late.method, path: late.path });
      }
      if (this.lose?.atWrite === n && this.lose.when === "after") {
        this.failReads = this.lose.thenFailReads ?? 0;
        this.lose = undefined;
        throw lost();
      }
      if (this.kill?.atWrite === n && this.kill.when === "after") {
        this.dead = true;
        throw new ProcessKilled("killed after write");
      }
      return { status: 200, headers: {}, body: result as T };
    }
    return { status: 200, headers: {}, body: this.handle(request) as T };
  }

  async *pages<T = unknown>(request: GraphRequest): AsyncIterable<T[]> {
    const body = (await this.request<ODataCollection<T>>(request)).body;
    yield body.value;
  }

  async batch<T = unknown>(requests: GraphRequest[]): Promise<(GraphResponse<T> | GraphError)[]> {
    const out: (GraphResponse<T> | GraphError)[] = [];
    for (const r of requests) {
      try {
        out.push(await this.request<T>(r));
      } catch (error) {
        if (error instanceof GraphError) out.push(error);
        else throw error;
      }
    }
    return out;
  }

  async grantedRoles(): Promise<string[]> {
    if (this.dead) throw new ProcessKilled("dead");
    return this.roles;
  }

  readonly riskStates = new Map<string, string>();
  managedDevices: { id: string; azureADDeviceId: string; managementState: string }[] = [];
  private clock = 0;
  /** Strictly increasing timestamps, as a real service's 100-ns resolution gives in practice. */
  private tick(): string {
    this.clock = Math.max(this.clock + 1, Date.now());
    return new Date(this.clock).toISOString();
  }

  private user(id: string, request: GraphRequest): User {
    return (
      this.tenant.users.find((u) => u.id === decodeURIComponent(id)) ??
      this.fail(404, "Request_ResourceNotFound", request)
    );
  }

  private handle(request: GraphRequest): unknown {
    const parts = request.path.split("/").filter(Boolean);
    const now = this.tick();
    if (parts[0] === "users") {
      const user = this.user(parts[1]!, request);
      if (parts.length === 2) {
        if (request.method === "GET") return user;
        if (request.method === "PATCH") {
          const password = (request.body as { passwordProfile?: { password?: string } }).passwordProfile
            ?.password;
          if (password) this.passwords.set(user.id, password);
          // As Entra (and the emulator) do, a new password also ends earlier sessions.
          user.lastPasswordChangeDateTime = now;
          user.signInSessionsValidFromDateTime = now;
          return undefined;
        }
      }
      if (parts[2] === "revokeSignInSessions") {
        user.signInSessionsValidFromDateTime = now;
        return { value: true };
      }
      if (parts[2] === "authentication") {
        const list = this.tenant.methods.get(user.id) ?? [];
        this.tenant.methods.set(user.id, list);
        const collection = parts[3]!.toLowerCase();
        if (collection === "methods") return { value: list };
        if (collection === "signinpreferences") {
          if (request.method === "PATCH") {
            const pref = (request.body as { userPreferredMethodForSecondaryAuthentication: string })
              .userPreferredMethodForSecondaryAuthentication;
            this.tenant.defaultMethod?.delete(user.id);
            return { userPreferredMethodForSecondaryAuthentication: pref };
          }
          return {};
        }
        const type = COLLECTION_TYPES.get(collection);
        if (!type) this.fail(400, "badRequest", request);
        if (collection === "temporaryaccesspassmethods" && parts.length === 4) {
          if (request.method === "GET") return { value: list.filter((m) => m["@odata.type"] === type) };
          const tap = {
            "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod" as const,
            id: `tap-${++this.tapCounter}`,
            createdDateTime: now,
            ...(request.body as object),
          };
          this.tenant.methods.set(user.id, [...list.filter((m) => m["@odata.type"] !== type), tap]);
          return { ...tap, temporaryAccessPass: `CODE${this.tapCounter}x` };
        }
        const methodId = decodeURIComponent(parts[4]!);
        const method = list.find((m) => m.id === methodId && m["@odata.type"] === type);
        if (!method) this.fail(404, "itemNotFound", request);
        if (request.method === "GET") return method;
        if (request.method === "DELETE") {
          if (this.tenant.defaultMethod?.get(user.id) === methodId && list.length > 2)
            this.fail(400, "badRequest", request);
          this.tenant.methods.set(
            user.id,
            list.filter((m) => m !== method),
          );
          return undefined;
        }
      }
    }
    if (parts[0] === "identityProtection" && parts[1] === "riskyUsers") {
      if (request.method === "POST" && parts[2] === "confirmCompromised") {
        for (const id of (request.body as { userIds: string[] }).userIds)
          this.riskStates.set(id, "confirmedCompromised");
        return undefined;
      }
      const id = decodeURIComponent(parts[2]!);
      const state = this.riskStates.get(id);
      return state ? { id, riskState: state } : this.fail(404, "itemNotFound", request);
    }
    if (parts[0] === "deviceManagement" && parts[1] === "managedDevices") {
      if (parts.length === 2) {
        const wanted = /^azureADDeviceId eq '(.*)'$/
          .exec(request.query?.$filter ?? "")?.[1]
          ?.replaceAll("''", "'");
        return { value: this.managedDevices.filter((m) => m.azureADDeviceId === wanted) };
      }
      const managed =
        this.managedDevices.find((m) => m.id === decodeURIComponent(parts[2]!)) ??
        this.fail(404, "itemNotFound", request);
      if (request.method === "POST" && parts[3] === "retire") {
        managed.managementState = "retirePending";
        return undefined;
      }
    }
    if (parts[0] === "devices") {
      const id = decodeURIComponent(parts[1]!);
      const device =
        this.tenant.devices.find((d) => d.id === id) ?? this.fail(404, "Request_ResourceNotFound", request);
      if (request.method === "GET") return device;
      if (request.method === "PATCH") {
        if (!/^windows/i.test(device.operatingSystem ?? ""))
          this.fail(403, "Authorization_RequestDenied", request);
        Object.assign(device, request.body);
        return undefined;
      }
      if (request.method === "DELETE") {
        this.tenant.devices = this.tenant.devices.filter((d) => d !== device);
        return undefined;
      }
    }
    return this.fail(400, "badRequest", request);
  }
}
