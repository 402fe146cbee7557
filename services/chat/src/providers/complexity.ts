/**
 * How demanding a question is, 0..1 (the seed's "AI complexity threshold"): long, multi-step,
 * code- or math-heavy questions and deep conversations score high and go to the stronger
 * external model; the rest stay on Workers AI.
 */
export function complexityScore(question: string, conversationTurns: number): number {
  let score = 0;
  if (question.length > 600) score += 0.35;
  else if (question.length > 250) score += 0.15;
  if (
    /\b(step[- ]by[- ]step|prove|proof|derive|derivation|compare|contrast|analy[sz]e|evaluate|justify)\b/i.test(
      question,
    )
  )
    score += 0.3;
  if ((question.match(/\?/g) ?? []).length >= 3) score += 0.15;
  if (/```|\b(function|class|def|return|const|public static|#include|SELECT)\b|[{};]\s*$/m.test(question))
    score += 0.35;
  if (
    /[∫∑√π≤≥≠]|\\(frac|int|sum|sqrt)|\b\d+\s*[-+*/^=]\s*\d+|\b(integral|derivative|equation|matrix|theorem)\b/i.test(
      question,
    )
  )
    score += 0.3;
  if (conversationTurns >= 12) score += 0.25;
  else if (conversationTurns >= 6) score += 0.1;
  return Math.min(1, score);
}
