// The chat flag holds on struggle-detector's own calls: a learner of a tenant with chat off who
// asks for help gets the fallback intervention, never a chat offer.
import { exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";

const learner = (userId: string, chat: boolean): AuthContext => ({
  tenantId: "flags-uni",
  userId,
  roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
  isInstructor: false,
  contextId: "course-1",
  flags: { chat, struggleDetection: true, analytics: true },
});

const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

async function askForHelp(auth: AuthContext) {
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

describe("chat offers and the tenant's chat flag", () => {
  it("offers chat, worded by chat, when the tenant has chat on", async () => {
    const reply = await askForHelp(learner("helped", true));
    expect(reply.intervention?.kind).toBe("chat_offer");
    expect(reply.intervention?.suggestion?.text).toBeTruthy();
  });

  it("offers the fallback instead when the tenant has chat off", async () => {
    const reply = await askForHelp(learner("no-chat", false));
    expect(reply.intervention?.kind).toBe("hint");
    expect(reply.intervention?.suggestion).toBeUndefined();
  });
});
