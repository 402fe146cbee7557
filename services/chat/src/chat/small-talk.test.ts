import { describe, expect, it } from "vitest";
import { composeOfflineAnswer, OFFLINE_NONE } from "../providers/offline";
import { followUpLabel } from "../providers/offline-follow-up";
import { ask, learner } from "../testing/helpers";
import { FOLLOW_UPS } from "./follow-up-questions";
import { GUIDE_INTRODUCTION, smallTalkReply } from "./small-talk";

const EQUATION = "How do I solve 3x + 7 = 22?";
const PAGE = "[[block:exercise-1]]\nExercise 1\n\n[[block:q-one-step]]\nSolve 3x + 7 = 22 using the balance method.";

describe("small talk", () => {
  it("answers a greeting, thanks or goodbye in kind offline, instead of 'couldn't find this'", () => {
    const offline = (question: string) =>
      composeOfflineAnswer({ messages: [], maxTokens: 100, question, pageContent: PAGE, tenantId: "t" }, []).text;
    expect(offline("Hello!")).toMatch(/^Hello! Ask me about anything on this page/);
    expect(offline("thank you so much :)")).toMatch(/^You're welcome!/);
    expect(offline("Ok, got it")).toMatch(/^Glad that helps/);
    expect(offline("makes sense.")).toMatch(/^Glad that helps/);
    expect(offline("zebra quantum gravity")).toBe(OFFLINE_NONE);
    expect(offline("Bye")).toBe("Good luck with the rest of the page!");
  });

  it("takes thanks with an 'I see' either side of it as thanks, as learners type it", () => {
    for (const thanks of [
      "thanks, that helps",
      "Thank you, that makes sense!",
      "great, thanks",
      "ok thanks",
      "got it, thank you :)",
    ]) {
      expect(smallTalkReply(thanks), thanks).toMatch(/^You're welcome!/);
    }
    for (const understood of ["I get it", "that's clear", "okay, I understand"]) {
      expect(smallTalkReply(understood), understood).toMatch(/^Glad that helps/);
    }
    expect(smallTalkReply("thanks, that helps with exercise 2")).toBeUndefined();
  });

  it("says what the guide can do when asked who it is, instead of 'couldn't find this'", () => {
    for (const asked of ["Who are you?", "what can you do", "How can you help me?", "What can I ask you?"]) {
      expect(smallTalkReply(asked), asked).toBe(GUIDE_INTRODUCTION);
    }
    expect(GUIDE_INTRODUCTION).toMatch(/hint .* check an answer .* quiz you/);
    expect(smallTalkReply("who are you going to tell?")).toBeUndefined();
  });

  it("is only a whole message of it: a question with a greeting in front is a question", () => {
    expect(smallTalkReply("hi, how do I solve 3x + 7 = 22?")).toBeUndefined();
    expect(smallTalkReply("thanks, but what is a linear equation")).toBeUndefined();
    expect(smallTalkReply("Thanks!")).toBeDefined();
  });

  it("is skipped when a follow-up looks for the learner's last real question", async () => {
    const me = learner();
    const pageContext = { pageContent: PAGE, elementId: "q-one-step" };
    const first = await ask(me, { message: EQUATION, pageContext }, { provider: "offline" });
    const next = (message: string) =>
      ask(me, { message, conversationId: first.conversationId, pageContext }, { provider: "offline" });
    expect((await next("Thanks!")).response).toMatch(/^You're welcome!/);
    const followUp = await next(FOLLOW_UPS.example);
    expect(followUp.response.startsWith(followUpLabel(EQUATION))).toBe(true);
    expect(followUp.response).toContain("A similar problem: 4y + 4 = 32.");
  });
});
