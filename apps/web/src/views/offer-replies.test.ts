import { describe, expect, it } from "vitest";
import { offerReplies } from "./offer-replies";

describe("the replies an offer invites", () => {
  it("are the things it offers, as messages the guide answers on their own", () => {
    expect(
      offerReplies('Still with "Solving linear equations"? I can summarise it or quiz you on the key ideas.'),
    ).toEqual(["Summarise this page", "Quiz me"]);
    expect(offerReplies("Need a hand? I can summarise this page or answer a question about it.")).toEqual([
      "Summarise this page",
    ]);
    expect(offerReplies("This part can be tricky. Want me to walk you through it step by step?")).toEqual([
      "Help me with this",
    ]);
    expect(offerReplies("Want to talk it through? The assistant can help with what you are working on.")).toEqual([]);
  });
});
