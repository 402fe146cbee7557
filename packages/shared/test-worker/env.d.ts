declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    SNAPSHOTS: KVNamespace;
    OUTBOX_HOST: DurableObjectNamespace<import("./worker").OutboxHostDO>;
    ENVIRONMENT: string;
  }
}
interface Env extends Cloudflare.Env {}

// Vite turns `?raw` imports into the file's text (used to check the wrangler configurations).
declare module "*?raw" {
  const text: string;
  export default text;
}
