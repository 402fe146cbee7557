import { type Equation, exerciseOf, isOp, numberText, solutionOf } from "./equation";
import {
  decimalLinearForm,
  equationText,
  type LinearEquation,
  leftSide,
  linearForm,
  undoHint,
  undoneStepByStep,
  undoSteps,
  workedExample,
  workedThrough,
} from "./linear-equation";

/**
 * How to solve the exercise a text holds, for the shapes a first algebra course teaches: the
 * method in a sentence, the same as a hint, and a similar problem worked through with other
 * numbers (never the exercise's own working, so it is safe on a graded item). The exercise is the
 * text's first equation still to solve: `ax + b = c` gets linear-equation.ts's help; brackets
 * ("2(x + 3) = 14") and the unknown on both sides ("5x + 2 = 3x + 10") get it from here.
 */
export interface SolvingHelp {
  method: string;
  hint: string;
  example: string;
}

/** `variant` 1 is "another example": a similar problem other than the first one shown. */
export function solvingHelp(text: string, variant = 0): SolvingHelp | undefined {
  const exercise = exerciseOf(text);
  return exercise && solvingHelpFor(exercise, variant);
}

/** The same for an equation already read (and not already solved). */
export function solvingHelpFor(exercise: Equation, variant = 0): SolvingHelp | undefined {
  const simple = linearForm(exercise);
  if (simple) return { method: undoSteps(simple), hint: undoHint(simple), example: workedExample(simple, variant) };
  return (
    decimals(exercise, variant) ??
    bothSides(exercise, variant) ??
    brackets(exercise, variant) ??
    dividedBy(exercise, variant)
  );
}

const otherLetter = (e: Equation) => (e.variable === "y" ? "t" : "y");
const answerOf = (e: Equation) => Math.round(solutionOf(e));

/**
 * Ready problems per shape, each answer different: of those whose answer is not the exercise's,
 * the first is shown, the next for "another example".
 */
const BOTH_SIDES = [
  { p: 4, q: 1, r: 2, s: 9 },
  { p: 5, q: 2, r: 3, s: 14 },
  { p: 3, q: 4, r: 1, s: 10 },
];
const DIVIDED = [
  { k: 3, m: 2, answer: 12 },
  { k: 4, m: 1, answer: 8 },
  { k: 2, m: 5, answer: 6 },
];
/**
 * `a·y ± b = c` with a decimal factor: times ten every number is whole (a·10·answer and b·10 are
 * multiples of ten), so the steps hold exactly, whichever sign the exercise has.
 */
const DECIMALS = [
  { a: 0.5, b: 1, answer: 6 },
  { a: 0.2, b: 1, answer: 10 },
  { a: 1.5, b: 2, answer: 4 },
];
const BRACKETS = [
  { k: 3, m: 2, c: 21 },
  { k: 4, m: 1, c: 16 },
  { k: 5, m: 1, c: 35 },
];

function pickFor<T>(problems: readonly T[], answer: (p: T) => number, e: Equation, variant: number): T {
  const others = problems.filter((p) => answer(p) !== answerOf(e));
  return others[variant % others.length]!;
}

function bothSides(e: Equation, variant: number): SolvingHelp | undefined {
  if (e.left.a === 0 || e.right.a === 0) return undefined;
  const x = e.variable;
  const y = otherLetter(e);
  const { p, q, r, s } = pickFor(BOTH_SIDES, ({ p, q, r, s }) => (s - q) / (p - r), e, variant);
  const answer = (s - q) / (p - r);
  const value = p * answer + q;
  return {
    method: `Gather the ${x} terms on one side first: take the smaller ${x} term away from both sides. Then undo what was done to ${x}, one step at a time.`,
    hint: `Hint: gather the ${x} terms on one side first, then undo what was done to ${x} one step at a time.`,
    example: workedThrough(`${p}${y} + ${q} = ${r}${y} + ${s}`, [
      `Take ${r}${y} away from both sides: ${p - r}${y} + ${q} = ${s}.`,
      `Subtract ${q} from both sides: ${p - r}${y} = ${s - q}.`,
      `Divide both sides by ${p - r}: ${y} = ${answer}.`,
      `Check: ${p} × ${answer} + ${q} = ${value} and ${r} × ${answer} + ${s} = ${value}. ✓`,
    ]),
  };
}

/** 10 for one decimal place, 100 for two ("0.25x - 1 = 2"): what makes every number of the exercise whole. */
function clearingFactor(e: Equation): number {
  const places = [...e.left.tokens, ...e.right.tokens].map((t) =>
    t.kind === "number" ? (String(t.value).split(".")[1]?.length ?? 0) : 0,
  );
  return 10 ** Math.min(3, Math.max(1, ...places));
}

/**
 * `ax + b = c` with a decimal among its numbers: multiplying every term on both sides by 10 (or
 * 100) makes them whole, and then it is the equation a first course solves step by step.
 */
