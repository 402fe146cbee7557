import { serviceTestConfig } from "@atomic-guide/testing/vitest-workers";

// DB_TENANT_TEST: a tenant's own database, to prove learner data goes there and metrics do not.
export default serviceTestConfig({ service: "analytics", tenantDatabases: ["DB_TENANT_TEST"] });
