import * as v from "valibot";
import type { ApiClient } from "../api/client";
import type { ApiProblem } from "../api/problem";
import type { RealtimeSocket } from "../api/realtime";
import { blockElementOf, blockFacts, quizItemElementOf, quizItemFacts } from "../page/blocks";
import type { ContentPage } from "../page/content-page";
import { AwayTracker } from "./away";
import { SignalBatcher } from "./batcher";
import { type DwellSignal, DwellTracker } from "./dwell";
import { elementIdOf, isAnswerControl } from "./element-id";
import { IdleTracker } from "./idle";
import { QuizTimer } from "./quiz-timer";
import { type SignalsResponse, sendSignals } from "./transport";
import { type Signal, SignalSchema, type SignalType } from "./types";

const TICK_MS = 1_000;
export const CONTENT_SIGNAL_EVENT = "atomic-guide:signal";
const ContentSignalSchema = v.omit(SignalSchema, ["at"]);

export interface CaptureHooks {
  onResponse(r: SignalsResponse): void;
  /** Called once when the server says signals are off (flag off, expired token). */
  onOff(problem: ApiProblem): void;
}

/** The clock the capture reads; tests and trace recording can inject their own. */
export type Clock = () => number;

/**
 * Turns what the learner does on the content page into the signals agreed with
 * struggle-detector (docs/web-app.md): dwell per block, the block in view on scroll, response
 * times on quiz items, idle only while visible and nothing plays, time away, help requests.
 * Listens; never reads what the learner types.
 */
