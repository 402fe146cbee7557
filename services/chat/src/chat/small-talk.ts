import { typedPhrase } from "./typed-phrase";

/**
 * Greetings, thanks, goodbyes and "who are you?": a whole message of only that has nothing to look up, so the
 * offline provider answers it in kind instead of "couldn't find this", and a later follow-up
 * is not taken to be about it. A message with a question in it is not small talk.
 */
const THANKS = `(?:thanks|thank you|thank you so much|thanks a lot|many thanks|thx|ty|cheers)(?: (?:guide|a lot|so much))?`;
const UNDERSTOOD = `(?:got it|i see|i get it|i understand|understood|that helps|that helped|that makes sense|makes sense|that's clear|great|cool|nice|perfect|awesome)`;

/** What the guide does, for a learner who asks it "who are you?" before asking anything else. */
export const GUIDE_INTRODUCTION =
  "I'm the study guide for this course. I can explain a word or a step on this page, give you a hint when you're stuck, check an answer you worked out, or quiz you on the key ideas. For a graded question I help you find the way, not the answer.";

const KINDS: readonly [RegExp, string][] = [
  [
    /^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening))(?: there| guide| everyone)?$/u,
    "Hello! Ask me about anything on this page: a word, a step, or how to start an exercise.",
  ],
  // Thanks, alone or with an "I see" on either side of it ("thanks, that helps", "great, thank you").
  [
    new RegExp(`^(?:(?:ok|okay|oh) )?(?:${UNDERSTOOD} )?${THANKS}(?: ${UNDERSTOOD})?$`, "u"),
    "You're welcome! Ask again whenever something on the page is unclear.",
  ],
  [
    new RegExp(`^(?:(?:ok|okay|oh)(?: ${UNDERSTOOD})?|${UNDERSTOOD})$`, "u"),
    "Glad that helps. Ask again whenever something on the page is unclear.",
  ],
  [/^(?:bye|goodbye|see you|see you later|good night)$/u, "Good luck with the rest of the page!"],
  [
    /^(?:who are you|what are you|what can you do|what do you do|how can you help(?: me)?|what can i ask(?: you)?|what are you for)$/u,
    GUIDE_INTRODUCTION,
  ],
];

/** The offline reply to a message that is only small talk; undefined for anything else. */
export function smallTalkReply(message: string): string | undefined {
  const text = typedPhrase(message);
  return KINDS.find(([pattern]) => pattern.test(text))?.[1];
}
