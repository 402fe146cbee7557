// Bindings that exist only under test.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_AUX_MIGRATIONS?: Record<string, import("cloudflare:test").D1Migration[]>;
    /** Days the clock-shifted run moves every clock ahead (absent in a normal run). */
    TEST_CLOCK_OFFSET_DAYS?: number;
  }
}
declare namespace Cloudflare {
  interface Env {
    /** Bound services' D1 databases, reachable from tests to migrate or break them. */
    TEST_DB_CHAT: D1Database;
    TEST_DB_STRUGGLE_DETECTOR: D1Database;
    TEST_DB_ANALYTICS: D1Database;
  }
}
