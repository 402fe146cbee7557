// What the scenarios share: the registered platform and a growing pool of launched learners,
// each with an API token from a real launch (never a token minted outside the gateway).
import type { SimulatedPlatform } from "../../tests/support/lti-platform";
import { type LaunchedUser, launch } from "./launch";

/** Runs `task` for 0..count-1 with at most `limit` in flight; rejects on the first failure. */
export async function inBatches<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) out[i] = await task(i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return out;
}

export class BenchFixture {
  private readonly learnerPool: LaunchedUser[] = [];
  private instructorUser: LaunchedUser | undefined;

  constructor(
    readonly gateway: URL,
    readonly platform: SimulatedPlatform,
  ) {}

  /** The first `count` learners of the pool, launching the missing ones (16 at a time). */
  async learners(count: number): Promise<LaunchedUser[]> {
    const have = this.learnerPool.length;
    if (have < count) {
      const launched = await inBatches(count - have, 16, (i) =>
        launch(this.gateway, this.platform, { sub: `bench-learner-${have + i}`, name: `Learner ${have + i}` }),
      );
      this.learnerPool.push(...launched);
    }
    return this.learnerPool.slice(0, count);
  }

  /**
   * Learners no scenario has used yet, for measurements that change a learner for good (a
   * struggle episode starts a cooldown). They are not added to the shared pool.
   */
  async freshLearners(prefix: string, count: number): Promise<LaunchedUser[]> {
    return inBatches(count, 16, (i) =>
      launch(this.gateway, this.platform, { sub: `${prefix}-${i}`, name: `${prefix} ${i}` }),
    );
  }

  async instructor(): Promise<LaunchedUser> {
    this.instructorUser ??= await launch(this.gateway, this.platform, {
      sub: "bench-instructor",
      name: "Bench Instructor",
      instructor: true,
    });
    return this.instructorUser;
  }

  url(path: string): URL {
    return new URL(path, this.gateway);
  }
}

export const bearer = (user: LaunchedUser) => ({ Authorization: `Bearer ${user.apiToken}` });
