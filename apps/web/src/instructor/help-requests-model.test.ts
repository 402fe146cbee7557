import { describe, expect, it } from "vitest";
import { ago, describeRequest, readHelpRequests } from "./help-requests-model";

const now = Date.now();
const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();

describe("help requests", () => {
  it("reads the list newest first, and refuses an answer that is not one", () => {
    const list = readHelpRequests({
      contextId: "course-1",
      from: at(60 * 24 * 7),
      to: at(0),
      requests: [
        { interventionId: "a", userId: "u1", name: "Ada Lovelace", elementId: "q-1", at: at(30) },
        { interventionId: "b", userId: "u2", name: null, elementId: null, at: at(2) },
      ],
    });
    expect(list?.map((r) => r.interventionId)).toEqual(["b", "a"]);
    expect(readHelpRequests({ requests: [{ userId: "u1" }] })).toBeNull();
    expect(readHelpRequests("nonsense")).toBeNull();
  });

  it("says who asked, where and when", () => {
    const [withName, withoutName] = [
      { interventionId: "a", userId: "u1", name: "Ada Lovelace", elementId: "q-1", at: at(5) },
      { interventionId: "b", userId: "u2", name: null, elementId: null, at: at(120) },
    ];
    expect(describeRequest(withName, now)).toBe("Ada Lovelace asked for your help on q-1, 5 minutes ago.");
    expect(describeRequest(withoutName, now)).toBe("Learner u2 asked for your help, 2 hours ago.");
    expect(ago(at(0), now)).toBe("just now");
    expect(ago(at(1), now)).toBe("1 minute ago");
    expect(ago(at(60 * 72), now)).toBe("3 days ago");
  });
});
