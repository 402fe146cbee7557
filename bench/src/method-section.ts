// The head of docs/benchmarks.md: the machine, and how the run was made.

export interface MethodFacts {
  machine: string;
  /** The machine's load average when the run started. */
  loadBefore: number;
  /** Where the local storage files were (RAM or disk), as a phrase. */
  storagePlace: string;
  /** The sentence on the web app's assets layer. */
  assetsText: string;
  cpuLimitMs: number;
  cpuAimMs: number;
  providerDelayMs: number;
  cores: number;
}

export function methodSection(m: MethodFacts): string {
  return `- Machine: ${m.machine}. Load average when the run started: ${m.loadBefore.toFixed(2)}
  (other processes on the machine take CPU from both workerd and the client).
- Method: the four Workers (built bundles) and a hello-world **floor** Worker run in one workerd
  process (Miniflare, local D1/KV/DO/R2, their files ${m.storagePlace}: Cloudflare keeps that
  storage on the object's and the database's own machines, not on the calling Worker's thread).
  Each service's Durable Objects run in a Worker of their own beside it (the same bundle and
  bindings, bound by script name). The profiled passes (the JS CPU section) run afterwards on a
  second copy of the system whose objects Workers are in a workerd process of their own, as
  Cloudflare runs an object on its own machine. ${m.assetsText} Each scenario is driven over loopback HTTP (and
  WebSockets) by a closed-loop client in the same Node process, after a warm-up. Ratios compare
  with the floor measured in the same run, with the same number of requests in flight where there is
  one (16, or 1 for the one-at-a-time rows). CPU per operation is the workerd process's user+system
  CPU time over the measured operations divided by their number: an upper bound on the Workers'
  CPU, because it includes the runtime's own work (HTTP parsing, the local D1/KV simulators,
  every hop between the Workers). The Cloudflare limit it is held against is ${m.cpuLimitMs} ms (aim: under ${m.cpuAimMs} ms).
- The outside world is replaced at its HTTP boundary and runs in the bench process: the LMS
  (tests/support/lti-platform.ts, a simulated Moodle with RS256 keys and a JWKS on a loopback port) and
  the external model (an OpenAI-compatible streaming server on loopback whose first token comes
  after a fixed ${m.providerDelayMs} ms; chat's \`EXTERNAL_AI_BASE_URL\` points at it, Workers AI is not
  bound locally, so the \`auto\` chain goes straight to it).
- The load client shares the machine's ${m.cores} cores with workerd, so throughput is a floor for
  this machine, not a capacity claim for Cloudflare's edge.`;
}
