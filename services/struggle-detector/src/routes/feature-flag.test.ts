import { describeFeatureFlag } from "../../../../tests/support/feature-flag-suite";

describeFeatureFlag({
  service: "struggle-detector",
  flag: "struggleDetection",
  method: "POST",
  path: "/api/cognitive/signals",
  body: () => ({ signals: [{ type: "click", at: new Date().toISOString() }] }),
});
