import { z } from "zod";

/**
 * The body of a Conditional Access policy mfa-evict may write: the writable properties of the
 * CSDL `conditionalAccessPolicy` (no id, dates or templateId), with enum members from the CSDL.
 * `state` is pinned to report-only: a proposal can never enforce a policy.
 */

export const REPORT_ONLY = "enabledForReportingButNotEnforced";

const ids = z.array(z.string().min(1));
const riskLevels = z.array(z.enum(["low", "medium", "high", "hidden", "none"]));

const guests = z
  .object({
    guestOrExternalUserTypes: z.string(),
    externalTenants: z
      .object({ membershipKind: z.enum(["all", "enumerated"]), members: ids.optional() })
      .nullish(),
  })
  .strict();

const users = z
  .object({
    includeUsers: ids,
    excludeUsers: ids,
    includeGroups: ids,
    excludeGroups: ids,
    includeRoles: ids,
    excludeRoles: ids,
    includeGuestsOrExternalUsers: guests.nullish(),
    excludeGuestsOrExternalUsers: guests.nullish(),
  })
  .strict();

const applications = z
  .object({
    includeApplications: ids,
    excludeApplications: ids,
    includeUserActions: z.array(z.enum(["urn:user:registersecurityinfo", "urn:user:registerdevice"])),
    includeAuthenticationContextClassReferences: ids,
    applicationFilter: z
      .object({ mode: z.enum(["include", "exclude"]), rule: z.string() })
      .strict()
      .nullish(),
  })
  .strict();

const conditions = z
  .object({
    users,
    applications,
    clientAppTypes: z
      .array(
        z.enum([
          "all",
          "browser",
          "mobileAppsAndDesktopClients",
          "exchangeActiveSync",
          "easSupported",
          "other",
        ]),
      )
      .min(1),
    locations: z.object({ includeLocations: ids, excludeLocations: ids }).strict().nullish(),
    platforms: z
      .object({
        includePlatforms: z.array(
          z.enum(["android", "iOS", "windows", "windowsPhone", "macOS", "linux", "all"]),
        ),
        excludePlatforms: z.array(
          z.enum(["android", "iOS", "windows", "windowsPhone", "macOS", "linux", "all"]),
        ),
      })
      .strict()
      .nullish(),
    devices: z
      .object({
        deviceFilter: z
          .object({ mode: z.enum(["include", "exclude"]), rule: z.string() })
          .strict()
          .nullish(),
      })
      .strict()
      .nullish(),
    signInRiskLevels: riskLevels,
    userRiskLevels: riskLevels,
    servicePrincipalRiskLevels: riskLevels,
    authenticationFlows: z
      .object({
        transferMethods: z
          .string()
          .regex(/^(deviceCodeFlow|authenticationTransfer)(,(deviceCodeFlow|authenticationTransfer))*$/),
      })
      .strict()
      .nullish(),
  })
  .strict();

const grantControls = z
  .object({
    operator: z.enum(["AND", "OR"]),
    builtInControls: z.array(
      z.enum([
        "block",
        "mfa",
        "compliantDevice",
        "domainJoinedDevice",
        "approvedApplication",
        "compliantApplication",
        "passwordChange",
        "riskRemediation",
      ]),
    ),
    customAuthenticationFactors: ids,
    termsOfUse: ids,
    authenticationStrength: z
      .object({ id: z.string().min(1) })
      .strict()
      .nullish(),
  })
  .strict()
  .refine((grant) => grant.builtInControls.length > 0 || grant.authenticationStrength != null, {
    message: "grantControls must require something (a built-in control or an authentication strength)",
  });

export const proposedPolicySchema = z
  .object({
    displayName: z.string().min(1).max(256),
    description: z.string().nullish(),
    state: z.literal(REPORT_ONLY),
    conditions,
    grantControls,
    sessionControls: z.null(),
  })
  .strict();

export type ProposedPolicy = z.infer<typeof proposedPolicySchema>;
