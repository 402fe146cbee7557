import {
  type Equation,
  exerciseOf,
  findEquations,
  isOp,
  numberText,
  type Side,
  sideText,
  type Token,
} from "./equation";

/** `ax + b = c` (also `ax - b = c`, `ax = c`), the shape of many graded exercises. */
export interface LinearEquation {
  a: number;
  b: number;
  c: number;
  variable: string;
}

const isNumber = (t: Token | undefined) => t?.kind === "number" && Number.isInteger(t.value);
const isAnyNumber = (t: Token | undefined) => t?.kind === "number";

/**
 * An equation read by equation.ts, when it is written in this shape: whole numbers, the unknown
 * once on the left with its factor in front and the number added or taken away after it, a
 * number alone on the right. "5x + 2 = 3x + 10", "7 + 3x = 22" and "2(x + 3) = 14" are not.
 */
export const linearForm = (e: Equation): LinearEquation | undefined => shaped(e, isNumber);

/** The same shape with a decimal among its numbers ("0.5x + 1 = 3"); whole numbers only are `linearForm`'s. */
export function decimalLinearForm(e: Equation): LinearEquation | undefined {
  const numbers = [...e.left.tokens, ...e.right.tokens].filter((t) => t.kind === "number");
  if (numbers.every(isNumber)) return undefined;
  return shaped(e, isAnyNumber);
}

function shaped(e: Equation, isNumber: (t: Token | undefined) => boolean): LinearEquation | undefined {
  const left = [...e.left.tokens];
  const right = [...e.right.tokens];
  if (isOp(right[0], "-")) right.shift();
  if (right.length !== 1 || !isNumber(right[0])) return undefined;
  if (isOp(left[0], "-")) left.shift();
  if (isNumber(left[0])) left.splice(0, isOp(left[1], "*") ? 2 : 1);
  if (left[0]?.kind !== "letter") return undefined;
  const rest = left.slice(1);
  if (rest.length > 0 && !(rest.length === 2 && isOp(rest[0], "+", "-") && isNumber(rest[1]))) return undefined;
  return { a: e.left.a, b: e.left.b, c: e.right.b, variable: e.variable };
}

/**
 * The text's exercise (its first equation still to solve, as solving help takes it) when it is of
 * this shape: "5x + 2 = 3x + 10, then 2x = 8" has none, its exercise being the first.
 */
export function linearExercise(text: string): LinearEquation | undefined {
  const exercise = exerciseOf(text);
  return exercise && linearForm(exercise);
}

/** Every equation of this shape in the text, in order ("is x = 4 right for 3x + 7 = 22?" holds two). */
export const findLinearEquations = (text: string): LinearEquation[] =>
  findEquations(text).flatMap((e) => linearForm(e) ?? []);

export const solve = (e: LinearEquation) => (e.c - e.b) / e.a;

/**
 * a·x + b as equation.ts holds a side ("3x + 7", "-x", "7"), so it is written out by the same
 * `sideText`.
 */
export function linearSide({ a, b }: { a: number; b: number }, variable: string): Side {
  const tokens: Token[] = [];
  const sign = (n: number): Token => ({ kind: "op", op: n < 0 ? "-" : "+" });
  if (a !== 0) {
    if (a < 0) tokens.push(sign(a));
    if (Math.abs(a) !== 1) tokens.push({ kind: "number", value: Math.abs(a) });
    tokens.push({ kind: "letter", name: variable });
  }
  if (b !== 0 || a === 0) {
    // A sign between terms; before a number alone, only a minus.
    if (a !== 0 || b < 0) tokens.push(sign(b));
    tokens.push({ kind: "number", value: Math.abs(b) });
  }
  return { tokens, a, b };
}

/**
 * The left side as written ("3x + 7"), or with `value` in place of the variable as a learner
 * writes it out to check ("3 × 4 + 7").
 */
export const leftSide = (e: LinearEquation, value?: string): string => sideText(linearSide(e, e.variable), value);

export const equationText = (e: LinearEquation) => `${leftSide(e)} = ${numberText(e.c)}`;

/** Whether solving it takes a step at all: `x = 5` is already solved. */
export const needsSolving = (e: LinearEquation) => e.a !== 1 || e.b !== 0;

/** The factor to divide by, named so that a negative one keeps its sign ("−x" is −1 × x). */
function factorInFront(e: LinearEquation): string {
  const x = e.variable;
  if (e.a > 0) return `the number in front of ${x}`;
  return `the number in front of ${x}, minus sign included${e.a === -1 ? ` (-${x} is -1 × ${x})` : ""}`;
}

/** The method in one sentence, for the steps this equation takes (one or two). */
export function undoSteps(e: LinearEquation): string {
  const x = e.variable;
  if (e.a === 1) return `Undo what was done to ${x}: remove the number added to or subtracted from it, on both sides.`;
  if (e.b === 0) return `Undo what was done to ${x}: divide both sides by ${factorInFront(e)}.`;
  return `Undo what was done to ${x} one step at a time: first remove the number added to or subtracted from it on both sides, then divide both sides by ${factorInFront(e)}.`;
}

