import { describe, expect, it } from "vitest";
import { humanize } from "../ui/dom";
import { INTERVENTION_HISTORY_COLUMNS, interventionHistoryRows } from "./intervention-history";
import { pickColumns } from "./records";

describe("the learner's intervention history", () => {
  const titles = new Map([["check-understanding", "Check your understanding"]]);
  const titleOf = (id: string) => titles.get(id) ?? humanize(id);

  it("names the part of the page by the heading the learner sees, and says kind and outcome in words", () => {
    const rows = interventionHistoryRows(
      [
        {
          createdAt: "2026-12-04T12:05:00Z",
          kind: "chat_offer",
          elementId: "check-understanding",
          outcome: "accepted",
        },
        { createdAt: "2026-12-04T11:36:00Z", kind: "hint", elementId: "q-two-step", outcome: null },
      ],
      titleOf,
    );
    expect(rows).toEqual([
      { createdAt: "2026-12-04T12:05:00Z", kind: "Chat offer", where: "Check your understanding", outcome: "Accepted" },
      { createdAt: "2026-12-04T11:36:00Z", kind: "Hint", where: "Q two step", outcome: null },
    ]);
    expect(pickColumns(rows, INTERVENTION_HISTORY_COLUMNS)).toEqual(["createdAt", "kind", "where", "outcome"]);
  });

  it("leaves out the place of an intervention about no part of the page", () => {
    expect(interventionHistoryRows([{ kind: "chat_offer", elementId: null }], titleOf)).toEqual([
      { kind: "Chat offer" },
    ]);
  });
});
