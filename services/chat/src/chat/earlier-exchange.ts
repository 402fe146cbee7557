import { onlyAsksForTheAnswer } from "../providers/offline-answer-request";
import { onlyClaimsAValue } from "./answer-check";
import { followUpKind } from "./follow-up-questions";
import { smallTalkReply } from "./small-talk";

/**
 * The learner's last question of their own in the conversation and the guide's answer to it.
 * A follow-up asked after another, after a "thanks", "I got x = 4" or "just tell me the answer" is
 * still about that question; and a value offered after a practice problem is for the problem that
 * answer set, however many values came between.
 */
export function earlierExchange(history: readonly { role: "user" | "assistant"; content: string }[]): {
  question?: string | undefined;
  answer?: string | undefined;
} {
  const at = history.findLastIndex(
    (m) =>
      m.role === "user" &&
      followUpKind(m.content) === undefined &&
      smallTalkReply(m.content) === undefined &&
      !onlyClaimsAValue(m.content) &&
      !onlyAsksForTheAnswer(m.content),
  );
  if (at < 0) return {};
  const reply = history[at + 1];
  return { question: history[at]?.content, answer: reply?.role === "assistant" ? reply.content : undefined };
}
