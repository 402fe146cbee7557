/**
 * Words a learner and a page use for the same thing. Offline the guide has no model to bridge
 * "what is a variable?" and a page that says "the unknown", or "inverse" and "undo", so the
 * ranking counts each group as one term. Kept to study words whose meaning does not shift with
 * the subject; "times" is left out because it is also "time". Each group's first word is the
 * term the others count as.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ["unknown", "unknowns", "variable", "variables"],
  ["undo", "undoes", "undoing", "inverse", "inverses", "reverse", "opposite"],
  ["subtract", "subtracted", "subtraction", "minus", "deduct"],
  ["add", "added", "addition", "plus"],
  ["multiply", "multiplied", "multiplies", "multiplication"],
  ["divide", "divided", "division"],
  ["check", "checked", "verify", "confirm"],
  ["answer", "answered", "solution", "solutions", "result"],
  ["mistake", "error", "errors", "wrong"],
  ["example", "instance"],
];