/** The method as a hint, in the learner's terms, for the steps this equation takes. */
export function undoHint(e: LinearEquation): string {
  const x = e.variable;
  if (e.a === 1) {
    return e.b > 0
      ? `Hint: undo what was done to ${x}: take the number added to it away from both sides.`
      : `Hint: undo what was done to ${x}: add the number taken away from it to both sides.`;
  }
  const factor = e.a < 0 ? "the factor in front, minus sign included" : "the factor in front";
  if (e.b === 0) return `Hint: undo what was done to ${x}: divide both sides by ${factor}.`;
  return `Hint: undo what was done to ${x} one step at a time, first the number added or subtracted, then ${factor}.`;
}

/**
 * A problem of the same shape (the same steps: a factor only if the original has one, negative
 * if the original's is, a number added or taken away as in the original) with other numbers and
 * another letter, and its whole-number answer.
 */
export function similarProblem(original: LinearEquation, variant = 0): { e: LinearEquation; answer: number } {
  const variable = original.variable === "y" ? "t" : "y";
  // Each number is one of two, never the original's; "another example" (variant 1) draws from
  // another pair, so it is not the first example again.
  const other = (value: number, [first, second]: readonly [number, number]) => (value === first ? second : first);
  const pairs = variant === 0 ? FIRST_NUMBERS : SECOND_NUMBERS;
  // A negative factor stays negative: dividing by one is the step such an exercise practises.
  const size = Math.abs(original.a) === 1 ? 1 : other(Math.abs(original.a), pairs.a);
  const a = Math.sign(original.a) * size;
  const answer = other(Math.round(solve(original)), pairs.answer);
  // A number taken away stays small, so the example's right side stays positive.
  const b = original.b > 0 ? other(original.b, pairs.added) : original.b < 0 ? -other(-original.b, pairs.takenAway) : 0;
  return { e: { a, b, c: a * answer + b, variable }, answer };
}

const FIRST_NUMBERS = { a: [2, 3], answer: [4, 6], added: [5, 3], takenAway: [3, 2] } as const;
const SECOND_NUMBERS = { a: [4, 5], answer: [7, 9], added: [4, 6], takenAway: [4, 1] } as const;

/** The same equation whatever its letter. */
export const sameEquation = (x: LinearEquation, y: LinearEquation) => x.a === y.a && x.b === y.b && x.c === y.c;

/** A similar problem with other numbers (and another letter), solved step by step. */
export function workedExample(original: LinearEquation, variant = 0): string {
  const { e, answer } = similarProblem(original, variant);
  return workedThrough(equationText(e), [
    ...undoneStepByStep(e, answer),
    `Check: ${leftSide(e, String(answer))} = ${numberText(e.c)}. ✓`,
  ]);
}

/** The steps that take `e` to its answer: the number added or taken away first, then the factor. */
export function undoneStepByStep(e: LinearEquation, answer: number): string[] {
  const { a, b, c, variable } = e;
  const steps: string[] = [];
  const isolated = `${leftSide({ a, b: 0, c, variable })} = ${c - b}`;
  if (b > 0) steps.push(`Subtract ${b} from both sides: ${isolated}.`);
  if (b < 0) steps.push(`Add ${-b} to both sides: ${isolated}.`);
  if (a !== 1) steps.push(`Divide both sides by ${a}: ${variable} = ${answer}.`);
  return steps;
}

/** A similar problem as the guide shows one: the problem, its steps numbered, and what to do next. */
export const workedThrough = (problem: string, steps: readonly string[]): string =>
  [
    `A similar problem: ${problem}.`,
    ...steps.map((step, i) => `${i + 1}. ${step}`),
    "Now do the same steps with the numbers of your exercise.",
  ].join("\n");

/**
 * What solving this shape builds on, for a learner who needs a review first: the inverse
 * operations it uses, each shown with numbers of its own (never the exercise's, so the review
 * does not solve a graded question).
 */
export function inverseOperationsReview(e: LinearEquation): string {
  const steps: string[] = [];
  if (e.b > 0) steps.push("- Subtracting undoes adding: if n + 4 = 10, then n = 10 − 4 = 6.");
  if (e.b < 0) steps.push("- Adding undoes subtracting: if n − 4 = 6, then n = 6 + 4 = 10.");
  if (e.a !== 1) steps.push("- Dividing undoes multiplying: if 3 × n = 12, then n = 12 ÷ 3 = 4.");
  const removed = e.b > 0 ? "the number added" : "the number subtracted";
  const order =
    e.b !== 0 && e.a !== 1
      ? `Then undo what was done to ${e.variable} in that order: first ${removed}, then the number in front of ${e.variable}.`
      : `Then do the same to both sides of your equation to get ${e.variable} on its own.`;
  return [
    "Solving an equation like this one builds on inverse operations, steps that undo each other:",
    steps.join("\n"),
    order,
  ].join("\n\n");
}
