import { describe, expect, it } from "vitest";
import { and, anyEq, eq, ge, odataDateTime, odataString, startsWith } from "../../src/graph/odata.js";

describe("OData literals", () => {
  it("doubles single quotes inside string literals", () => {
    expect(odataString("o'brien@contoso.com")).toBe("'o''brien@contoso.com'");
    expect(odataString("''")).toBe("''''''");
    expect(eq("userPrincipalName", "o'brien@contoso.com")).toBe(
      "userPrincipalName eq 'o''brien@contoso.com'",
    );
    expect(startsWith("displayName", "D'Arcy")).toBe("startswith(displayName, 'D''Arcy')");
  });

  it("writes dates as UTC DateTimeOffset literals and refuses non-dates", () => {
    expect(ge("createdDateTime", "2026-05-01T02:00:00+02:00")).toBe(
      "createdDateTime ge 2026-05-01T00:00:00.000Z",
    );
    expect(() => odataDateTime("yesterday")).toThrow(/not a date/);
  });

  it("refuses property paths that could smuggle query text", () => {
    expect(() => eq("userPrincipalName eq 'x' or true", "y")).toThrow(/not an OData property path/);
    expect(eq("status/errorCode", 500121)).toBe("status/errorCode eq 500121");
  });

  it("builds lambda filters and joins clauses, parenthesising a top-level or", () => {
    expect(anyEq("signInEventTypes", "nonInteractiveUser")).toBe(
      "signInEventTypes/any(t: t eq 'nonInteractiveUser')",
    );
    expect(and(eq("a", "x or y"), undefined, "b eq 1 or b eq 2")).toBe(
      "a eq 'x or y' and (b eq 1 or b eq 2)",
    );
  });
});
