/** Bad input to posture (unknown break-glass account, malformed proposal file): exit code 2 territory. */
export class PostureInputError extends Error {
  override name = "PostureInputError";
}
