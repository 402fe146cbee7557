// Test helper: a learner presses "I'm stuck" twice on one element through the HTTP route, which
// struggle-detector answers with an intervention (a chat offer, or its fallback).
import type { AuthContext } from "@atomic-guide/shared";
import { expect } from "vitest";
import { call, iso } from "./api-calls";

export async function askForHelp(auth: AuthContext) {
  const res = await call(auth, "POST", "/api/cognitive/signals", {
    signals: [
      { type: "help_request", at: iso(-2_000), elementId: "para-3" },
      { type: "help_request", at: iso(-1_000), elementId: "para-3" },
    ],
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { intervention?: { kind: string; suggestion?: { text: string } } };
}
