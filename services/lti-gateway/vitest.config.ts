import { serviceTestConfig } from "@atomic-guide/testing/vitest-workers";

export default serviceTestConfig({
  service: "lti-gateway",
  // What `npm start` writes to .dev.vars for a developer.
  bindings: {
    ADMIN_TOKEN: "test-admin-token-0123456789abcdefghijklmnopqrstuvwxyz",
    KEY_WRAPPING_SECRET: "v1.test-key-wrapping-secret-0123456789abcdef",
    API_TOKEN_SECRET: "v1.test-api-token-secret-0123456789abcdefgh",
    // Registrations wait for an operator in tests, as in production; one test turns this on.
    LTI_AUTO_ACTIVATE_REGISTRATIONS: "false",
  },
});
