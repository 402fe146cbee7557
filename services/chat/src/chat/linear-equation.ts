/** `ax + b = c` (also `ax - b = c`, `ax = c`), the shape of many graded exercises. */
export interface LinearEquation {
  a: number;
  b: number;
  c: number;
  variable: string;
}

// The right side is a plain number: "5x + 2 = 3x + 10" (x on both sides) is not this shape.
const PATTERN =
  /(?<![\p{L}\d.])(-?\d*)\s*(\p{L})(?!\p{L})\s*(?:([+-])\s*(\d+))?\s*=\s*(-?\d+)(?![\d\p{L}]|\.\d|\s*[+\-×*/]\s*[\d\p{L}])/iu;

export function findLinearEquation(text: string): LinearEquation | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [, coefficient = "", variable = "x", sign, constant, right = "0"] = m;
  const a = coefficient === "" ? 1 : coefficient === "-" ? -1 : Number(coefficient);
  const b = constant === undefined ? 0 : (sign === "-" ? -1 : 1) * Number(constant);
  if (!Number.isFinite(a) || a === 0) return undefined;
  return { a, b, c: Number(right), variable };
}

/** Every equation of this shape in the text, in order ("is x = 4 right for 3x + 7 = 22?" holds two). */
export function findLinearEquations(text: string): LinearEquation[] {
  return [...text.matchAll(PATTERN_ALL)].flatMap((m) => findLinearEquation(m[0]) ?? []);
}
// matchAll works on a copy of the expression, so one shared global copy is safe.
const PATTERN_ALL = new RegExp(PATTERN.source, `${PATTERN.flags}g`);

export const solve = (e: LinearEquation) => (e.c - e.b) / e.a;

/** A number as the guide writes it: whole, or to at most three decimals. */
export const numberText = (n: number) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000));

const term = (n: number) => (n < 0 ? `- ${-n}` : `+ ${n}`);
const constantTerm = (b: number) => (b === 0 ? "" : ` ${term(b)}`);

/**
 * The left side as written ("3x + 7"), or with `value` in place of the variable as a learner
 * writes it out to check ("3 × 4 + 7").
 */
export function leftSide(e: LinearEquation, value?: string): string {
  if (value !== undefined) return `${e.a === 1 ? value : `${e.a} × ${value}`}${constantTerm(e.b)}`;
  return `${e.a === 1 ? "" : e.a === -1 ? "-" : e.a}${e.variable}${constantTerm(e.b)}`;
}

export const equationText = (e: LinearEquation) => `${leftSide(e)} = ${e.c}`;

/** Whether solving it takes a step at all: `x = 5` is already solved. */
export const needsSolving = (e: LinearEquation) => e.a !== 1 || e.b !== 0;

/** The method in one sentence, for any equation of this shape. */
export const undoSteps = (e: LinearEquation) =>
  `Undo what was done to ${e.variable} one step at a time: first remove the number added to or subtracted from it on both sides, then divide both sides by the number in front of ${e.variable}.`;

/** A problem of the same shape with other numbers and another letter, and its whole-number answer. */
export function similarProblem(original: LinearEquation): { e: LinearEquation; answer: number } {
  const variable = original.variable === "y" ? "t" : "y";
  const a = Math.abs(original.a) === 2 ? 3 : 2;
  const answer = Math.round(solve(original)) === 4 ? 6 : 4;
  const b = original.b === 5 ? 3 : 5;
  return { e: { a, b, c: a * answer + b, variable }, answer };
}

/** The same equation whatever its letter. */
export const sameEquation = (x: LinearEquation, y: LinearEquation) => x.a === y.a && x.b === y.b && x.c === y.c;

/** A similar problem with other numbers (and another letter), solved step by step. */
export function workedExample(original: LinearEquation): string {
  const { e, answer } = similarProblem(original);
  const { a, b, variable } = e;
  return [
    `A similar problem: ${equationText(e)}.`,
    `1. Subtract ${b} from both sides: ${a}${variable} = ${e.c - b}.`,
    `2. Divide both sides by ${a}: ${variable} = ${answer}.`,
    `3. Check: ${a} × ${answer} + ${b} = ${e.c}. ✓`,
    "Now do the same steps with the numbers of your exercise.",
  ].join("\n");
}

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