export class SignalCapture {
  readonly batcher: SignalBatcher;
  private readonly idle: IdleTracker;
  private readonly dwell: DwellTracker;
  private readonly away: AwayTracker;
  private readonly quiz: QuizTimer;
  private readonly playing = new Set<EventTarget>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private retryAt = 0;
  private sending = false;
  private readonly abort = new AbortController();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly appDoc: Document,
    readonly content: ContentPage,
    private readonly api: ApiClient,
    private readonly socket: RealtimeSocket | null,
    private readonly sessionId: string | undefined,
    private readonly hooks: CaptureHooks,
    private readonly now: Clock = () => Date.now(),
  ) {
    this.batcher = new SignalBatcher(now);
    this.idle = new IdleTracker(now);
    this.dwell = new DwellTracker(now);
    this.away = new AwayTracker(now);
    this.quiz = new QuizTimer(now);
  }

  /** The block the learner is looking at, for help requests and chat's page context. */
  get blockInView(): string | null {
    return this.dwell.inView;
  }

  start(): void {
    const opts = { capture: true, passive: true, signal: this.abort.signal };
    const d = this.content.doc;
    const activity = () => this.activity();
    for (const doc of new Set([d, this.appDoc]))
      for (const type of ["keydown", "pointerdown", "pointermove", "wheel", "touchstart", "scroll"])
        doc.addEventListener(type, activity, opts);
    d.addEventListener("click", (e) => this.click(e.target), opts);
    d.addEventListener("input", (e) => this.answerChange(e.target), opts);
    d.addEventListener("change", (e) => this.answerChange(e.target), opts);
    // Bubble phase, after the page's own submit handler has marked the item right or wrong.
    d.addEventListener("submit", (e) => queueMicrotask(() => this.submitted(e.target)), {
      signal: this.abort.signal,
    });
    // Media events do not bubble: listen in the capture phase for every player on the page.
    d.addEventListener("playing", (e) => this.media(e.target, true), opts);
    for (const type of ["pause", "ended", "emptied"])
      d.addEventListener(type, (e) => this.media(e.target, false), opts);
    d.addEventListener("visibilitychange", () => this.visibility(), opts);
    d.addEventListener(CONTENT_SIGNAL_EVENT, (e) => this.fromContent(e), { signal: this.abort.signal });
    const win = d.defaultView;
    win?.addEventListener("blur", () => this.blurred(), opts);
    win?.addEventListener("focus", () => this.returned(), opts);
    win?.addEventListener("pagehide", () => this.hidden(), opts);
    this.unsubscribe = this.content.subscribe({
      onInView: (id) => this.sendDwell(this.dwell.setInView(id)),
      onQuizItemShown: (id) => this.quiz.shown(id),
    });
    this.content.start();
    // The block already in view when capture starts is where the first dwell begins.
    if (this.content.inView) this.dwell.setInView(this.content.inView);
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    this.abort.abort();
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.batcher.setEnabled(false);
  }

  setEnabled(on: boolean): void {
    this.batcher.setEnabled(on);
  }

  /** A signal the app itself knows about. */
  emit(type: SignalType, elementId?: string, extra: Partial<Signal> = {}): void {
    const signal: Signal = { type, at: new Date(this.now()).toISOString(), ...extra };
    if (elementId) signal.elementId = elementId;
    this.batcher.record(signal);
    // Help requests matter most to the detector: send them without waiting for the timer.
    if (type === "help_request") void this.flush();
  }

  /**
   * The learner asked for help: `chat` when they sent a chat message (not struggle evidence;
   * tells the detector they are chatting), `explicit` for the "I'm stuck" control.
   */
  helpRequest(kind: "chat" | "explicit"): void {
    this.activity();
    this.emit("help_request", this.dwell.inView ?? undefined, kind === "chat" ? { contentType: "chat" } : {});
  }

  private activity(): void {
    const spell = this.idle.activity();
    if (spell !== null) this.sendIdle(spell);
  }

  private sendIdle(durationMs: number): void {
    const id = this.dwell.inView;
    const block = id ? this.content.blockById(id) : null;
    const facts = block ? blockFacts(block) : null;
    this.emit("idle", id ?? undefined, { durationMs, ...(facts ? { wordCount: facts.wordCount } : {}) });
  }

  private sendDwell(signals: DwellSignal[]): void {
    for (const s of signals) {
      const block = this.content.blockById(s.blockId);
      const facts = block ? blockFacts(block) : null;
      this.emit(s.type, s.blockId, {
        ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
        ...(facts ? { wordCount: facts.wordCount } : {}),
        ...(facts?.contentType ? { contentType: facts.contentType } : {}),
      });
    }
  }

  private click(target: EventTarget | null): void {
    this.activity();
    const block = blockElementOf(target);
    const facts = block ? blockFacts(block) : null;
    if (facts) this.emit("click", facts.id);
  }

  private answerChange(target: EventTarget | null): void {
    if (!isAnswerControl(target)) return;
    this.activity();
    const item = quizItemElementOf(target);
    const facts = item ? quizItemFacts(item) : null;
    if (facts) {
      this.quiz.shown(facts.id);
      this.emit("answer_change", facts.id, facts.skill ? { skill: facts.skill } : {});
    } else this.emit("answer_change", elementIdOf(target));
  }

  /** A form inside a quiz item was submitted: an attempt; `data-correct` says how it went. */
  private submitted(target: EventTarget | null): void {
    const item = quizItemElementOf(target);
    const facts = item ? quizItemFacts(item) : null;
    if (!item || !facts) return;
    this.activity();
    const correct = item.getAttribute("data-correct");
    this.quizAttempt(facts.id, {
      ...(correct === "true" || correct === "false" ? { correct: correct === "true" } : {}),
      ...(facts.skill ? { skill: facts.skill } : {}),
    });
  }

  private quizAttempt(itemId: string, extra: Partial<Signal>): void {
    const durationMs = extra.durationMs ?? this.quiz.attempt(itemId);
    this.emit("quiz_attempt", itemId, { ...extra, ...(durationMs !== undefined ? { durationMs } : {}) });
  }

  /** Content in the same page can report what only it knows, with a DOM event. */
  private fromContent(e: Event): void {
    const parsed = v.safeParse(ContentSignalSchema, (e as CustomEvent<unknown>).detail);
    if (!parsed.success) return;
    const { type, elementId, ...extra } = parsed.output;
    this.activity();
    if (type === "quiz_attempt" && elementId) {
      const item = this.content.doc.querySelector(`[data-quiz-item="${CSS.escape(elementId)}"]`);
      const skill = extra.skill ?? (item ? quizItemFacts(item)?.skill : undefined);
      this.quizAttempt(elementId, { ...extra, ...(skill ? { skill } : {}) });
    } else this.emit(type, elementId, extra);
  }

  private media(target: EventTarget | null, playing: boolean): void {
    if (!target) return;
    if (playing) {
      this.playing.add(target);
      const spell = this.idle.suspend("media");
      if (spell !== null) this.sendIdle(spell);
    } else {
      this.playing.delete(target);
      if (this.playing.size === 0) this.idle.resume("media");
    }
  }

  private visibility(): void {
    if (this.content.doc.visibilityState === "hidden") this.hidden();
    else this.returned();
  }

  /** Focus moving into the guide's own frame blurs the page but is not leaving it. */
  private blurred(): void {
    setTimeout(() => {
      if (!this.content.doc.hasFocus() && !this.appDoc.hasFocus()) this.leave();
    }, 0);
  }

  private leave(): void {
    if (this.away.isAway) return;
    this.away.leave();
    const spell = this.idle.suspend("away");
    if (spell !== null) this.sendIdle(spell);
  }

  private hidden(): void {
    this.leave();
    this.sendDwell(this.dwell.hide());
    void this.flush();
  }

  private returned(): void {
    if (this.content.doc.visibilityState === "hidden") return;
    const away = this.away.back();
    this.dwell.show();
    this.idle.resume("away");
    if (away !== null) this.emit("focus_change", undefined, { durationMs: Math.min(away, 86_400_000) });
  }

  private tick(): void {
    if (this.batcher.due()) void this.flush();
  }

  async flush(): Promise<void> {
    if (this.sending || this.now() < this.retryAt || this.batcher.size === 0 || !this.batcher.isEnabled) return;
    this.sending = true;
    const batch = this.batcher.take();
    try {
      const outcome = await sendSignals(this.api, this.socket, batch, this.sessionId, this.hooks.onResponse);
      if (outcome.kind === "retry") {
        this.batcher.requeue(batch);
        this.retryAt = this.now() + outcome.afterMs;
      } else if (outcome.kind === "off") {
        this.batcher.setEnabled(false);
        this.hooks.onOff(outcome.problem);
      }
    } finally {
      this.sending = false;
    }
  }
}
