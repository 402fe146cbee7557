import { typedPhrase } from "./typed-phrase";

/**
 * Greetings, thanks and goodbyes: a whole message of only that has nothing to look up, so the
 * offline provider answers it in kind instead of "couldn't find this", and a later follow-up
 * is not taken to be about it. A message with a question in it is not small talk.
 */
const KINDS: readonly [RegExp, string][] = [
  [
    /^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening))(?: there| guide| everyone)?$/u,
    "Hello! Ask me about anything on this page: a word, a step, or how to start an exercise.",
  ],
  [
    /^(?:thanks|thank you|thank you so much|thanks a lot|many thanks|thx|ty|cheers)(?: (?:guide|a lot|so much))?$/u,
    "You're welcome! Ask again whenever something on the page is unclear.",
  ],
  [
    /^(?:(?:ok|okay|oh)(?: (?:got it|i see|that helps|that makes sense|makes sense|thanks|thank you))?|got it|i see|that helps|that helped|great|cool|nice|perfect|makes sense|that makes sense)$/u,
    "Glad that helps. Ask again whenever something on the page is unclear.",
  ],
  [/^(?:bye|goodbye|see you|see you later|good night)$/u, "Good luck with the rest of the page!"],
];

/** The offline reply to a message that is only small talk; undefined for anything else. */
export function smallTalkReply(message: string): string | undefined {
  const text = typedPhrase(message);
  return KINDS.find(([pattern]) => pattern.test(text))?.[1];
}
