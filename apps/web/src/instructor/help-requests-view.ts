import type { AppContext, View } from "../context";
import { h } from "../ui/dom";
import { loadRegion } from "../ui/load-region";
import { describeRequest, readHelpRequests } from "./help-requests-model";

/** How often the open list asks again: "live" for a person, light for the service. */
const POLL_MS = 30_000;

/**
 * The instructor's live list of learners who asked for their help (they accepted the guide's
 * offer to tell the instructor). Polled while the view is shown and the tab is visible.
 */
export class HelpRequestsView implements View {
  readonly element = h("section", { class: "view", "aria-labelledby": "help-requests-heading" });
  private readonly list = h("div", { class: "help-requests", "aria-live": "polite", "aria-busy": "false" });
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly ctx: AppContext) {
    this.element.append(
      h("h2", { id: "help-requests-heading" }, "Learners asking for your help"),
      h(
        "p",
        { class: "muted" },
        "Learners the guide saw stuck who said yes to telling you, in the last 7 days. It updates while open.",
      ),
      h("button", { type: "button", class: "btn", onclick: () => void this.load() }, "Refresh"),
      this.list,
    );
  }

  show(): void {
    void this.load();
    this.timer ??= setInterval(() => {
      if (document.visibilityState === "visible" && this.isShown()) void this.load();
    }, POLL_MS);
  }

  private isShown(): boolean {
    return this.element.isConnected && !this.element.closest("[hidden]");
  }

  private async load(): Promise<void> {
    await loadRegion(this.list, "The list could not be loaded. Please try again.", async () => {
      const raw = await this.ctx.api.json(
        `/api/courses/${encodeURIComponent(this.ctx.launch.context.id)}/help-requests`,
        { quiet: true },
      );
      const requests = readHelpRequests(raw);
      if (!requests) throw new Error("unexpected answer");
      const now = Date.now();
      return requests.length === 0
        ? h("p", { class: "muted" }, "No learner has asked for your help in the last 7 days.")
        : h(
            "ul",
            null,
            requests.map((r) => h("li", { class: "help-request", "data-user-id": r.userId }, describeRequest(r, now))),
          );
    });
  }
}
