// The scaffolding both input sweeps share (tests/integration: malformed-input and
// hostile-input): the whole system with a launched learner and instructor, each caller's
// credentials, and the checks every refusal must pass.
import { afterAll, beforeAll, expect } from "vitest";
import { bearer, closePlatforms, launch } from "./flows";
import { type RunningSystem, startSystem, TEST_ADMIN_TOKEN } from "./system";

export type Caller = "anonymous" | "learner" | "instructor" | "admin";

export interface SweepSystem {
  system: RunningSystem;
  /** Headers that get `as` past authentication (none for an anonymous caller). */
  credentials(as: Caller): Record<string, string>;
}

/** Registers the file's beforeAll/afterAll; the returned object is filled in before its first test. */
export function useSweepSystem(): SweepSystem {
  const tokens: Record<"learner" | "instructor", string> = { learner: "", instructor: "" };
  const world: SweepSystem = {
    system: undefined as unknown as RunningSystem,
    credentials: (as) =>
      as === "admin" ? { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` } : as === "anonymous" ? {} : bearer(tokens[as]),
  };
  beforeAll(async () => {
    world.system = await startSystem();
    tokens.learner = (await launch(world.system, { role: "learner" })).apiToken;
    tokens.instructor = (await launch(world.system, { role: "instructor" })).apiToken;
  });
  afterAll(async () => {
    await closePlatforms(world.system);
    await world.system?.dispose();
  });
  return world;
}

/** An answer's text names no internals: SQL errors, stack frames, decoder exceptions. */
export function expectNoInternals(text: string, what: string): void {
  expect(text, `${what} leaks internals`).not.toMatch(/SQLITE|D1_ERROR|URIError|at .*\.(ts|js):\d+|stack/i);
}

/** The JSON error envelope: `{"error":{"code","message"}}`, both strings. */
export function expectErrorEnvelope(text: string, what: string): void {
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, `${what} error code`).toBe("string");
  expect(typeof body.error?.message, `${what} error message`).toBe("string");
}