function decimals(e: Equation, variant: number): SolvingHelp | undefined {
  if (!decimalLinearForm(e)) return undefined;
  const x = e.variable;
  const variable = otherLetter(e);
  const { a, b, answer } = pickFor(DECIMALS, (p) => p.answer, e, variant);
  // Times ten, in whole numbers, taking the exercise's sign: a number added, taken away, or none.
  const a10 = Math.round(a * 10);
  const b10 = Math.sign(e.left.b) * b * 10;
  const times10: LinearEquation = { a: a10, b: b10, c: a10 * answer + b10, variable };
  const problem: LinearEquation = { a, b: b10 / 10, c: times10.c / 10, variable };
  const clear = clearingFactor(e);
  return {
    method: `Clear the decimals first: multiply every term on both sides by ${clear}, so every number is whole. Then undo what was done to ${x}, one step at a time.`,
    hint: `Hint: multiply every term on both sides by ${clear} to clear the decimals, then undo what was done to ${x}.`,
    example: workedThrough(equationText(problem), [
      `Multiply every term on both sides by 10: ${equationText(times10)}.`,
      ...undoneStepByStep(times10, answer),
      `Check: ${leftSide(problem, String(answer))} = ${numberText(problem.c)}. ✓`,
    ]),
  };
}

/** `k(x + m) = c` or `k(x - m) = c`: a number in front of a bracket that holds the unknown. */
function brackets(e: Equation, variant: number): SolvingHelp | undefined {
  const tokens = e.left.a !== 0 ? e.left.tokens : e.right.tokens;
  const opened = tokens.some((t, i) => isOp(t, "(") && tokens[i - 1]?.kind === "number");
  if (!opened || (e.left.a !== 0 && e.right.a !== 0)) return undefined;
  const x = e.variable;
  const y = otherLetter(e);
  const { k, m, c } = pickFor(BRACKETS, ({ k, m, c }) => c / k - m, e, variant);
  const answer = c / k - m;
  return {
    method: `Open the brackets first: multiply each term inside them by the number in front. Then undo what was done to ${x}, one step at a time.`,
    hint: `Hint: open the brackets first (multiply each term inside by the number in front), then undo what was done to ${x}.`,
    example: workedThrough(`${k}(${y} + ${m}) = ${c}`, [
      `Open the brackets: ${k}${y} + ${k * m} = ${c}.`,
      `Subtract ${k * m} from both sides: ${k}${y} = ${c - k * m}.`,
      `Divide both sides by ${k}: ${y} = ${answer}.`,
      `Check: ${k}(${answer} + ${m}) = ${c}. ✓`,
    ]),
  };
}

/**
 * `x/k + m = c` (or `- m`, or none): the unknown divided by a whole number, a number alone on the
 * right. Multiplying both sides by k undoes the division, once the number added is gone.
 */
function dividedBy(e: Equation, variant: number): SolvingHelp | undefined {
  const [letter, slash, divisor, op, added, ...rest] = e.left.tokens;
  const right = e.right.tokens;
  const k = divisor?.kind === "number" ? divisor.value : 0;
  const shaped =
    letter?.kind === "letter" &&
    isOp(slash, "/") &&
    Number.isInteger(k) &&
    k >= 2 &&
    (op === undefined || (isOp(op, "+", "-") && added?.kind === "number" && rest.length === 0)) &&
    right.length === 1 &&
    right[0]?.kind === "number";
  if (!shaped) return undefined;
  const x = e.variable;
  const y = otherLetter(e);
  const sign = e.left.b > 0 ? 1 : e.left.b < 0 ? -1 : 0;
  const picked = pickFor(DIVIDED, (p) => p.answer, e, variant);
  const m = sign * picked.m;
  const c = picked.answer / picked.k + m;
  const divided = `${y}/${picked.k}`;
  const mText = m > 0 ? ` + ${m}` : m < 0 ? ` - ${-m}` : "";
  const steps = [
    ...(m > 0 ? [`Subtract ${m} from both sides: ${divided} = ${c - m}.`] : []),
    ...(m < 0 ? [`Add ${-m} to both sides: ${divided} = ${c - m}.`] : []),
    `Multiply both sides by ${picked.k}: ${y} = ${picked.answer}.`,
    `Check: ${picked.answer}/${picked.k}${mText} = ${c}. ✓`,
  ];
  const first = sign !== 0 ? "first remove the number added to or subtracted from it on both sides, then " : "";
  return {
    method: `Undo what was done to ${x} one step at a time: ${first}multiply both sides by ${k}, which undoes dividing by ${k}.`,
    hint: `Hint: ${x} is divided by ${k}, and multiplying both sides by ${k} undoes that${sign !== 0 ? ", once the number added or taken away is gone" : ""}.`,
    example: workedThrough(`${divided}${mText} = ${c}`, steps),
  };
}
