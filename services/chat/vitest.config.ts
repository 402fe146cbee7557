import { serviceTestConfig } from "@atomic-guide/testing/vitest-workers";

export default serviceTestConfig({ service: "chat" });
