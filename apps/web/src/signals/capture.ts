import * as v from "valibot";
import type { ApiClient } from "../api/client";
import type { ApiProblem } from "../api/problem";
import type { RealtimeSocket } from "../api/realtime";
import { SignalBatcher } from "./batcher";
import { elementIdOf, isAnswerControl } from "./element-id";
import { IdleTracker } from "./idle";
import { type SignalsResponse, sendSignals } from "./transport";
import { type Signal, SignalSchema, type SignalType } from "./types";

const TICK_MS = 1_000;
export const CONTENT_SIGNAL_EVENT = "atomic-guide:signal";
const ContentSignalSchema = v.omit(SignalSchema, ["at"]);
const MIN_HOVER_MS = 400;

export interface CaptureHooks {
  onResponse(r: SignalsResponse): void;
  /** Called once when the server says signals are off (flag off, expired token). */
  onOff(problem: ApiProblem): void;
}

/** Listens to the page, feeds the batcher, and ships batches on a timer. */
export class SignalCapture {
  readonly batcher = new SignalBatcher(() => Date.now());
  private readonly idle = new IdleTracker(() => Date.now());
  private hoverStart = new WeakMap<Element, number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private retryAt = 0;
  private sending = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly doc: Document,
    private readonly api: ApiClient,
    private readonly socket: RealtimeSocket | null,
    private readonly sessionId: string | undefined,
    private readonly hooks: CaptureHooks,
  ) {}

  start(): void {
    const opts = { capture: true, passive: true, signal: this.abort.signal };
    const d = this.doc;
    d.addEventListener("pointerover", (e) => this.hoverIn(e.target), opts);
    d.addEventListener("pointerout", (e) => this.hoverOut(e.target), opts);
    d.addEventListener("scroll", (e) => this.emit("scroll", e.target === d ? "page" : elementIdOf(e.target)), opts);
    d.addEventListener("click", (e) => this.emit("click", elementIdOf(e.target)), opts);
    d.addEventListener("keydown", () => this.idle.activity(), opts);
    d.addEventListener("pointermove", () => this.idle.activity(), opts);
    d.addEventListener(
      "input",
      (e) => {
        if (isAnswerControl(e.target)) this.emit("answer_change", elementIdOf(e.target));
      },
      opts,
    );
    d.addEventListener("visibilitychange", () => this.visibility(), opts);
    // Course content in the same page can report what only it knows (a quiz attempt and
    // whether it was right) with a DOM event, without importing anything from the app.
    d.addEventListener(CONTENT_SIGNAL_EVENT, (e) => this.fromContent(e), { signal: this.abort.signal });
    d.defaultView?.addEventListener("blur", () => this.emit("focus_change", "window:blur"), opts);
    d.defaultView?.addEventListener("focus", () => this.emit("focus_change", "window:focus"), opts);
    d.defaultView?.addEventListener("pagehide", () => void this.flush(), opts);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.visibility();
  }

  stop(): void {
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.batcher.setEnabled(false);
  }

  setEnabled(on: boolean): void {
    this.batcher.setEnabled(on);
  }

  /** For explicit events the app knows about (a help request from the chat, a quiz attempt). */
  emit(type: SignalType, elementId?: string, extra: Partial<Signal> = {}): void {
    this.idle.activity();
    const signal: Signal = { type, at: new Date().toISOString(), ...extra };
    if (elementId) signal.elementId = elementId;
    this.batcher.record(signal);
    // Help requests matter most to the detector: send them without waiting for the timer.
    if (type === "help_request") void this.flush();
  }

  private fromContent(e: Event): void {
    const parsed = v.safeParse(ContentSignalSchema, (e as CustomEvent<unknown>).detail);
    if (!parsed.success) return;
    const { type, elementId, ...extra } = parsed.output;
    this.emit(type, elementId, extra);
  }

  private hoverIn(target: EventTarget | null): void {
    this.idle.activity();
    if (target instanceof Element) this.hoverStart.set(target, Date.now());
  }

  private hoverOut(target: EventTarget | null): void {
    if (!(target instanceof Element)) return;
    const start = this.hoverStart.get(target);
    this.hoverStart.delete(target);
    if (start === undefined) return;
    const durationMs = Date.now() - start;
    const id = elementIdOf(target);
    if (durationMs >= MIN_HOVER_MS && id)
      this.batcher.record({ type: "hover", at: new Date().toISOString(), elementId: id, durationMs });
  }

  private visibility(): void {
    if (this.doc.visibilityState === "hidden") {
      this.emit("focus_change", "tab:hidden");
      void this.flush();
      this.batcher.pause();
    } else {
      this.batcher.resume();
      this.idle.activity();
    }
  }

  private tick(): void {
    if (this.doc.visibilityState === "visible") {
      const idleFor = this.idle.check();
      if (idleFor !== null) this.batcher.record({ type: "idle", at: new Date().toISOString(), durationMs: idleFor });
    }
    if (this.batcher.due()) void this.flush();
  }

  async flush(): Promise<void> {
    if (this.sending || Date.now() < this.retryAt || this.batcher.size === 0 || !this.batcher.isEnabled) return;
    this.sending = true;
    const batch = this.batcher.take();
    try {
      const outcome = await sendSignals(this.api, this.socket, batch, this.sessionId, this.hooks.onResponse);
      if (outcome.kind === "retry") {
        this.batcher.requeue(batch);
        this.retryAt = Date.now() + outcome.afterMs;
      } else if (outcome.kind === "off") {
        this.batcher.setEnabled(false);
        this.hooks.onOff(outcome.problem);
      }
    } finally {
      this.sending = false;
    }
  }
}
