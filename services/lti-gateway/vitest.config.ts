import { serviceTestConfig } from "@atomic-guide/testing/vitest-workers";

export default serviceTestConfig({
  service: "lti-gateway",
  // What `npm start` writes to .dev.vars for a developer.
  bindings: {
    ADMIN_TOKEN: "test-admin-token-0123456789abcdefghijklmnopqrstuvwxyz",
    KEY_ENCRYPTION_SECRET: "test-key-encryption-secret-0123456789abcdef",
    // Registrations wait for an operator in tests, as in production; one test turns this on.
    LTI_AUTO_ACTIVATE_REGISTRATIONS: "false",
  },
});
