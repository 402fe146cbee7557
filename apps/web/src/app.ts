import { ApiClient } from "./api/client";
import { ApiProblem } from "./api/problem";
import { RealtimeSocket } from "./api/realtime";
import { readConsent, writeConsent } from "./consent";
import type { AppContext, View } from "./context";
import { expiresAtMs, isInstructor, type Launch } from "./launch";
import { ContentPage, contentDocumentFor } from "./page/content-page";
import { SignalCapture } from "./signals/capture";
import { h, replaceChildren } from "./ui/dom";
import { StatusBar } from "./ui/status";
import { ChatView } from "./views/chat";
import { toIntervention } from "./views/intervention-model";
import { InterventionList } from "./views/interventions";
import { MyLearningView } from "./views/my-learning";
import { PrivacyView } from "./views/privacy";

interface Tab {
  id: string;
  label: string;
  view: View;
}

export async function mountApp(root: HTMLElement, launch: Launch): Promise<void> {
  const status = new StatusBar();
  const api = new ApiClient(launch.apiToken, {
    onDegraded: (d) => status.setDegraded(d),
    onProblem: (p) => status.report(p),
  });
  const page = new ContentPage(contentDocumentFor(document));
  page.start();
  const liveRegion = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const announce = (message: string) => {
    // Cleared first so the same sentence twice is still read out.
    liveRegion.textContent = "";
    requestAnimationFrame(() => {
      liveRegion.textContent = message;
    });
  };
  const ctx: AppContext = { launch, api, status, capture: null, page, announce };
  const instructor = isInstructor(launch);
  const tabs = instructor ? (await import("./instructor/index")).instructorViews(ctx) : learnerTabs(ctx);

  const panel = h("div", { class: "view-host" });
  const nav = h("nav", { class: "tabs", "aria-label": "Atomic Guide sections" });
  const select = (id: string, moveFocus: boolean) => {
    const tab = tabs.find((t) => t.id === id) ?? tabs[0];
    if (!tab) return;
    for (const b of nav.querySelectorAll<HTMLButtonElement>("button")) {
      if (b.dataset.tab === tab.id) b.setAttribute("aria-current", "page");
      else b.removeAttribute("aria-current");
    }
    replaceChildren(panel, tab.view.element);
    tab.view.show?.();
    if (moveFocus) {
      const heading = tab.view.element.querySelector("h2");
      heading?.setAttribute("tabindex", "-1");
      heading?.focus();
    }
  };
  for (const t of tabs)
    nav.append(
      h("button", { type: "button", class: "tab", "data-tab": t.id, onclick: () => select(t.id, true) }, t.label),
    );

  const who = launch.user.name ? `${launch.user.name} · ` : "";
  replaceChildren(
    root,
    h(
      "header",
      { class: "app-header" },
      h("h1", null, "Atomic Guide"),
      h(
        "p",
        { class: "muted small" },
        `${who}${launch.context.title ?? "Your course"}${instructor ? " · Instructor" : ""}`,
      ),
      nav,
    ),
    status.element,
    liveRegion,
    panel,
  );
  root.classList.add("app-ready");
  select(tabs[0]?.id ?? "", false);

  if (Date.now() >= expiresAtMs(launch)) {
    status.report(new ApiProblem("expired", 401, "token_expired", "The launch has expired."));
  }
}

function learnerTabs(ctx: AppContext): Tab[] {
  const { launch } = ctx;
  const detectionOn = launch.flags?.struggleDetection !== false;
  let socket: RealtimeSocket | null = null;
  let chat: ChatView;
  const interventions = new InterventionList(ctx, (item) => {
    if (item.kind === "chat_offer") chat.showOffer(item.suggestion ?? item.message, item.provider, item.elementId);
  });
  const addIntervention = (raw: unknown) => {
    const item = toIntervention(raw);
    if (item) interventions.add(item);
  };

  const consentCard = h("div", { class: "card consent", role: "region", "aria-label": "Activity signals" });
  const startSignals = () => {
    if (!detectionOn || ctx.capture) return;
    socket = new RealtimeSocket(
      ctx.api,
      "/ws/signals",
      (msg) => {
        if (msg && typeof msg === "object" && (msg as { type?: unknown }).type === "intervention") addIntervention(msg);
      },
      // Closed for good (token expired or revoked, detection turned off): say why and stop capturing.
      (state, problem) => {
        if (state !== "off" || !problem) return;
        ctx.status.report(problem);
        stopSignals();
      },
    );
    const capture = new SignalCapture(document, ctx.page, ctx.api, socket, launch.sessionId ?? undefined, {
      onResponse: (r) => r.intervention && addIntervention(r.intervention),
      onOff: () => stopSignals(),
    });
    ctx.capture = capture;
    capture.start();
    socket.start();
  };
  const stopSignals = () => {
    ctx.capture?.stop();
    ctx.capture = null;
    socket?.stop();
    socket = null;
  };
  // The choice is also recorded on the server, where struggle-detector refuses signals while it is
  // withdrawn; the local copy only saves asking again on every launch.
  const recordConsent = (granted: boolean) => {
    void ctx.api
      .json("/api/learners/me/consent", { method: "PUT", body: { profiling: granted }, quiet: true })
      .catch(() => undefined);
  };
  const setConsent = (granted: boolean) => {
    writeConsent(launch.tenantId, granted ? "granted" : "declined");
    recordConsent(granted);
    consentCard.hidden = true;
    if (granted) startSignals();
    else stopSignals();
  };
  if (detectionOn && readConsent(launch.tenantId) === "unset") {
    consentCard.append(
      h(
        "p",
        null,
        "Can your guide notice when you might be stuck? It looks at activity in this page only (pauses, scrolling, answer changes), never keystrokes' content. You can change this on the Privacy page.",
      ),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "btn btn-primary", onclick: () => setConsent(true) }, "Yes, allow"),
        h("button", { type: "button", class: "btn", onclick: () => setConsent(false) }, "No, thanks"),
      ),
    );
  } else consentCard.hidden = true;
  if (detectionOn && readConsent(launch.tenantId) === "granted") startSignals();

  chat = new ChatView(ctx, [consentCard, interventions.element]);
  return [
    { id: "chat", label: "Guide", view: chat },
    { id: "mine", label: "My learning", view: new MyLearningView(ctx) },
    {
      id: "privacy",
      label: "Privacy",
      view: new PrivacyView(ctx, (g) => {
        recordConsent(g);
        if (g) startSignals();
        else stopSignals();
      }),
    },
  ];
}
