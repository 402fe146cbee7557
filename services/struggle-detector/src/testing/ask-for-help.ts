// Test helper: a learner presses "I'm stuck" twice on one element through the HTTP route, which
// struggle-detector answers with an intervention (a chat offer, or its fallback).
import { exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext } from "@atomic-guide/shared";
import { expect } from "vitest";

const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

export async function askForHelp(auth: AuthContext) {
  const res = await exports.default.fetch(
    new Request("http://struggle-detector/api/cognitive/signals", {
      method: "POST",
      headers: { "X-Atomic-Auth": encodeAuthContext(auth), "Content-Type": "application/json" },
      body: JSON.stringify({
        signals: [
          { type: "help_request", at: iso(-2_000), elementId: "para-3" },
          { type: "help_request", at: iso(-1_000), elementId: "para-3" },
        ],
      }),
    }),
  );
  expect(res.status).toBe(202);
  return (await res.json()) as { intervention?: { kind: string; suggestion?: { text: string } } };
}
