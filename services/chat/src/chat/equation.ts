/**
 * Linear equations in one unknown as exercises write them, in any arrangement: "3x + 7 = 22",
 * "2(x + 3) = 14", "5x + 2 = 3x + 10", "22 = 4 - 2x". Enough to tell a learner's value right or
 * wrong by substitution and to know an item's solution, so the graded-item guard sees it given
 * away whatever the item's shape. Not a computer algebra system: products of two unknowns,
 * powers and division by the unknown are not linear and are not read.
 */

/**
 * The minus signs pages and keyboards write ("−" in typeset maths and MathML, "–" from word
 * processors) as the ASCII one the reader reads: "2x − 3 = 11" is the same exercise as "2x - 3 = 11".
 */
export const asciiMinus = (text: string) => text.replace(/[\u2212\u2012\u2013\uFE63\uFF0D]/g, "-");

/** A number as the guide writes it: whole, or to at most three decimals. */
export const numberText = (n: number) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000));

export type Token = { kind: "number"; value: number } | { kind: "letter"; name: string } | { kind: "op"; op: string };

/** One side as written (its tokens) and as a·x + b. */
export interface Side {
  tokens: readonly Token[];
  a: number;
  b: number;
}

export interface Equation {
  variable: string;
  left: Side;
  right: Side;
}

/** Math written inline: numbers, single letters, operators and brackets around one "=". */
const RUN_PART = String.raw`(?:\d+(?:\.\d+)?|(?<!\p{L})\p{L}(?!\p{L})|[+\-*×·/()]|[ \t])`;
const RUN = new RegExp(`${RUN_PART}+=${RUN_PART}+`, "gu");
const TOKEN = /\d+(?:\.\d+)?|\p{L}|[+\-*×·/()=]/gu;

function tokenize(run: string): Token[] {
  return (run.match(TOKEN) ?? []).map((t): Token => {
    if (/^\d/.test(t)) return { kind: "number", value: Number(t) };
    if (/^\p{L}$/u.test(t)) return { kind: "letter", name: t };
    return { kind: "op", op: t === "·" || t === "×" ? "*" : t };
  });
}

interface Linear {
  a: number;
  b: number;
}

/** Recursive descent over one side; undefined when it is not linear in at most one letter. */
class SideParser {
  private at = 0;
  letter: string | undefined;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): Linear | undefined {
    const value = this.sum();
    // "|| 0": "-3x" has no number added, not -0 of one (which equality in tests tells apart).
    return value && this.at === this.tokens.length ? { a: value.a || 0, b: value.b || 0 } : undefined;
  }

  private peekOp = () => {
    const t = this.tokens[this.at];
    return t?.kind === "op" ? t.op : undefined;
  };

  private sum(): Linear | undefined {
    let value = this.product();
    for (let op = this.peekOp(); value && (op === "+" || op === "-"); op = this.peekOp()) {
      this.at++;
      const next = this.product();
      if (!next) return undefined;
      const sign = op === "+" ? 1 : -1;
      value = { a: value.a + sign * next.a, b: value.b + sign * next.b };
    }
    return value;
  }

  private product(): Linear | undefined {
    let value = this.unary();
    for (;;) {
      if (!value) return undefined;
      const op = this.peekOp();
      const next = this.tokens[this.at];
      const prev = this.tokens[this.at - 1];
      // "3x", "2(x + 3)", "(x + 1)2": a letter, a bracket, or a number after a bracket multiplies
      // what is before it. Two numbers side by side ("Question 3 2x + 1 = 5") are not a product.
      const implicit =
        next !== undefined &&
        (next.kind === "letter" ||
          (next.kind === "op" && next.op === "(") ||
          (next.kind === "number" && prev?.kind === "op" && prev.op === ")"));
      if (op !== "*" && op !== "/" && !implicit) return value;
      if (!implicit) this.at++;
      const factor = this.unary();
      if (!factor) return undefined;
      if (op === "/") {
        if (factor.a !== 0 || factor.b === 0) return undefined;
        value = { a: value.a / factor.b, b: value.b / factor.b };
      } else if (value.a !== 0 && factor.a !== 0) {
        return undefined;
      } else {
        value = { a: value.a * factor.b + factor.a * value.b, b: value.b * factor.b };
      }
    }
  }

  private unary(): Linear | undefined {
    const op = this.peekOp();
    if (op === "-" || op === "+") {
      this.at++;
      const value = this.unary();
      return value && (op === "-" ? { a: -value.a, b: -value.b } : value);
    }
    return this.atom();
  }

  private atom(): Linear | undefined {
    const t = this.tokens[this.at++];
    if (!t) return undefined;
    if (t.kind === "number") return { a: 0, b: t.value };
    if (t.kind === "letter") {
      if (this.letter !== undefined && this.letter !== t.name) return undefined;
      this.letter = t.name;
      return { a: 1, b: 0 };
    }
    if (t.op !== "(") return undefined;
    const inner = this.sum();
    const close = this.tokens[this.at++];
    return inner && close?.kind === "op" && close.op === ")" ? inner : undefined;
  }
}

