import { describe, expect, test } from "vitest";
import { scrub } from "../../src/emulator/log.js";
import { evaluate, FilterSyntaxError, filterUsage, parseFilter } from "../../src/emulator/odata/filter.js";

/** The `$filter` parser and evaluator on their own, and the request log's secret scrubbing. */

const user = {
  id: "1",
  userPrincipalName: "O'Brien@contoso.com",
  accountEnabled: true,
  createdDateTime: "2026-05-01T10:00:00Z",
  signInActivity: { lastSignInDateTime: "2026-05-03T09:00:00Z" },
  methodsRegistered: ["mobilePhone", "fido2"],
  targetResources: [{ id: "t1", displayName: "Alice" }],
};

describe("$filter", () => {
  test.each([
    ["userPrincipalName eq 'o''brien@contoso.com'", true],
    ["userPrincipalName eq 'obrien@contoso.com'", false],
    ["startswith(userPrincipalName,'o''b')", true],
    ["endswith(userPrincipalName,'@contoso.com') and accountEnabled eq true", true],
    ["accountEnabled eq false or (id eq '1' and not (id eq '2'))", true],
    ["id in ('3', '1')", true],
    ["createdDateTime ge 2026-05-01T00:00:00Z and createdDateTime le 2026-05-02T00:00:00Z", true],
    ["signInActivity/lastSignInDateTime lt 2026-05-02T00:00:00Z", false],
    ["methodsRegistered/any(m: m eq 'fido2')", true],
    ["targetResources/any(t: t/id eq 't2')", false],
    ["accountEnabled ne null", true],
  ])("%s → %s", (text, expected) => {
    expect(evaluate(parseFilter(text), user)).toBe(expected);
  });

  test("syntax errors are reported, not guessed around", () => {
    for (const bad of [
      "userPrincipalName eq 'unterminated",
      "id eq",
      "id frob 'x'",
      "(id eq '1'",
      "startswith(id)",
    ]) {
      expect(() => parseFilter(bad), bad).toThrow(FilterSyntaxError);
    }
  });

  test("usage lists each property with its operator, lambda bodies under coll/any", () => {
    const usage = filterUsage(
      parseFilter(
        "targetResources/any(t: t/id eq 'x') and methodsRegistered/any(m: m eq 'y') and id in ('1')",
      ),
    );
    expect(usage).toEqual([
      { path: "targetResources/any/id", op: "eq" },
      { path: "methodsRegistered/any", op: "eq" },
      { path: "id", op: "in" },
    ]);
  });
});

describe("request log", () => {
  test("scrubs tokens and secrets", () => {
    const line = scrub(
      "POST /t/oauth2/v2.0/token client_secret=abc123&client_assertion=eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl Bearer eyJ0eXAiOiJKV1QiLCJ.eyJhdWQiOiJodHRwcz.abc-def_ghi",
    );
    expect(line).not.toContain("abc123");
    expect(line).not.toContain("eyJ0eXAiOiJKV1QiLCJ");
    expect(line).toContain("client_secret=[redacted]");
  });
});
