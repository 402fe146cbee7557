/**
 * The replies an offer the guide makes unasked ("Still with "Fractions"? I can summarise it or
 * quiz you on the key ideas.") invites, as chips: the offer lives only in this page's chat log, so
 * a typed "yes" would reach the server with nothing to say yes to. Each chip is a message the
 * guide answers on its own, offline too.
 */
const REPLIES: readonly [RegExp, string][] = [
  [/\bsummari[sz]e\b/iu, "Summarise this page"],
  [/\bquiz\b/iu, "Quiz me"],
  [/\bstep by step\b/iu, "Help me with this"],
];

export function offerReplies(offer: string): string[] {
  return REPLIES.filter(([pattern]) => pattern.test(offer)).map(([, reply]) => reply);
}
