import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { OFFLINE_NONE } from "../providers/offline";
import { ask, call, learner, parseSse } from "../testing/helpers";
import { faqKey } from "./faq";
import { pageBlocks } from "./page-blocks";

const PAGE = [
  "[[block:intro]]",
  "Linear equations have one unknown. To solve one, undo each operation on both sides.",
  "[[block:ex-2]]",
  "Exercise 2: Solve 3x + 7 = 22. Start by subtracting 7 from both sides.",
  "[[block:photo]]",
  "Photosynthesis turns light, water and carbon dioxide into glucose and oxygen.",
].join("\n");

const offline = { provider: "offline" };

describe("page blocks", () => {
  it("splits marked page text into blocks with their ids, in page order", () => {
    expect(pageBlocks(`Preface.\n${PAGE}`).map((b) => b.id)).toEqual([undefined, "intro", "ex-2", "photo"]);
    expect(pageBlocks(PAGE)[1]?.text).toBe("Exercise 2: Solve 3x + 7 = 22. Start by subtracting 7 from both sides.");
  });
});

describe("grounded offline answers", () => {
  it("quotes the exercise on the page and cites its block", async () => {
    const reply = await ask(
      learner(),
      { message: "How do I solve 3x + 7 = 22?", pageContext: { pageContent: PAGE, elementId: "ex-2" } },
      offline,
    );
    expect(reply.response).toContain("> Exercise 2: Solve 3x + 7 = 22. Start by subtracting 7 from both sides.");
    expect(reply.response).not.toContain("couldn't find");
    expect(reply.citations).toEqual([
      { source: "page", id: "ex-2", excerpt: "Exercise 2: Solve 3x + 7 = 22. Start by subtracting 7 from both sides." },
    ]);
  });

  it("carries the citations in the SSE done event", async () => {
    const res = await call(
      learner(),
      "POST",
      "/api/chat/message",
      { message: "What does photosynthesis produce?", pageContext: { pageContent: PAGE } },
      { ...offline, accept: "text/event-stream" },
    );
    const done = parseSse(await res.text()).find((e) => e.event === "done");
    expect(done?.data).toMatchObject({ citations: [{ source: "page", id: "photo" }] });
  });

  it("cites the FAQ entry that answers the question", async () => {
    const me = learner();
    const entry = await exports.default.createFaq(
      { tenantId: me.tenantId },
      { question: "When are office hours?", answer: "Tuesdays 2-4pm in room 101." },
    );
    const reply = await ask(me, { message: "When are the office hours?", pageContext: { pageContent: PAGE } }, offline);
    expect(reply.response).toContain("Tuesdays 2-4pm");
    expect(reply.citations).toEqual([{ source: "faq", id: entry.id, excerpt: "Tuesdays 2-4pm in room 101." }]);
  });

  it("says plainly when neither the page nor the FAQ holds the question's words", async () => {
    const reply = await ask(
      learner(),
      { message: "Who painted the Mona Lisa?", pageContext: { pageContent: PAGE } },
      offline,
    );
    expect(reply.response).toBe(OFFLINE_NONE);
    expect(reply.citations).toEqual([]);
  });
});

describe("citations of a model's answer", () => {
  it("name the page blocks the question draws on, computed from the page rather than the model", async () => {
    const reply = await ask(
      learner(),
      { message: "What does photosynthesis produce?", pageContext: { pageContent: PAGE } },
      { provider: "workers-ai" },
    );
    expect(reply.provider).toBe("workers-ai");
    expect(reply.citations.map((c) => c.id)).toEqual(["photo"]);
  });
});

describe("FAQ search with FTS5 syntax in the question", () => {
  it('finds the entry through FTS5 itself, not the fallback, for a question with ? " * and NEAR', async () => {
    const me = learner();
    await exports.default.createFaq(
      { tenantId: me.tenantId },
      { question: "When are office hours?", answer: "Tuesdays 2-4pm in room 101." },
    );
    // Without the snapshot the KV fallback knows nothing: only D1's FTS5 index can answer.
    await env.KNOWLEDGE.delete(faqKey(me.tenantId));
    const reply = await ask(me, { message: 'office" hours NEAR( * "when are office hours?' }, offline);
    expect(reply.response).toContain("Tuesdays 2-4pm");
  });
});

describe("POST /api/chat/help", () => {
  const help = (kind: string, elementId: string, extra: Record<string, unknown> = {}) =>
    call(
      learner(),
      "POST",
      "/api/chat/help",
      { kind, pageContext: { pageContent: PAGE, elementId, ...extra } },
      offline,
    );

  it("gives a hint about the element with a worked example of a similar problem, never its answer", async () => {
    const res = await help("hint", "ex-2", { graded: true });
    expect(res.status).toBe(200);
    const body = await res.json<{ kind: string; text: string; citations: { id: string }[]; provider: string }>();
    expect(body).toMatchObject({ kind: "hint", provider: "offline", citations: [{ source: "page", id: "ex-2" }] });
    expect(body.text).toContain("A similar problem:");
    expect(body.text).not.toMatch(/x\s*=\s*5\b/);
  });

  it("summarises the element from its own sentences", async () => {
    const body = await (await help("content_summary", "photo")).json<{ text: string; citations: { id: string }[] }>();
    expect(body.text).toContain("Photosynthesis turns light");
    expect(body.citations.map((c) => c.id)).toEqual(["photo"]);
  });

  it("points to the earlier block the element builds on", async () => {
    const body = await (await help("prerequisite_resource", "ex-2")).json<{
      text: string;
      citations: { id: string }[];
    }>();
    expect(body.text).toContain("undo each operation");
    expect(body.citations.map((c) => c.id)).toEqual(["intro"]);
  });

  it("finds what the element builds on when the client sends the element first", async () => {
    const [intro, exercise, photo] = PAGE.split(/\n(?=\[\[block:)/);
    const res = await call(
      learner(),
      "POST",
      "/api/chat/help",
      {
        kind: "prerequisite_resource",
        pageContext: { pageContent: [exercise, photo, intro].join("\n"), elementId: "ex-2" },
      },
      offline,
    );
    const body = await res.json<{ citations: { id: string }[] }>();
    expect(body.citations.map((c) => c.id)).toEqual(["intro"]);
  });

  it("reviews the inverse operations an equation builds on when nothing else on the page explains them", async () => {
    const [, exercise, photo] = PAGE.split(/\n(?=\[\[block:)/);
    const res = await call(
      learner(),
      "POST",
      "/api/chat/help",
      { kind: "prerequisite_resource", pageContext: { pageContent: [exercise, photo].join("\n"), elementId: "ex-2" } },
      offline,
    );
    const body = await res.json<{ text: string; citations: { id: string; excerpt: string }[] }>();
    // The citation quotes the exercise's own line, not the whole block.
    expect(body.citations[0]?.excerpt).toBe("Exercise 2: Solve 3x + 7 = 22.");
    expect(body.text).toContain("Subtracting undoes adding");
    expect(body.text).toContain("Dividing undoes multiplying");
    expect(body.text).not.toContain("couldn't find");
    expect(body.text).not.toMatch(/x\s*=\s*5\b/);
    expect(body.citations.map((c) => c.id)).toEqual(["ex-2"]);
  });

  it("refuses an unknown kind or a missing page context with 400", async () => {
    expect((await help("answer", "ex-2")).status).toBe(400);
    const res = await call(learner(), "POST", "/api/chat/help", { kind: "hint" }, offline);
    expect(res.status).toBe(400);
  });
});
