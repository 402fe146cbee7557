import { describe, expect, it } from "vitest";
import { classifyD1Error, D1TimeoutError, withD1Timeout } from "./resilience/d1-errors";
import { isTimeout, TimeoutError, withTimeout } from "./timeout";

const never = () => new Promise<never>(() => {});

describe("withTimeout", () => {
  it("settles with the work when the work settles first", async () => {
    await expect(withTimeout(Promise.resolve("done"), 60_000)).resolves.toBe("done");
  });

  it("passes the work's own failure through unchanged, not as a timeout", async () => {
    const failure = new Error("boom");
    const outcome = await withTimeout(Promise.reject(failure), 60_000).catch((e: unknown) => e);
    expect(outcome).toBe(failure);
    expect(isTimeout(outcome)).toBe(false);
  });

  it("rejects with a TimeoutError carrying the limit when the work never settles", async () => {
    const outcome = await withTimeout(never(), 1).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(isTimeout(outcome)).toBe(true);
    expect((outcome as TimeoutError).timeoutMs).toBe(1);
  });

  it("rejects with the caller's error when one is given", async () => {
    const outcome = await withTimeout(never(), 1, () => new Error("custom")).catch((e: unknown) => e);
    expect((outcome as Error).message).toBe("custom");
  });
});

describe("withD1Timeout", () => {
  it("rejects with a D1TimeoutError, a timeout the D1 classifier counts as an outage", async () => {
    const outcome = await withD1Timeout(never(), 1).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(D1TimeoutError);
    expect((outcome as Error).name).toBe("D1TimeoutError");
    expect(isTimeout(outcome)).toBe(true);
    expect(classifyD1Error(outcome)).toBe("outage");
  });
});
