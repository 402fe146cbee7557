/**
 * Attributes D1 time to the request that spent it. Workers have no request-local storage
 * without the nodejs_als flag, so the attribution is exact only while the isolate serves one
 * request at a time; when requests overlap, neither gets a D1 time (reported as unknown rather
 * than wrong). Query samples themselves are always exact.
 */
const scope = { inflight: 0, d1Ms: 0, overlapped: false };

export function beginRequestScope(): void {
  scope.inflight += 1;
  if (scope.inflight === 1) {
    scope.d1Ms = 0;
    scope.overlapped = false;
  } else {
    scope.overlapped = true;
  }
}

export function addD1Time(ms: number): void {
  scope.d1Ms += ms;
}

/** The D1 time of the request that ends, or undefined when it cannot be attributed. */
export function endRequestScope(): number | undefined {
  const attributable = scope.inflight === 1 && !scope.overlapped;
  const d1Ms = attributable ? scope.d1Ms : undefined;
  scope.inflight = Math.max(0, scope.inflight - 1);
  if (scope.inflight === 0) {
    scope.d1Ms = 0;
    scope.overlapped = false;
  }
  return d1Ms;
}
