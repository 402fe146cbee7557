/**
 * Streaming median estimate with the P² algorithm (Jain & Chlamtac, 1985): five markers, O(1)
 * time and memory per observation, no stored samples. Good to a few percent on the skewed,
 * long-tailed dwell times learners produce, which is all "far above the median" needs.
 * The state is plain JSON so it survives in the Durable Object's storage.
 */
export interface P2State {
  /** Observations seen so far. */
  n: number;
  /** Marker heights (the first five observations, sorted, until n reaches 5). */
  q: number[];
  /** Actual marker positions (1-based). */
  pos: number[];
  /** Desired marker positions. */
  want: number[];
}

const P = 0.5;
const INCREMENTS = [0, P / 2, P, (1 + P) / 2, 1];

export const emptyMedian = (): P2State => ({
  n: 0,
  q: [],
  pos: [1, 2, 3, 4, 5],
  want: [1, 1 + 2 * P, 1 + 4 * P, 3 + 2 * P, 5],
});

export function medianOf(s: P2State): number | undefined {
  if (s.n === 0) return undefined;
  if (s.n < 5) {
    const sorted = [...s.q].sort((a, b) => a - b);
    const mid = Math.floor((sorted.length - 1) / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid] as number) + (sorted[mid + 1] as number)) / 2;
  }
  return s.q[2];
}

/** Adds one observation in place. */
export function observe(s: P2State, x: number): void {
  s.n += 1;
  if (s.n <= 5) {
    s.q.push(x);
    if (s.n === 5) s.q.sort((a, b) => a - b);
    return;
  }
  const q = s.q;
  const pos = s.pos;
  let k: number;
  if (x < at(q, 0)) {
    q[0] = x;
    k = 0;
  } else if (x >= at(q, 4)) {
    q[4] = x;
    k = 3;
  } else {
    k = 0;
    while (k < 3 && x >= at(q, k + 1)) k++;
  }
  for (let i = k + 1; i < 5; i++) pos[i] = at(pos, i) + 1;
  for (let i = 0; i < 5; i++) s.want[i] = at(s.want, i) + at(INCREMENTS, i);
  for (let i = 1; i <= 3; i++) {
    const d = at(s.want, i) - at(pos, i);
    if ((d >= 1 && at(pos, i + 1) - at(pos, i) > 1) || (d <= -1 && at(pos, i - 1) - at(pos, i) < -1)) {
      const sign = d > 0 ? 1 : -1;
      const candidate = parabolic(q, pos, i, sign);
      q[i] = at(q, i - 1) < candidate && candidate < at(q, i + 1) ? candidate : linear(q, pos, i, sign);
      pos[i] = at(pos, i) + sign;
    }
  }
}

/** Marker arrays always hold five entries once n >= 5. */
const at = (a: readonly number[], i: number) => a[i] as number;

function parabolic(q: number[], n: number[], i: number, d: number): number {
  const [qm, qi, qp] = [q[i - 1] as number, q[i] as number, q[i + 1] as number];
  const [nm, ni, np] = [n[i - 1] as number, n[i] as number, n[i + 1] as number];
  return qi + (d / (np - nm)) * ((ni - nm + d) * ((qp - qi) / (np - ni)) + (np - ni - d) * ((qi - qm) / (ni - nm)));
}

function linear(q: number[], n: number[], i: number, d: number): number {
  return (q[i] as number) + (d * ((q[i + d] as number) - (q[i] as number))) / ((n[i + d] as number) - (n[i] as number));
}
