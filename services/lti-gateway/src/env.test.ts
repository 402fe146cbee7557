// The gateway's config check: each purpose needs its versioned secret or the legacy one.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { gatewayConfig } from "./env";

const LEGACY = "legacy-key-encryption-secret-0123456789abcdef";
/** A fresh object each time: the parsed config is cached per env object. */
const configured = (secrets: Record<string, string | undefined>) =>
  ({ ...env, KEY_WRAPPING_SECRET: undefined, API_TOKEN_SECRET: undefined, ...secrets }) as unknown as Env;

describe("the gateway's secrets in its config check", () => {
  it("accepts the two versioned secrets without the legacy one", () => {
    expect((env as unknown as Record<string, unknown>).KEY_ENCRYPTION_SECRET).toBeUndefined();
    expect(
      gatewayConfig(
        configured({ KEY_WRAPPING_SECRET: env.KEY_WRAPPING_SECRET, API_TOKEN_SECRET: env.API_TOKEN_SECRET }),
      ).TOOL_NAME,
    ).toBeTruthy();
  });

  it("accepts a legacy-only installation (from before the split)", () => {
    expect(gatewayConfig(configured({ KEY_ENCRYPTION_SECRET: LEGACY })).TOOL_NAME).toBeTruthy();
  });

  it("refuses a gateway with neither the new nor the legacy secret for a purpose, naming it", () => {
    expect(() => gatewayConfig(configured({ KEY_WRAPPING_SECRET: env.KEY_WRAPPING_SECRET }))).toThrow(
      /API_TOKEN_SECRET is not set \(nor the legacy KEY_ENCRYPTION_SECRET\)/,
    );
    expect(() => gatewayConfig(configured({ API_TOKEN_SECRET: env.API_TOKEN_SECRET }))).toThrow(
      /KEY_WRAPPING_SECRET is not set/,
    );
    expect(() => gatewayConfig(configured({}))).toThrow(/KEY_WRAPPING_SECRET is not set.*API_TOKEN_SECRET is not set/);
  });

  it("refuses a malformed versioned secret", () => {
    expect(() =>
      gatewayConfig(
        configured({
          KEY_WRAPPING_SECRET: "not-versioned-0123456789abcdef0123456789",
          API_TOKEN_SECRET: env.API_TOKEN_SECRET,
        }),
      ),
    ).toThrow(/KEY_WRAPPING_SECRET must be v<N>/);
  });
});
