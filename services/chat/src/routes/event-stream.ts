/** One per isolate: a turn streams many events and the encoder keeps no state between them. */
const encoder = new TextEncoder();

/**
 * The learner's server-sent-event stream. Events sent in one synchronous run (the model's
 * tokens that arrived in one network read) are encoded and written together, at the end of
 * that run: one write per read of the model's stream instead of one per token, the same bytes.
 */
export class EventStreamWriter {
  readonly readable: ReadableStream<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private pending = "";
  private flushed: Promise<void> | undefined;

  constructor() {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    this.readable = readable;
    this.writer = writable.getWriter();
  }

  /** Resolves once the event is handed to the stream; a learner who went away is not an error. */
  send(event: string, data: unknown): Promise<void> {
    this.pending += `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    this.flushed ??= Promise.resolve().then(() => this.flush());
    return this.flushed;
  }

  private flush(): Promise<void> {
    const text = this.pending;
    this.pending = "";
    this.flushed = undefined;
    return this.writer.write(encoder.encode(text)).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.flushed;
    await this.writer.close().catch(() => undefined);
  }
}
