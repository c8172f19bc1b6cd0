import { describe, expect, test } from "vitest";
import { redactText, redactValue } from "../../src/shared/redact.js";

describe("redaction", () => {
  test("scrubs JWTs, bearer tokens and secret form fields from text", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJlLXZhbHVl";
    const text = `Authorization: Bearer ${jwt} client_secret=s3cr3t~value&scope=x`;
    const out = redactText(text);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain("s3cr3t~value");
    expect(out).toContain("scope=x");
  });

  test("replaces secret-bearing fields at any depth and keeps the rest", () => {
    const out = redactValue({
      user: "a@contoso.com",
      passwordProfile: { password: "Hunter2!", forceChangePasswordNextSignIn: true },
      methods: [{ temporaryAccessPass: "+drkzqAD", lifetimeInMinutes: 60 }],
    });
    expect(out).toEqual({
      user: "a@contoso.com",
      passwordProfile: { password: "[redacted]", forceChangePasswordNextSignIn: true },
      methods: [{ temporaryAccessPass: "[redacted]", lifetimeInMinutes: 60 }],
    });
  });
});
