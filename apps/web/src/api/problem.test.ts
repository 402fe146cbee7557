import { describe, expect, it } from "vitest";
import { describeProblem, parseRetryAfter, problemFrom } from "./problem";

describe("problemFrom", () => {
  it("maps the contract's statuses and codes to what the page must say", () => {
    expect(problemFrom(401, { error: { code: "token_expired", message: "x" } }, null).kind).toBe("expired");
    expect(problemFrom(403, { error: { code: "feature_disabled", message: "x" } }, null).kind).toBe("feature_disabled");
    expect(problemFrom(403, { error: { code: "forbidden", message: "x" } }, null).kind).toBe("forbidden");
    expect(problemFrom(404, null, null).kind).toBe("not_found");
    expect(problemFrom(400, "not json", null)).toMatchObject({ kind: "invalid", code: "http_400" });
    expect(problemFrom(503, null, "12")).toMatchObject({ kind: "unavailable", retryAfter: 12 });
  });

  it("takes the wait from Retry-After on 429, with a default when it is missing", () => {
    expect(problemFrom(429, null, "7").retryAfter).toBe(7);
    expect(problemFrom(429, null, null).retryAfter).toBe(30);
    expect(describeProblem(problemFrom(429, null, "7"))).toContain("7 seconds");
  });

  it("tells an expired learner to relaunch from the course", () => {
    expect(describeProblem(problemFrom(401, null, null))).toContain("relaunch Atomic Guide from your course");
  });
});

describe("parseRetryAfter", () => {
  it("accepts delta-seconds and HTTP dates, ignoring junk", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
