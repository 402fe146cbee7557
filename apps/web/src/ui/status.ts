import type { ApiProblem } from "../api/problem";
import { describeProblem } from "../api/problem";
import { h, replaceChildren } from "./dom";

/**
 * The page-wide banners: read-only mode (X-Atomic-Degraded), an expired session, rate limits.
 * One live region, so screen readers hear each change once.
 */
export class StatusBar {
  readonly element = h("div", { class: "status-bar", role: "status", "aria-live": "polite" });
  private degraded = false;
  private problem: ApiProblem | null = null;
  private clearTimer: ReturnType<typeof setTimeout> | null = null;
  expired = false;

  setDegraded(on: boolean): void {
    if (on === this.degraded) return;
    this.degraded = on;
    this.render();
  }

  report(problem: ApiProblem): void {
    // Per-view problems (not found, invalid input) are shown where they happen.
    if (!["expired", "rate_limited", "unavailable", "network"].includes(problem.kind)) return;
    if (problem.kind === "expired") this.expired = true;
    if (this.expired && problem.kind !== "expired") return;
    this.problem = problem;
    if (this.clearTimer) clearTimeout(this.clearTimer);
    if (problem.kind === "rate_limited")
      this.clearTimer = setTimeout(
        () => {
          this.problem = null;
          this.render();
        },
        (problem.retryAfter ?? 30) * 1000,
      );
    this.render();
  }

  private render(): void {
    replaceChildren(
      this.element,
      this.degraded &&
        h(
          "p",
          { class: "banner banner-warn" },
          h("strong", null, "Read-only mode. "),
          "Some data is being served from a backup while a service recovers; new changes may not be saved yet.",
        ),
      this.problem &&
        h(
          "p",
          { class: `banner ${this.problem.kind === "expired" ? "banner-error" : "banner-warn"}`, role: "alert" },
          describeProblem(this.problem),
        ),
    );
  }
}
