import type { Signal } from "../../../packages/shared/src/signals";
import { ARCHETYPES, type Archetype, type Trace, type TracedSignal } from "../lib/format";

/**
 * Traces of the eight archetypes, built the way the web client sends signals (the agreement in
 * docs/struggle-detection.md): a `scroll` when a block becomes the one in view, a `hover` with the
 * dwell when it stops being, `idle` after 30 s without input (never while media plays),
 * `focus_change` with the time away, `quiz_attempt` with the time since the item was shown or
 * last attempted. Seeded, so the files are reproducible; the detector's numbers are not used.
 */

interface Block {
  id: string;
  words: number;
  contentType: "text" | "formula" | "video" | "quiz" | "code" | "image";
  skill?: string;
}

/** The sample course page the traces walk through. */
const PAGE = {
  intro: { id: "intro", words: 120, contentType: "text" },
  reading: { id: "reading-2", words: 380, contentType: "text" },
  formula: { id: "formula-1", words: 14, contentType: "formula" },
  video: { id: "video-1", words: 12, contentType: "video" },
  example: { id: "worked-example", words: 210, contentType: "text" },
  q1: { id: "q1", words: 35, contentType: "quiz", skill: "linear-equations" },
  q2: { id: "q2", words: 42, contentType: "quiz", skill: "linear-equations" },
  q3: { id: "q3", words: 30, contentType: "quiz", skill: "fractions" },
  q4: { id: "q4", words: 38, contentType: "quiz", skill: "fractions" },
} satisfies Record<string, Block>;
const READING_MS_PER_WORD = 240;
const DENSITY: Record<string, number> = { formula: 3, code: 2, quiz: 1.5 };
const expectedMs = (b: Block) => Math.max(3_000, b.words * READING_MS_PER_WORD * (DENSITY[b.contentType] ?? 1));

/** Park-Miller: tiny, deterministic, good enough for noise. */
function rng(seed: number) {
  let s = seed % 2_147_483_647 || 1;
  return () => {
    s = (s * 16_807) % 2_147_483_647;
    return (s - 1) / 2_147_483_646;
  };
}

type Emitted = Omit<Signal, "at">;

/** A simulated learner in a simulated browser tab: emits what the client would. */
class Session {
  t = 0;
  private cur: Block | undefined;
  private viewStart = 0;
  /** Time away while the current block is in view (not part of its dwell). */
  private awayInView = 0;
  readonly signals: TracedSignal[] = [];
  constructor(readonly rand: () => number) {}

  between(lo: number, hi: number) {
    return Math.round(lo + this.rand() * (hi - lo));
  }
  chance(p: number) {
    return this.rand() < p;
  }
  wait(ms: number) {
    this.t += Math.max(0, Math.round(ms));
  }
  emit(s: Emitted) {
    this.signals.push({ ...s, offsetMs: this.t } as TracedSignal);
  }
  private leave() {
    const b = this.cur;
    if (!b) return;
    const dwell = this.t - this.viewStart - this.awayInView;
    this.emit({ type: "hover", elementId: b.id, durationMs: dwell, wordCount: b.words, contentType: b.contentType });
  }
  /** Scrolls a block into view (the previous one reports its dwell). */
  view(b: Block) {
    if (this.cur?.id === b.id) return;
    this.leave();
    this.cur = b;
    this.viewStart = this.t;
    this.awayInView = 0;
    this.emit({ type: "scroll", elementId: b.id, wordCount: b.words, contentType: b.contentType });
  }
  /** Reads the block in view for `pace` times its expected reading time. */
  read(b: Block, pace: number) {
    this.view(b);
    this.wait(expectedMs(b) * pace);
  }
  /** Reads the block at a pace drawn between `loPercent` and `hiPercent` of its expected time. */
  readAtPace(b: Block, loPercent: number, hiPercent: number) {
    this.read(b, this.between(loPercent, hiPercent) / 100);
  }
  /**
   * Reads page blocks one after another, each at a pace drawn between its two percentages of its
   * expected time (in the order given, which is also the order the draws are made in).
   */
  readPage(paces: Partial<Record<keyof typeof PAGE, readonly [number, number]>>) {
    for (const [name, [lo, hi]] of Object.entries(paces) as [keyof typeof PAGE, readonly [number, number]][]) {
      this.readAtPace(PAGE[name], lo, hi);
    }
  }
  /** Shows question `q`, looks at it for 10-20 s, then gives no input for `idleLo`-`idleHi` ms. */
  stallOn(q: Block, idleLo: number, idleHi: number) {
    this.view(q);
    this.wait(this.between(10_000, 20_000));
    this.idle(this.between(idleLo, idleHi));
  }
  /** No input for `ms` (ms >= 30 s) while a non-media block is in view; reported when input resumes. */
  idle(ms: number) {
    this.wait(ms);
    const b = this.cur;
    this.emit({ type: "idle", durationMs: Math.round(ms), ...(b ? { elementId: b.id, wordCount: b.words } : {}) });
  }
  away(ms: number) {
    this.wait(ms);
    this.awayInView += Math.round(ms);
    this.emit({ type: "focus_change", durationMs: Math.round(ms) });
  }
  change(q: Block) {
    this.emit({ type: "answer_change", elementId: q.id, ...(q.skill ? { skill: q.skill } : {}) });
  }
  /** Answers item `q` after `thinkMs` since it was shown or last attempted. */
  attempt(q: Block, thinkMs: number, correct: boolean) {
    this.view(q);
    this.wait(thinkMs);
    this.emit({
      type: "quiz_attempt",
      elementId: q.id,
      durationMs: Math.round(thinkMs),
      correct,
      ...(q.skill ? { skill: q.skill } : {}),
    });
  }
  help() {
    this.emit({ type: "help_request", ...(this.cur ? { elementId: this.cur.id } : {}) });
  }
  chat() {
    this.emit({ type: "help_request", contentType: "chat", ...(this.cur ? { elementId: this.cur.id } : {}) });
  }
  click() {
    if (this.cur) this.emit({ type: "click", elementId: this.cur.id });
  }
  end() {
    this.leave();
    this.cur = undefined;
  }
}

