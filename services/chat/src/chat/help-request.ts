import { typedPhrase } from "./typed-phrase";

/**
 * "Help", "hint please", "I'm stuck": a request for help with nothing of its own to look up. It
 * asks for what the "I'm stuck" button gives, a hint on the part of the page the learner is on;
 * retrieval over its words finds nothing ("hint") or anything ("help").
 */
const BARE_HELP =
  /^(?:(?:please |can you |could you |pls )?help(?: me)?(?: out)?(?: (?:with|on) (?:this|it|that))?(?: please| pls)?|i need (?:some |a little )?help(?: (?:with|on) (?:this|it|that))?(?: please)?|(?:can i have |can i get |could i have |give me |i need |i want )?(?:a |another |some )?(?:hint|clue|tip)s?(?: please| pls)?|(?:i'm|im|i am) (?:really |so )?stuck(?: here| on this| on it| again)?|(?:a )?little help)$/u;

export const asksForHelpHere = (question: string) => BARE_HELP.test(typedPhrase(question));

export const WHICH_PART =
  "Tell me which part you're stuck on: the exercise's number or heading, or the sentence you're reading, and I'll give you a hint for it.";
