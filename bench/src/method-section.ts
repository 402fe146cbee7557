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
  process, and each service's Durable Objects in a Worker of their own (the same bundle and
  bindings, bound by script name) in a second workerd process, as Cloudflare runs an object on its
  own machine: the profiler reads a Worker's requests apart from its objects' invocations, which
  Cloudflare limits and bills on their own, and a new or evicted object starts in the objects'
  process, not on its caller's thread. Calls between the processes go through Miniflare's dev
  registry (workerd's debug port). Both share the local D1/KV/R2 (Miniflare), their files
  ${m.storagePlace}: Cloudflare keeps that storage on the object's and the database's own machines,
  not on the calling Worker's thread. ${m.assetsText} Each scenario is driven over loopback HTTP (and
  WebSockets) by a closed-loop client in the same Node process, after a warm-up. Ratios compare
  with the floor measured in the same run, with the same number of requests in flight where there is
  one (16, or 1 for the one-at-a-time rows). CPU per operation is the two workerd processes'
  user+system CPU time over the measured operations divided by their number: an upper bound on the Workers'
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
