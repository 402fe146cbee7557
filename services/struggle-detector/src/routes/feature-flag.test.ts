import { describeFeatureFlag } from "../../../../testing/feature-flag-suite";

describeFeatureFlag({
  service: "struggle-detector",
  flag: "struggleDetection",
  method: "POST",
  path: "/api/cognitive/signals",
  body: { signals: [{ type: "click", at: "2026-11-24T10:00:00.000Z" }] },
});
