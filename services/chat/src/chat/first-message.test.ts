import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { conversationStub, learnerStub } from "../do/stubs";
import { externalCallsWith } from "../testing/doubles";
import { call, learner, parseSse } from "../testing/helpers";
import type { ChatReply } from "./schemas";

/** Resolves once the external model (a loopback server) has been asked the question carrying `marker`. */
async function modelAsked(marker: string): Promise<void> {
  while ((await externalCallsWith(marker)).length === 0) await new Promise((r) => setTimeout(r, 10));
}

describe("a new conversation's first message", () => {
  it("is stored once the model has been asked, not before, and still before the answer", async () => {
    const me = learner();
    const owner = { tenantId: me.tenantId, userId: me.userId };
    const marker = crypto.randomUUID();
    // A model that holds the request without a first token: the turn waits on it until chat's
    // first-token timer gives up, then the offline provider answers.
    const response = call(
      me,
      "POST",
      "/api/chat/message",
      { message: `What is entropy? [[ext:hang]] ${marker}` },
      { provider: "external", accept: "text/event-stream" },
    );
    await modelAsked(marker);
    const [listed] = await learnerStub(env, me).conversations();
    if (!listed) throw new Error("the learner's index has no conversation");
    // The model is being asked and the conversation's object holds nothing yet.
    expect(await conversationStub(env, me.tenantId, listed.conversationId).history(owner, 20)).toBeNull();

    const events = parseSse(await (await response).text());
    const done = events.at(-1);
    expect(done?.event).toBe("done");
    const reply = done?.data as ChatReply;
    expect(reply.conversationId).toBe(listed.conversationId);
    const history = await conversationStub(env, me.tenantId, reply.conversationId).history(owner, 20);
    expect(history?.map((m) => [m.role, m.content])).toEqual([
      ["user", `What is entropy? [[ext:hang]] ${marker}`],
      ["assistant", reply.response],
    ]);
  });
});
