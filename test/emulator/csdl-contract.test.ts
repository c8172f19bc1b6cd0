import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Route } from "../../src/emulator/http/router.js";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { DEVICE_PROPERTIES, USER_PROPERTIES } from "../../src/emulator/odata/properties.js";
import { buildRouter } from "../../src/emulator/routes/index.js";
import { type Graph, graphAs, tokenFor } from "../support/emulator-client.js";
import { type CsdlModel, checkValue, loadCsdl, propertyNames } from "../support/emulator-csdl.js";
import { sharedPresent } from "../support/emulator-permissions.js";
import { DEVICES, RESPONDER, tinyTenant, USERS } from "../support/emulator-tenant.js";

/**
 * Every v1.0 GET route the emulator serves, fetched for real and checked against the Graph v1.0
 * CSDL: property names, JSON types and enum members (not hand-picked examples). The tenant is
 * first put through writes and attacker actions so the records they add are checked too.
 */

const notRun = sharedPresent ? "" : "NOT RUN because ../shared is absent: ";
const routes = buildRouter(() => () => ({ status: 500 })).routes.filter(
  (r) => r.method === "GET" && !r.betaOnly && r.responseType,
);

let emu: RunningEmulator;
let graph: Graph;
let model: CsdlModel;
let generated: RunningEmulator;
let generatedGraph: Graph;

beforeAll(async () => {
  if (!sharedPresent) return;
  model = loadCsdl();
  emu = await startEmulator({ tenant: tinyTenant(), throttle: false, auditDelayMs: 0 });
  graph = graphAs(emu, await tokenFor(emu, RESPONDER.appId, RESPONDER.secret));
  const actor = {
    ipAddress: "185.220.101.4",
    userAgent: "Mozilla/5.0",
    location: { city: "Amsterdam", countryOrRegion: "NL" },
  };
  emu.actions.registerMethod({
    ...actor,
    userId: USERS.obrien,
    method: {
      "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
      displayName: "Pixel 8",
    },
    makeDefault: true,
  });
  emu.actions.registerMethod({
    ...actor,
    userId: USERS.obrien,
    method: {
      "@odata.type": "#microsoft.graph.platformCredentialAuthenticationMethod",
      displayName: "MacBook",
      keyStrength: "normal",
      platform: "macOS",
    },
  });
  emu.actions.registerDevice({
    ...actor,
    userId: USERS.obrien,
    displayName: "DESKTOP-7QK2ZPA",
    operatingSystem: "Windows",
    operatingSystemVersion: "10.0.19041.928",
  });
  emu.actions.signIn({ ...actor, userId: USERS.alice, outcome: "mfaDenied" });
  await graph("POST", `/v1.0/users/${USERS.bob}/authentication/temporaryAccessPassMethods`, {});
  await graph("POST", `/v1.0/users/${USERS.bob}/revokeSignInSessions`);
  await graph("PATCH", `/v1.0/devices/${DEVICES.bobLaptop}`, { accountEnabled: false });
  await graph("POST", "/v1.0/identityProtection/riskyUsers/confirmCompromised", { userIds: [USERS.alice] });
  await graph("POST", "/v1.0/identity/conditionalAccess/policies", {
    displayName: "Block legacy auth",
    state: "enabledForReportingButNotEnforced",
    conditions: {
      users: { includeUsers: ["All"] },
      applications: { includeApplications: ["All"] },
      clientAppTypes: ["exchangeActiveSync", "other"],
    },
    grantControls: { operator: "OR", builtInControls: ["block"] },
  });
  // A generated tenant as the tenant model builds it, with the attacker coming back on two users.
  generated = await startEmulator({
    users: 60,
    days: 3,
    seed: "csdl-contract",
    throttle: false,
    auditDelayMs: 0,
  });
  generatedGraph = graphAs(
    generated,
    await tokenFor(generated, generated.env.AZURE_CLIENT_ID!, generated.env.AZURE_CLIENT_SECRET!),
  );
  const [first, second] = [...generated.state.users.keys()];
  generated.actions.registerMethod({
    ...actor,
    userId: first!,
    method: { "@odata.type": "#microsoft.graph.softwareOathAuthenticationMethod" },
  });
  generated.actions.registerDevice({
    ...actor,
    userId: second!,
    displayName: "iPhone",
    operatingSystem: "iOS",
    operatingSystemVersion: "17.5.1",
  });
});
afterAll(async () => {
  await emu?.close();
  await generated?.close();
});

