import { describe, expect, it } from "vitest";
import { externalCallsWith } from "../testing/doubles";
import { ask, learner } from "../testing/helpers";
import { Pseudonyms } from "./pseudonyms";

describe("pseudonyms", () => {
  const p = () => new Pseudonyms({ name: "Ada Lovelace", userId: "sub-9f3k2" });

  it("replaces the launch's name and id, and emails and student numbers in the text", () => {
    const masked = p().mask("I'm Ada Lovelace (ada@uni.example, S1234567, 20231234), user sub-9f3k2. Ada here.");
    for (const secret of ["Ada", "Lovelace", "ada@uni.example", "S1234567", "20231234", "sub-9f3k2"]) {
      expect(masked).not.toContain(secret);
    }
    expect(masked).toMatch(/\[NAME_\d+\]/);
  });

  it("leaves identifiers that are not personal data alone", () => {
    const id = crypto.randomUUID();
    expect(p().mask(`3x + 7 = 22, marker ${id}, year 2026`)).toBe(`3x + 7 = 22, marker ${id}, year 2026`);
  });

  it("restores the learner's own data, and found data only as a neutral word", () => {
    const pseudonyms = p();
    const masked = pseudonyms.mask("Ada Lovelace, ada@uni.example");
    expect(pseudonyms.restore(masked)).toBe("Ada Lovelace, (email hidden)");
  });

  it("restores a placeholder split across streamed tokens", () => {
    const pseudonyms = p();
    const placeholder = pseudonyms.mask("Ada Lovelace");
    const out: string[] = [];
    const sink = pseudonyms.restoringSink((t) => out.push(t));
    for (const piece of ["Well done, ", placeholder.slice(0, 3), `${placeholder.slice(3)}!`]) sink.push(piece);
    sink.flush();
    expect(out.join("")).toBe("Well done, Ada Lovelace!");
  });

  it("forwards pieces without a placeholder as they come, and never an empty one", () => {
    const out: string[] = [];
    const sink = p().restoringSink((t) => out.push(t));
    for (const piece of ["Start ", "", "by ", "isolating x."]) sink.push(piece);
    sink.flush();
    expect(out).toEqual(["Start ", "by ", "isolating x."]);
  });
});

describe("what an external provider receives", () => {
  it("holds no personal data from the launch, and the answer greets the learner by name", async () => {
    const me = learner({ name: "Grace Hopper", userId: "lti-sub-77120" });
    const marker = `m${crypto.randomUUID()}`;
    const first = await ask(
      me,
      { message: `I am Grace Hopper, ghopper@navy.example. ${marker}` },
      { provider: "external" },
    );
    const second = await ask(
      me,
      { conversationId: first.conversationId, message: `Greet me please, Grace. [[ext:greet]] ${marker}` },
      { provider: "external" },
    );
    const calls = await externalCallsWith(marker);
    expect(calls).toHaveLength(2);
    const sent = JSON.stringify(calls.map((c) => c.body.messages));
    for (const secret of ["Grace", "Hopper", "ghopper@navy.example", "lti-sub-77120"])
      expect(sent).not.toContain(secret);
    expect(second.response).toContain("Well done, Grace");
  });
});
