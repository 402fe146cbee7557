import { typedPhrase } from "./typed-phrase";

/**
 * "Help", "hint please", "I'm stuck": a request for help with nothing of its own to look up. It
 * asks for what the "I'm stuck" button gives, a hint on the part of the page the learner is on;
 * retrieval over its words finds nothing ("hint") or anything ("help").
 */
const BARE_HELP =
  /^(?:(?:please |can you |could you |pls )?help(?: me)?(?: out)?(?: (?:with|on) (?:this|it|that))?(?: please| pls)?|i need (?:some |a little )?help(?: (?:with|on) (?:this|it|that))?(?: please)?|(?:can i have |can i get |could i have |give me |i need |i want )?(?:a |another |some )?(?:hint|clue|tip)s?(?: please| pls)?|(?:i'm|im|i am) (?:really |so )?stuck(?: here| on this| on it| again)?|(?:a )?little help)$/u;

export const asksForHelpHere = (question: string) => BARE_HELP.test(typedPhrase(question));

/**
 * "A hint for exercise 1", "I'm stuck on question 3": the hint, for a part the learner names ("help
 * with exercise 1" asks for more than a hint: the exercise explained, as a question naming it is).
 */
const HELP_WITH =
  /^(?:(?:please |can you |could you |pls )?(?:give me |i need |can i have |can i get |could i have )?(?:a |another |some )?(?:hint|clue|tip)s?|(?:i'm|im|i am) (?:really |so )?stuck) (?:for|on|with) (?:the )?\S.*$/u;

export const asksForHelpWith = (question: string) => HELP_WITH.test(typedPhrase(question));

export const WHICH_PART =
  "Tell me which part you're stuck on: the exercise's number or heading, or the sentence you're reading, and I'll give you a hint for it.";
