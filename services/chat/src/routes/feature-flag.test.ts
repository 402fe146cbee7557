import { describeFeatureFlag } from "../../../../tests/support/feature-flag-suite";

describeFeatureFlag({
  service: "chat",
  flag: "chat",
  method: "POST",
  path: "/api/chat/message",
  body: () => ({ message: "hello" }),
});
