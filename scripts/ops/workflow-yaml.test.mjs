// The rehearsal's GitHub expression evaluator (workflow-yaml.mjs): `||` and `&&` return one of
// their operands, as GitHub's do, which the workflows' `if:` and default values rely on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluate } from "./workflow-yaml.mjs";

describe("GitHub expressions", () => {
  const context = { inputs: { mode: "", steps: "10,100", on: true, off: false } };

  it("|| gives the first truthy operand, else the last", () => {
    assert.equal(evaluate("inputs.mode || 'auto'", context), "auto");
    assert.equal(evaluate("inputs.steps || 'auto'", context), "10,100");
    assert.equal(evaluate("inputs.off || inputs.mode", context), "");
  });

  it("&& gives the first falsy operand, else the last", () => {
    assert.equal(evaluate("inputs.on && inputs.steps", context), "10,100");
    assert.equal(evaluate("inputs.mode && inputs.steps", context), "");
    assert.equal(evaluate("inputs.on && inputs.off || 'x'", context), "x");
  });
});
