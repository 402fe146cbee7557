// The chat flag holds on struggle-detector's own calls: a learner of a tenant with chat off who
// asks for help gets the fallback intervention, never a chat offer.
import type { AuthContext } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";
import { askForHelp } from "../testing/ask-for-help";

const learner = (userId: string, chat: boolean): AuthContext => ({
  tenantId: "flags-uni",
  userId,
  roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
  isInstructor: false,
  contextId: "course-1",
  flags: { chat, struggleDetection: true, analytics: true },
});

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
