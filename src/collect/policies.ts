import type { RecordKind } from "../store/index.js";
import { type CollectContext, graphProvenance, type PartOutcome } from "./context.js";
import { listAll } from "./list.js";
import { runPart } from "./outcome.js";
import { permissionGate } from "./preflight.js";

interface PolicySource {
  part: string;
  kind: RecordKind;
  path: string;
  /** Singletons are one object; the others are collections. */
  singleton: boolean;
}

/** Grouped by the permission part that gates them (preflight.ts). */
const SOURCES: readonly PolicySource[] = [
  {
    part: "conditionalAccess",
    kind: "conditionalAccessPolicies",
    path: "/identity/conditionalAccess/policies",
    singleton: false,
  },
  {
    part: "conditionalAccess",
    kind: "namedLocations",
    path: "/identity/conditionalAccess/namedLocations",
    singleton: false,
  },
  {
    part: "authenticationMethodsPolicy",
    kind: "authenticationStrengthPolicies",
    path: "/policies/authenticationStrengthPolicies",
    singleton: false,
  },
  {
    part: "authenticationMethodsPolicy",
    kind: "authenticationMethodsPolicy",
    path: "/policies/authenticationMethodsPolicy",
    singleton: true,
  },
  {
    part: "deviceRegistrationPolicy",
    kind: "deviceRegistrationPolicy",
    path: "/policies/deviceRegistrationPolicy",
    singleton: true,
  },
  {
    part: "authorizationPolicy",
    kind: "authorizationPolicy",
    path: "/policies/authorizationPolicy",
    singleton: true,
  },
  {
    part: "securityDefaults",
    kind: "securityDefaults",
    path: "/policies/identitySecurityDefaultsEnforcementPolicy",
    singleton: true,
  },
];

/**
 * Conditional Access policies and named locations (1 request/s per tenant), authentication
 * strengths, and the authentication-methods, device-registration, authorization and
 * security-defaults policies. Each replaces its previous copy; one refusal skips only its part.
 */
export async function collectPolicies(ctx: CollectContext): Promise<PartOutcome[]> {
  ctx.progress.begin("policies", SOURCES.length);
  const outcomes: PartOutcome[] = [];
  for (const part of [...new Set(SOURCES.map((source) => source.part))]) {
    const denied = permissionGate(ctx.granted, "policies", part);
    if (denied) {
      outcomes.push(denied);
      continue;
    }
    const sources = SOURCES.filter((source) => source.part === part);
    outcomes.push(
      await runPart("policies", part, async (count) => {
        for (const source of sources) {
          const records = source.singleton
            ? singleton((await ctx.client.request({ method: "GET", path: source.path })).body)
            : await listAll(ctx.client, { path: source.path });
          ctx.store.replaceInventory(source.kind, undefined, records, graphProvenance(source.path));
          ctx.progress.advance("policies", 1);
          count(records.length);
        }
        return undefined;
      }),
    );
  }
  ctx.progress.end("policies", "done");
  return outcomes;
}

/**
 * A singleton policy, without the response's OData control annotations (`@odata.context` names the
 * server, not the policy; `@odata.type` is data and stays). Some tenants/versions answer with a
 * one-item collection instead.
 */
function singleton(body: unknown): unknown[] {
  const value = (body as { value?: unknown } | undefined)?.value;
  if (Array.isArray(value)) return value;
  if (body === null || typeof body !== "object") return [body];
  return [
    Object.fromEntries(
      Object.entries(body).filter(([key]) => !key.startsWith("@odata.") || key === "@odata.type"),
    ),
  ];
}
