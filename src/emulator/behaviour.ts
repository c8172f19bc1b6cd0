/**
 * Behaviours the reference marks unconfirmed (graph-entra.md, appendix), as switches with the
 * emulator's default choice, so tests can exercise a client against each variant.
 */
export interface Behaviour {
  /** Deleting the phone method that is the user's default MFA method (appendix item 8). */
  defaultPhoneDeletion: { status: number; code: string; message: string };
  /** DELETE on the password method: the collection has no DELETE operation (appendix item 8). */
  passwordMethodDeletion: { status: number; code: string; message: string };
  /** Status of a throttled item inside `$batch` (appendix item 24): 429 per the batching page, 424 per the throttling page. */
  batchThrottledItemStatus: 429 | 424;
  /** Whether per-user `/authentication/methods` reads count against the reports limit (appendix item 25). */
  methodReadsCountAsReports: boolean;
  /** Whether app-only writes on an administrator's methods or account need a privileged directory role (appendix items 7, 9). */
  adminTargetsNeedPrivilegedRole: boolean;
  /** Status of `revokeSignInSessions` (documented 200 with a body; the page says 204 was intended). */
  revokeSessionsStatus: 200 | 204;
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  defaultPhoneDeletion: {
    status: 400,
    code: "badRequest",
    message:
      "The phone method is the user's default sign-in method and cannot be deleted. Change the default method first.",
  },
  passwordMethodDeletion: {
    status: 405,
    code: "Request_BadRequest",
    message: "The password method cannot be deleted.",
  },
  batchThrottledItemStatus: 429,
  methodReadsCountAsReports: false,
  adminTargetsNeedPrivilegedRole: true,
  revokeSessionsStatus: 200,
};
