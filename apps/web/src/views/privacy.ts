import { problemText } from "../api/problem";
import { readConsent, writeConsent } from "../consent";
import type { AppContext, View } from "../context";
import { h, replaceChildren } from "../ui/dom";

/** What is stored, export, erase, and the consent switch for signal capture. */
export class PrivacyView implements View {
  readonly element = h("section", { class: "view", "aria-labelledby": "privacy-heading" });
  private readonly result = h("div", { role: "status", "aria-live": "polite" });
  private readonly consentBox: HTMLInputElement;

  constructor(
    private readonly ctx: AppContext,
    private readonly onConsentChange: (granted: boolean) => void,
  ) {
    this.consentBox = h("input", {
      type: "checkbox",
      id: "consent-toggle",
      checked: readConsent(ctx.launch.tenantId) === "granted",
      onchange: () => {
        const granted = this.consentBox.checked;
        writeConsent(ctx.launch.tenantId, granted ? "granted" : "declined");
        onConsentChange(granted);
        this.result.textContent = granted
          ? "Activity signals are on."
          : "Activity signals are off. Nothing more is collected.";
      },
    });
    const confirmDelete = h(
      "div",
      { class: "confirm", hidden: true },
      h("p", null, h("strong", null, "Delete everything Atomic Guide holds about you?"), " This cannot be undone."),
      h("button", { type: "button", class: "btn btn-danger", onclick: () => void this.erase() }, "Yes, delete my data"),
      h("button", { type: "button", class: "btn", onclick: () => (confirmDelete.hidden = true) }, "Cancel"),
    );
    this.element.append(
      h("h2", { id: "privacy-heading" }, "Privacy and your data"),
      h("h3", null, "What is stored"),
      h(
        "ul",
        null,
        h("li", null, "Your chat conversations with the guide and how many AI tokens you used."),
        h(
          "li",
          null,
          "If you allow it: activity signals in this page (hovering, scrolling, pauses, answer changes, help requests) with times, used to notice when you might be stuck.",
        ),
        h(
          "li",
          null,
          "Your learning sessions, the suggestions you were shown and how you answered them, and a profile of running averages.",
        ),
        h(
          "li",
          null,
          "Your name and role as your course shares them, so your instructor's dashboard can list course activity.",
        ),
      ),
      h("p", null, "Your data stays with your institution's Atomic Guide and is never shown to other institutions."),
      h("h3", null, "Activity signals"),
      h(
        "div",
        { class: "switch" },
        this.consentBox,
        h("label", { for: "consent-toggle" }, "Let Atomic Guide notice when I might be stuck (activity signals)"),
      ),
      h("p", { class: "muted small" }, "This choice is kept in this browser only."),
      h("h3", null, "Your copy and erasure"),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "btn", onclick: () => void this.exportData() }, "Download my data (JSON)"),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-danger",
            onclick: () => {
              confirmDelete.hidden = false;
              (confirmDelete.querySelector("button") as HTMLButtonElement).focus();
            },
          },
          "Delete my data…",
        ),
      ),
      confirmDelete,
      this.result,
    );
  }

  show(): void {
    this.consentBox.checked = readConsent(this.ctx.launch.tenantId) === "granted";
  }

  private async exportData(): Promise<void> {
    this.result.textContent = "Preparing your export…";
    try {
      const res = await this.ctx.api.raw("/api/learners/me/export");
      const blob = new Blob([await res.text()], { type: "application/json" });
      const url = URL.createObjectURL(blob);
      const link = h("a", { href: url, download: "atomic-guide-my-data.json" }, "Save my data again");
      link.click();
      replaceChildren(this.result, "Your export is ready. ", link);
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      this.result.textContent = problemText(err, "The export failed.");
    }
  }

  private async erase(): Promise<void> {
    this.result.textContent = "Deleting…";
    try {
      const receipt = await this.ctx.api.json<Record<string, unknown>>("/api/learners/me", { method: "DELETE" });
      writeConsent(this.ctx.launch.tenantId, "declined");
      this.consentBox.checked = false;
      this.onConsentChange(false);
      const id = receipt && typeof receipt.receiptId === "string" ? ` Receipt: ${receipt.receiptId}.` : "";
      this.result.textContent = `Your data has been deleted.${id}`;
      (this.element.querySelector(".confirm") as HTMLElement).hidden = true;
    } catch (err) {
      this.result.textContent = problemText(err, "The deletion failed.");
    }
  }
}