const { intro, reading, formula, video, example, q1, q2, q3, q4 } = PAGE;
const item = (q: Block) => expectedMs(q);

const BUILDERS: Record<Archetype, (s: Session) => void> = {
  steady_reader(s) {
    s.readPage({ intro: [80, 130], reading: [60, 90] });
    // A long block: a pause to think while reading it is part of reading.
    if (s.chance(0.6)) s.idle(s.between(31_000, 55_000));
    s.wait(expectedMs(reading) * 0.3);
    s.readAtPace(formula, 80, 140);
    if (s.chance(0.5)) s.read(reading, 0.2); // one look back
    s.readAtPace(example, 80, 130);
    if (s.chance(0.5)) s.away(s.between(8_000, 40_000));
    if (s.chance(0.6)) {
      s.chat();
      s.wait(s.between(20_000, 50_000));
      s.chat();
    }
    for (const q of [q1, q2, q3]) {
      if (s.chance(0.3)) s.change(q);
      const right = s.chance(0.85);
      s.attempt(q, (item(q) * s.between(90, 200)) / 100, right);
      if (!right) s.attempt(q, s.between(15_000, 35_000), true);
      s.wait(s.between(1_000, 4_000));
    }
    s.end();
  },
  video_watcher(s) {
    s.readAtPace(intro, 80, 120);
    s.view(video);
    s.wait(s.between(180_000, 420_000)); // watching: no idle while it plays
    if (s.chance(0.5)) s.away(s.between(10_000, 30_000));
    s.wait(s.between(30_000, 90_000));
    s.readAtPace(formula, 90, 150);
    if (s.chance(0.4)) {
      s.view(video); // rewatch a part
      s.wait(s.between(40_000, 90_000));
    }
    s.readAtPace(example, 70, 110);
    for (const q of [q1, q2]) s.attempt(q, (item(q) * s.between(100, 180)) / 100, s.chance(0.9));
    s.end();
  },
  fast_expert(s) {
    s.readPage({ intro: [30, 50], reading: [35, 55], formula: [40, 70], example: [30, 50] });
    for (const q of [q1, q2, q3, q4]) {
      s.attempt(q, (item(q) * s.between(45, 80)) / 100, true);
      s.wait(s.between(500, 1_500));
    }
    s.end();
  },
  productive_struggle(s) {
    s.readPage({ intro: [140, 220], reading: [140, 200], formula: [150, 230], example: [140, 210] });
    s.stallOn(q1, 35_000, 55_000);
    s.change(q1);
    if (s.chance(0.5)) s.change(q1);
    s.attempt(q1, s.between(30_000, 60_000), false);
    s.wait(s.between(5_000, 15_000));
    if (s.chance(0.5)) s.read(example, 0.5);
    s.attempt(q1, s.between(40_000, 70_000), true);
    s.attempt(q2, (item(q2) * s.between(150, 300)) / 100, true);
    s.end();
  },
  wheel_spinning(s) {
    s.readPage({ intro: [80, 120], reading: [70, 110], example: [80, 120] });
    const tries = s.between(5, 8);
    for (let i = 0; i < tries; i++) {
      const q = i < 4 ? q1 : q2; // same skill, another item
      if (s.chance(0.6)) s.change(q);
      s.attempt(q, s.between(6_000, 25_000), false);
    }
    s.end();
  },
  rereading(s) {
    s.readPage({ intro: [80, 120], reading: [40, 70], formula: [100, 150] });
    const loop = [reading, formula, example, formula, reading, example];
    const n = s.between(8, 12);
    for (let i = 0; i < n; i++) {
      s.view(loop[(i + s.between(0, 1)) % loop.length] as Block);
      s.wait(s.between(4_000, 18_000));
    }
    s.end();
  },
  rapid_guessing(s) {
    s.readPage({ intro: [15, 30], reading: [5, 15] });
    for (const q of [q1, q2, q3, q4, q1, q2]) {
      s.attempt(q, s.between(700, 3_000), s.chance(0.35));
      s.wait(s.between(200, 1_200));
    }
    s.end();
  },
  stuck_on_question(s) {
    s.readPage({ intro: [80, 120], reading: [70, 110], example: [80, 120] });
    s.stallOn(q2, 45_000, 90_000);
    for (let i = 0; i < s.between(3, 5); i++) {
      s.change(q2);
      s.wait(s.between(3_000, 10_000));
    }
    s.attempt(q2, s.between(20_000, 40_000), false);
    s.idle(s.between(40_000, 80_000));
    if (s.chance(0.5)) s.away(s.between(90_000, 200_000));
    for (let i = 0; i < s.between(3, 4); i++) {
      s.change(q2);
      s.wait(s.between(2_000, 8_000));
    }
    if (s.chance(0.3)) s.help();
    s.idle(s.between(35_000, 70_000));
    s.attempt(q2, s.between(20_000, 40_000), false);
    s.end();
  },
};

export function generateTrace(archetype: Archetype, variant: number): Trace {
  const session = new Session(rng(1_000 * (Object.keys(ARCHETYPES).indexOf(archetype) + 1) + variant * 7 + 13));
  BUILDERS[archetype](session);
  return {
    format: "atomic-guide-trace/1",
    archetype,
    label: ARCHETYPES[archetype],
    source: "generator",
    signals: session.signals,
  };
}
