import type { Browser, FrameLocator, Page } from "playwright-core";

/** A signal as the client sent it, with `at` turned into ms since recording started. */
export interface RecordedSignal {
  type: string;
  offsetMs: number;
  [key: string]: unknown;
}

export interface SampleCourseSession {
  page: Page;
  guide: FrameLocator;
  /** Every signal the client sent, over the socket or HTTP, in order. */
  signals: RecordedSignal[];
  /** Bodies of POST /api/chat/message. */
  chatRequests: Record<string, unknown>[];
  /** The struggle level of every answer to a batch (socket acks and HTTP answers), in order. */
  levels: string[];
  close(): Promise<void>;
}

/**
 * Opens the sample course through `/` ("Launch as learner" / "Launch as instructor"), the way a
 * newcomer does, and records what the client sends: signal batches on /ws/signals frames and
 * POST /api/cognitive/signals bodies, and chat requests. `at` becomes an offset from the first
 * signal, the agreed trace format.
 */
export async function openSampleCourse(
  browser: Browser,
  frontUrl: string,
  opts: {
    role?: "learner" | "instructor";
    slug?: string;
    consent?: boolean;
    fakeClock?: boolean;
    /** Section B of the sample course (`sample-course-b`), a course of its own. */
    course?: string;
    /** The built-in LMS's second learner is "2". */
    learner?: string;
  } = {},
): Promise<SampleCourseSession> {
  const role = opts.role ?? "learner";
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  // A fake clock in every frame lets a recording skip minutes of reading or idling: the
  // client's own timers and Date.now() move with page.clock.runFor, nothing else waits.
  // It starts an hour back, so minutes skipped ahead never put a signal in the server's future.
  if (opts.fakeClock) await context.clock.install({ time: Date.now() - 3_600_000 });
  const page = await context.newPage();
  const signals: RecordedSignal[] = [];
  const chatRequests: Record<string, unknown>[] = [];
  const levels: string[] = [];
  const level = (body: unknown) => {
    const l = (body as { struggle?: { level?: unknown } } | null)?.struggle?.level;
    if (typeof l === "string") levels.push(l);
  };
  page.on("websocket", (ws) =>
    ws.on("framereceived", (f) => {
      try {
        const msg = JSON.parse(String(f.payload)) as { type?: string };
        if (msg.type === "ack") level(msg);
      } catch {}
    }),
  );
  page.on("response", async (r) => {
    if (r.request().method() === "POST" && new URL(r.url()).pathname === "/api/cognitive/signals" && r.ok())
      level(await r.json().catch(() => null));
  });
  let start: number | null = null;
  const record = (batch: unknown) => {
    if (!Array.isArray(batch)) return;
    for (const raw of batch as Record<string, unknown>[]) {
      const at = Date.parse(String(raw.at));
      start ??= at;
      const { at: _at, ...rest } = raw;
      signals.push({ ...(rest as { type: string }), offsetMs: at - start });
    }
  };
  if (process.env.TRACE_DEBUG) {
    page.on("websocket", (ws) => {
      ws.on("framereceived", (f) => console.log("WS<", String(f.payload).slice(0, 200)));
      ws.on("close", () => console.log("WS closed"));
    });
    page.on("response", (r) => r.status() >= 400 && console.log("HTTP", r.status(), r.url()));
  }
  page.on("websocket", (ws) =>
    ws.on("framesent", (f) => {
      try {
        const msg = JSON.parse(String(f.payload)) as { type?: string; signals?: unknown };
        if (msg.type === "signals") record(msg.signals);
      } catch {}
    }),
  );
  page.on("request", (r) => {
    if (r.method() !== "POST") return;
    const url = new URL(r.url());
    if (url.pathname === "/api/cognitive/signals") record((r.postDataJSON() as { signals?: unknown }).signals);
    if (url.pathname === "/api/chat/message") chatRequests.push(r.postDataJSON() as Record<string, unknown>);
  });
  if (opts.course || opts.learner) {
    const query = new URLSearchParams({ role });
    if (opts.course) query.set("course", opts.course);
    if (opts.learner) query.set("learner", opts.learner);
    await page.goto(`${frontUrl}/dev/course/${opts.slug ?? "equations"}?${query}`);
  } else {
    await page.goto(`${frontUrl}/`);
    await page.getByRole("link", { name: role === "learner" ? "Launch as learner" : "Launch as instructor" }).click();
    if (opts.slug && opts.slug !== "equations") await page.goto(`${frontUrl}/dev/course/${opts.slug}?role=${role}`);
  }
  const guide = page.frameLocator("iframe.guide");
  await guide.locator(".app-ready").waitFor({ timeout: 60_000 });
  if (role === "learner" && opts.consent !== false) {
    const allow = guide.getByRole("button", { name: "Yes, allow" });
    if (await allow.isVisible()) await allow.click();
  }
  return { page, guide, signals, chatRequests, levels, close: () => context.close() };
}

/** Waits until the client has sent a signal matching `match` (batches leave within ~5 s). */
export async function waitForSignal(
  session: SampleCourseSession,
  match: (s: RecordedSignal) => boolean,
  timeoutMs = 20_000,
): Promise<RecordedSignal> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = session.signals.find(match);
    if (found) return found;
    if (Date.now() > until) throw new Error(`no such signal; sent: ${JSON.stringify(session.signals)}`);
    await session.page.waitForTimeout(250);
  }
}
