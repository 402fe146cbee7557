import { describeFeatureFlag } from "../../../../tests/support/feature-flag-suite";

describeFeatureFlag({ service: "analytics", flag: "analytics", method: "GET", path: "/api/analytics/overview" });
