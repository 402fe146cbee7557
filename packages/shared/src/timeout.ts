/** What `withTimeout` rejects with; `isTimeout` tells it from the work's own failures. */
export class TimeoutError extends Error {
  override readonly name: string = "TimeoutError";
  constructor(
    readonly timeoutMs: number,
    what = "the call",
  ) {
    super(`${what} did not settle within ${timeoutMs} ms`);
  }
}

export const isTimeout = (e: unknown): e is TimeoutError => e instanceof TimeoutError;

/**
 * Settles like `work`, or rejects with `timeoutError()` (a TimeoutError by default) when `work`
 * has not settled within `timeoutMs`. The work itself is not cancelled: a Worker cannot abort an
 * RPC or a D1 query it has started, it can only stop waiting for it.
 */
export async function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  timeoutError: () => Error = () => new TimeoutError(timeoutMs),
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeoutError()), timeoutMs);
      }),
    ]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
