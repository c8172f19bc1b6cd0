import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter } from "../../src/graph/retry-timing.js";

describe("Retry-After", () => {
  it("reads delta-seconds, fractional seconds and HTTP-dates", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter("2.128")).toBe(2128);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("backoff", () => {
  it("grows exponentially with jitter in [d/2, d] and respects the cap", () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(800);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    expect(backoffDelay(10, policy, () => 0)).toBe(500);
  });
});
