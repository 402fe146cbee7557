import { describe, expect, it } from "vitest";
import { ApiError, errorToResponse, publicError, publicErrorBody } from "./errors";
import { socketErrorFrame } from "./socket";

const unavailable = () =>
  new ApiError(503, "service_unavailable", "That part of the tool is unavailable right now.", { "Retry-After": "7" });

describe("one public form of a failure for HTTP, SSE and sockets", () => {
  it("shows an ApiError as written, a 503 with its Retry-After included", () => {
    expect(publicError(unavailable())).toEqual({
      status: 503,
      code: "service_unavailable",
      message: "That part of the tool is unavailable right now.",
      headers: { "Retry-After": "7" },
    });
  });

  it("shows an error that crossed RPC (code and status, no prototype) like an ApiError", () => {
    const crossed = Object.assign(new Error("Slow down."), { status: 429, code: "rate_limited" });
    expect(publicError(crossed)).toMatchObject({ status: 429, code: "rate_limited", message: "Slow down." });
  });

  it("hides anything else behind internal_error, never its message", () => {
    const failure = publicError(new Error("D1_ERROR: secret table name"));
    expect(failure).toEqual({
      status: 500,
      code: "internal_error",
      message: "Something went wrong on our side.",
      headers: {},
    });
  });

  it("HTTP, SSE and socket answers carry the same code and message", async () => {
    for (const e of [unavailable(), new ApiError(404, "not_found", "Not found."), new TypeError("boom")]) {
      const expected = publicError(e);
      const response = errorToResponse(e);
      expect(response.status).toBe(expected.status);
      expect(await response.json()).toEqual({ error: { code: expected.code, message: expected.message } });
      expect(publicErrorBody(e)).toEqual({ error: { code: expected.code, message: expected.message } });
      expect(socketErrorFrame(e)).toEqual({ type: "error", code: expected.code, message: expected.message });
    }
  });

  it("an HTTP answer carries the failure's headers over the caller's", () => {
    const response = errorToResponse(unavailable(), { "Retry-After": "1", "X-Extra": "yes" });
    expect(response.headers.get("Retry-After")).toBe("7");
    expect(response.headers.get("X-Extra")).toBe("yes");
  });
});
