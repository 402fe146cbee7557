// Issue 15's "done when" through the gateway, with no AI account: an answer found only in the
// page content sent with the question quotes it with a `page` citation; a FAQ answer cites the
// entry; a question with no match says so; a hint intervention gets text about its element.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminHeaders, api, DEFAULT_CONTEXT, type Launched, launch, stopSystem } from "../../support/flows";

interface Citation {
  source: "page" | "faq";
  id: string;
  excerpt: string;
}

interface Reply {
  response: string;
  provider: string;
  citations: Citation[];
}

const PAGE_CONTENT = [
  "[[block:intro]]",
  "A linear equation has one unknown. To solve it, undo each operation on both sides.",
  "[[block:exercise-2]]",
  "Exercise 2: Solve 3x + 7 = 22. Start by subtracting 7 from both sides.",
].join("\n");

describe("grounded chat through the gateway (offline)", () => {
  let system: RunningSystem;
  let learner: Launched;

  beforeAll(async () => {
    system = await startSystem();
    learner = await launch(system, { role: "learner", userId: "grounded" });
  });
  afterAll(() => stopSystem(system));

  const ask = async (message: string) => {
    const res = await api(system, learner.apiToken, "/api/chat/message", {
      body: { message, pageContext: { pageContent: PAGE_CONTENT, elementId: "exercise-2", graded: true } },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Reply;
  };

  it("answers from the page content with the passage and a page citation", async () => {
    const reply = await ask("How do I solve 3x + 7 = 22?");
    expect(reply.provider).toBe("offline");
    expect(reply.response).toContain("> Exercise 2: Solve 3x + 7 = 22. Start by subtracting 7 from both sides.");
    expect(reply.citations).toContainEqual(expect.objectContaining({ source: "page", id: "exercise-2" }));
  });

  it("cites the FAQ entry that answers the question", async () => {
    const created = await system.fetch("/admin/tenants/uni-a/faq", {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({
        question: "When is the equations quiz due?",
        answer: "The equations quiz is due on Friday at noon.",
        courseId: DEFAULT_CONTEXT,
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const reply = await ask("When is the equations quiz due?");
    expect(reply.response).toContain("due on Friday at noon");
    expect(reply.citations).toContainEqual(expect.objectContaining({ source: "faq", id }));
  });

  it("says so when neither the page nor the FAQ has the answer", async () => {
    const reply = await ask("Who painted the Mona Lisa?");
    expect(reply.response).toMatch(/couldn't find this in your course FAQ or on this page/);
    expect(reply.citations).toEqual([]);
  });

  it("gives hint text about the element an intervention is about", async () => {
    const res = await api(system, learner.apiToken, "/api/chat/help", {
      body: { kind: "hint", pageContext: { pageContent: PAGE_CONTENT, elementId: "exercise-2", graded: true } },
    });
    expect(res.status).toBe(200);
    const help = (await res.json()) as { kind: string; text: string; citations: Citation[] };
    expect(help.kind).toBe("hint");
    expect(help.text).toContain("A similar problem:");
    expect(help.text).not.toMatch(/x\s*=\s*5\b/);
    expect(help.citations).toContainEqual(expect.objectContaining({ source: "page", id: "exercise-2" }));
  });
});
