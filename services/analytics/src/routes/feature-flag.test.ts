import { describeFeatureFlag } from "../../../../testing/feature-flag-suite";

describeFeatureFlag({ service: "analytics", flag: "analytics", method: "GET", path: "/api/analytics/overview" });
