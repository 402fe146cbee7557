// The Worker the shared package's tests run against: it only hosts a Durable Object with an
// outbox, the way struggle-detector, chat and analytics host theirs.
import { DurableObject } from "cloudflare:workers";
import { withD1Faults } from "../src/resilience/d1-faults";
import { D1Outbox, type OutboxEntryInput } from "../src/resilience/outbox";
import { flushOutbox, writeThroughOutbox } from "../src/resilience/outbox-retry";

const OUTBOX_HOST_SERVICE = "shared-test";

export class OutboxHostDO extends DurableObject<Env> {
  readonly outbox = new D1Outbox(this.ctx.storage.sql, "test");
  // Faults are steered through SNAPSHOTS like in a service ("shared-test" is the service name).
  private readonly db = withD1Faults(this.env.DB, this.env, OUTBOX_HOST_SERVICE);

  write(entry: OutboxEntryInput) {
    return writeThroughOutbox(this.ctx.storage, this.outbox, this.db, entry);
  }

  override async alarm() {
    await flushOutbox(this.ctx.storage, this.outbox, this.db);
  }
}

export default {
  fetch: () => new Response("shared test worker"),
} satisfies ExportedHandler<Env>;
