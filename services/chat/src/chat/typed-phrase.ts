/**
 * A learner's message as it is compared with set phrases (the follow-up chips, small talk): case,
 * curly apostrophes, commas, runs of spaces and closing punctuation or a smiley do not count.
 */
export const typedPhrase = (message: string) =>
  message
    .trim()
    .toLowerCase()
    .replaceAll("\u2019", "'")
    .replace(/[\s,]+/gu, " ")
    .replace(/[\s?!.:)(]+$/u, "");
