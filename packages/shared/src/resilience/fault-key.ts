/**
 * Where a service's injected D1 fault lives in its SNAPSHOTS KV (`${FAULTS_KEY}:${service}`).
 * Its own module, free of imports, so Node-side tests (the chaos test) can steer faults too.
 */
export const FAULTS_KEY = "_dev:d1-faults";