/** Users ordered by how many methods they hold: the richest first, so sub-collections are non-empty. */
function userCandidates(emu: RunningEmulator): string[] {
  return [...emu.state.users.keys()].sort(
    (a, b) => emu.state.methodsOf(b).length - emu.state.methodsOf(a).length,
  );
}

async function firstId(graph: Graph, path: string): Promise<string | undefined> {
  const r = await graph("GET", path);
  return r.status === 200 ? (r.body.value?.[0]?.id as string | undefined) : undefined;
}

/** Concrete path for a route: each parameter from the first item of the collection before it. */
async function concretePath(emu: RunningEmulator, graph: Graph, route: Route): Promise<string | undefined> {
  const parts = route.pattern.split("/").filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.startsWith("{")) {
      out.push(part);
      continue;
    }
    const prefix = `/v1.0/${out.join("/")}`;
    if (part === "{userId}" && out.join("/") === "users") {
      // Pick a user for whom the rest of the route has data.
      const rest = parts
        .slice(i + 1)
        .filter((p) => !p.startsWith("{"))
        .join("/");
      for (const candidate of userCandidates(emu).slice(0, 30)) {
        const r = rest
          ? await graph("GET", `${prefix}/${candidate}/${rest}`)
          : { status: 200, body: { value: [1] } };
        if (r.status === 200 && (r.body.value?.length ?? 1) > 0) {
          out.push(candidate);
          break;
        }
      }
      if (out.length === i) return undefined;
      continue;
    }
    const id = await firstId(graph, prefix);
    if (!id) return undefined;
    out.push(encodeURIComponent(id));
  }
  return `/v1.0/${out.join("/")}`;
}

/** Fetches every route and returns the CSDL problems, and the routes that had nothing to check. */
async function contractProblems(
  emu: RunningEmulator,
  graph: Graph,
): Promise<{ problems: string[]; unexercised: string[] }> {
  const problems: string[] = [];
  const unexercised: string[] = [];
  for (const route of routes) {
    const path = await concretePath(emu, graph, route);
    if (!path) {
      unexercised.push(route.pattern);
      continue;
    }
    const variants = [path];
    if (route.pattern === "/users" || route.pattern === "/users/{userId}") {
      // Every property the tenant stores on users, not only the default set.
      const keys = new Set<string>();
      for (const user of emu.state.users.values())
        for (const key of Object.keys(user)) if (key !== "profile") keys.add(key);
      variants.push(`${path}?$select=${[...keys].join(",")}`);
    }
    if (route.pattern === "/devices") variants.push(`${path}?$expand=registeredOwners,registeredUsers`);
    for (const variant of variants) {
      const r = await graph("GET", variant);
      if (r.status === 403) {
        unexercised.push(`${route.pattern} (403: the app lacks the permission)`);
        continue;
      }
      if (r.status !== 200) {
        problems.push(`${variant}: status ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        continue;
      }
      const { "@odata.context": _c, "@odata.nextLink": _n, "@odata.count": _k, ...entity } = r.body;
      const items = route.collection ? (r.body.value as unknown[]) : [entity];
      if (route.collection && items.length === 0) unexercised.push(`${route.pattern} (empty)`);
      for (const [i, item] of items.entries()) {
        problems.push(...checkValue(model, route.responseType!, item, `${variant}[${i}]`));
      }
    }
  }
  return { problems, unexercised };
}

describe("Graph v1.0 CSDL contract", () => {
  test.skipIf(!sharedPresent)(
    `${notRun}every v1.0 GET route answers with CSDL-conformant shapes (hand-made tenant, after writes)`,
    async () => {
      const { problems, unexercised } = await contractProblems(emu, graph);
      expect(problems).toEqual([]);
      expect(unexercised).toEqual([]);
    },
  );

  test.skipIf(!sharedPresent)(
    `${notRun}every v1.0 GET route answers with CSDL-conformant shapes (generated tenant)`,
    async () => {
      const { problems } = await contractProblems(generated, generatedGraph);
      expect(problems).toEqual([]);
    },
  );

  test.skipIf(!sharedPresent)(
    `${notRun}the $select allow-lists equal the CSDL's user and device properties`,
    () => {
      expect([...USER_PROPERTIES].sort()).toEqual(propertyNames(model, "user"));
      expect([...DEVICE_PROPERTIES].sort()).toEqual(propertyNames(model, "device"));
    },
  );
});
