import { describe, expect, it } from "vitest";
import { AUTH_CONTEXT_HEADER, type AuthContext, authContextFrom, encodeAuthContext } from "./auth-context";

const someone = (tenantId: string): AuthContext => ({
  tenantId,
  userId: "user-1",
  roles: [],
  isInstructor: false,
});

describe("authContextFrom", () => {
  it("decodes a request's identity once and answers the same identity after", () => {
    const request = new Request("https://svc/api", {
      headers: { [AUTH_CONTEXT_HEADER]: encodeAuthContext(someone("tenant-a")) },
    });
    const first = authContextFrom(request);
    expect(first).toEqual(someone("tenant-a"));
    expect(authContextFrom(request)).toBe(first);
  });

  it("reads the header again when it changed on the same request", () => {
    const request = new Request("https://svc/api", {
      headers: { [AUTH_CONTEXT_HEADER]: encodeAuthContext(someone("tenant-a")) },
    });
    expect(authContextFrom(request).tenantId).toBe("tenant-a");
    request.headers.set(AUTH_CONTEXT_HEADER, encodeAuthContext(someone("tenant-b")));
    expect(authContextFrom(request).tenantId).toBe("tenant-b");
    request.headers.set(AUTH_CONTEXT_HEADER, "garbage");
    expect(() => authContextFrom(request)).toThrow(/could not be read/);
    request.headers.delete(AUTH_CONTEXT_HEADER);
    expect(() => authContextFrom(request)).toThrow(/required/);
  });
});