function parseSide(tokens: Token[]): { side: Side; letter: string | undefined } | undefined {
  const parser = new SideParser(tokens);
  const value = parser.parse();
  return value ? { side: { tokens, ...value }, letter: parser.letter } : undefined;
}

/** An operator token, one of `ops`. */
export const isOp = (t: Token | undefined, ...ops: string[]) => t?.kind === "op" && ops.includes(t.op);
const isValue = (t: Token | undefined) => t !== undefined && t.kind !== "op";

/**
 * How many tokens at the start of a left side are an exercise's label rather than its maths:
 * "1)", "b)", "(c)", or the number of "Question 3 2x + 1 = 5". Zero when there is none.
 */
function labelLength(tokens: readonly Token[]): number {
  const [first, second, third] = tokens;
  if (isValue(first) && isOp(second, ")")) return 2;
  if (isOp(first, "(") && isValue(second) && isOp(third, ")")) return 3;
  return first?.kind === "number" && second?.kind === "number" ? 1 : 0;
}

/** The left side, read after its label when it does not read with it. */
function parseLeft(tokens: Token[]) {
  const whole = parseSide(tokens);
  const label = whole ? 0 : labelLength(tokens);
  return label > 0 ? parseSide(tokens.slice(label)) : whole;
}

/** The right side, read up to a bracket it never closes ("= 22 (2 marks)") when it does not read whole. */
function parseRight(tokens: Token[]) {
  const whole = parseSide(tokens);
  if (whole) return whole;
  const opened: number[] = [];
  tokens.forEach((t, i) => {
    if (isOp(t, "(")) opened.push(i);
    else if (isOp(t, ")")) opened.pop();
  });
  const unclosed = opened[0] ?? 0;
  return unclosed > 0 ? parseSide(tokens.slice(0, unclosed)) : undefined;
}

/** Every linear equation in one letter the text writes out, in order. */
export function findEquations(text: string): Equation[] {
  const found: Equation[] = [];
  for (const [run] of asciiMinus(text).matchAll(RUN)) {
    const tokens = tokenize(run);
    const split = tokens.findIndex((t) => isOp(t, "="));
    const left = parseLeft(tokens.slice(0, split));
    const right = parseRight(tokens.slice(split + 1));
    if (!left || !right) continue;
    if (left.letter && right.letter && left.letter !== right.letter) continue;
    const variable = left.letter ?? right.letter;
    if (variable && left.side.a !== right.side.a) found.push({ variable, left: left.side, right: right.side });
  }
  return found;
}

/** The value of the unknown that makes both sides equal. */
export const solutionOf = (e: Equation) =>
  // Rounded past what any exercise writes, so (x + 1)/3 = 2 gives 5 and not 5.000000000000001.
  Math.round(((e.right.b - e.left.b) / (e.left.a - e.right.a)) * 1e9) / 1e9;

/** Already solved: the unknown alone on one side and a number on the other ("x = 5"). */
export function isSolvedForm(e: Equation): boolean {
  const alone = (s: Side) => s.tokens.length === 1 && s.tokens[0]?.kind === "letter";
  return (alone(e.left) && e.right.a === 0) || (alone(e.right) && e.left.a === 0);
}

/** The text's equations still to solve ("x = 5" is solved already), in order. */
export const equationsToSolve = (text: string): Equation[] => findEquations(text).filter((e) => !isSolvedForm(e));

/** The text's exercise: its first equation still to solve. */
export const exerciseOf = (text: string): Equation | undefined => equationsToSolve(text)[0];

export const valueAt = (side: Side, x: number) => side.a * x + side.b;

const isOperand = (t: Token | undefined) => t !== undefined && (t.kind !== "op" || t.op === ")");

/**
 * The side as written, spaced as the guide writes maths, with `value` in place of the unknown
 * ("3 × 4 + 7", "2(4 + 3)") when one is given.
 */
export function sideText(side: Side, value?: string): string {
  let out = "";
  side.tokens.forEach((t, i) => {
    const before = side.tokens[i - 1];
    if (t.kind === "number") out += `${isOperand(before) ? " × " : ""}${numberText(t.value)}`;
    else if (t.kind === "letter") out += value === undefined ? t.name : `${isOperand(before) ? " × " : ""}${value}`;
    else if (t.op === "(" || t.op === ")")
      out += `${t.op === "(" && before?.kind === "letter" && value !== undefined ? " × " : ""}${t.op}`;
    // A sign at the start or after an operator or "(" belongs to what follows it.
    else if ((t.op === "-" || t.op === "+") && !isOperand(before)) out += t.op;
    else out += ` ${t.op === "*" ? "×" : t.op} `;
  });
  return out;
}

export const equationText = (e: Equation) => `${sideText(e.left)} = ${sideText(e.right)}`;
