// The chat flag holds on RPC entries too, not only on forwarded /api requests.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { learner } from "./testing/helpers";

describe("chat's RPC and the tenant's chat flag", () => {
  it("refuses a proactive suggestion for a tenant with chat off", async () => {
    const me = { ...learner(), flags: { chat: false } };
    const refused = await exports.default.suggest(me, { trigger: "idle" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ status: 403, code: "feature_disabled" });
  });

  it("suggests when the flag is on or not carried", async () => {
    for (const flags of [{ chat: true }, undefined]) {
      const me = { ...learner(), ...(flags ? { flags } : {}) };
      const result = await exports.default.suggest(me, { trigger: "idle" });
      expect(result.suggestion.length).toBeGreaterThan(0);
    }
  });
});
