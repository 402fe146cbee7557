import type { TurnMaximum } from "../chat/learner-gate";
import { GRADED_RULE, HISTORY_MESSAGE_CAP, PAGE_CONTENT_CAP, SYSTEM_PROMPT } from "../chat/prompt";
import type { ChatEnvVars } from "../env-vars";
import { estimateTokens } from "../providers/types";

/** The FAQ block, the profile guidance and the tags around the blocks, at most. */
const PROMPT_OVERHEAD_TOKENS = 1200;

/**
 * The most one turn can cost, reserved before the model is called: the longest prompt the
 * prompt builder can make for this message and page (earlier messages counted by the learner's
 * object, which knows how many there are) plus the longest answer the model is allowed.
 */
export function turnMaximum(
  vars: ChatEnvVars,
  input: { message: string; pageContent?: string | undefined; modelCalled: boolean; window: number },
): TurnMaximum {
  if (!input.modelCalled) return { fixed: 0, perEarlierMessage: 0, window: 0 };
  const page = Math.min(input.pageContent?.length ?? 0, PAGE_CONTENT_CAP);
  const fixed =
    estimateTokens(SYSTEM_PROMPT) +
    estimateTokens(GRADED_RULE) +
    estimateTokens(input.message) +
    Math.ceil(page / 4) +
    PROMPT_OVERHEAD_TOKENS +
    vars.AI_MAX_ANSWER_TOKENS;
  return { fixed, perEarlierMessage: Math.ceil(HISTORY_MESSAGE_CAP / 4), window: input.window };
}
