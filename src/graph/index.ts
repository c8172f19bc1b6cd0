/** The Graph connector's public surface: the only way the product speaks HTTP to Microsoft Graph. */
export {
  addCharges,
  type BudgetLimits,
  type BudgetName,
  chargeFor,
  DIRECTORY_RESOURCE_UNITS,
  defaultLimits,
  GraphBudgets,
  parseLimits,
  type RequestCharge,
  resourceUnits,
  scopeOf,
  type TenantSize,
  tenantSizeFor,
} from "./budgets.js";
export {
  type GraphClient,
  GraphError,
  type GraphMethod,
  type GraphRequest,
  type GraphResponse,
  type GraphVersion,
} from "./client.js";
export {
  type CredentialEnvironment,
  type CredentialOptions,
  credentialFromEnvironment,
  isMicrosoftAuthorityHost,
} from "./credential.js";
export { GraphOutcomeUnknownError, GraphRetriesExhaustedError } from "./errors.js";
export {
  createGraphClient,
  DEFAULT_GRAPH_URL,
  type GraphClientOptions,
  type GraphConnector,
  MAX_BATCH_SIZE,
  type Page,
} from "./graph-client.js";
export { and, anyEq, eq, ge, inList, le, lt, odataDateTime, odataString, startsWith } from "./odata.js";
export { describeNeed, hasPermission, type PermissionNeed, READ_PERMISSIONS } from "./permissions.js";
export { backoffDelay, parseRetryAfter } from "./retry-timing.js";
export type { TokenIdentity } from "./token-source.js";
export type { WindowLimit } from "./window-budget.js";
