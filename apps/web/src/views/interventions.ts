import { problemText } from "../api/problem";
import type { AppContext } from "../context";
import { renderMarkdown } from "../markdown/render";
import { pointAt } from "../page/point-at";
import { h, replaceChildren } from "../ui/dom";
import { citationList } from "./citations";
import { requestHelp } from "./help-request";
import { acceptLabel, helpKindOf, type Intervention, isInstructorOffer, kindLabel } from "./intervention-model";

type Action = "accepted" | "dismissed" | "helpful" | "not_helpful";

/** The cards for pushed interventions; each answer is sent back to the detector. */
export class InterventionList {
  readonly element = h("section", {
    class: "interventions",
    "aria-label": "Suggestions from your guide",
    "aria-live": "polite",
  });
  private readonly seen = new Set<string>();

  constructor(
    private readonly ctx: AppContext,
    private readonly onAccept: (i: Intervention) => void,
  ) {}

  add(item: Intervention): void {
    if (this.seen.has(item.id)) return;
    this.seen.add(item.id);
    const card = h("article", { class: "intervention card", "data-intervention-id": item.id, "data-no-signals": "" });
    const body = h("div", { class: "intervention-body" });
    body.append(renderMarkdown(document, item.message));
    const feedback = h("p", { class: "intervention-feedback", role: "status" });
    const actions = h("div", { class: "actions" });
    const respond = async (action: Action): Promise<boolean> => {
      try {
        await this.ctx.api.json(`/api/interventions/${encodeURIComponent(item.id)}/respond`, {
          method: "POST",
          body: { action },
        });
        return true;
      } catch (err) {
        feedback.textContent = problemText(err, "Could not send your answer.");
        return false;
      }
    };
    const askHelpful = () => {
      replaceChildren(
        actions,
        h("span", { class: "muted" }, "Was this helpful?"),
        h("button", { type: "button", class: "btn", onclick: () => void rate("helpful") }, "Yes"),
        h("button", { type: "button", class: "btn", onclick: () => void rate("not_helpful") }, "No"),
      );
      (actions.querySelector("button") as HTMLButtonElement | null)?.focus();
    };
    const rate = async (action: Action) => {
      if (await respond(action)) {
        replaceChildren(actions);
        feedback.textContent = "Thanks for the feedback.";
      }
    };
    replaceChildren(
      actions,
      h(
        "button",
        {
          type: "button",
          class: "btn btn-primary",
          onclick: async () => {
            if (await respond("accepted")) {
              if (isInstructorOffer(item.kind)) {
                // Said only now, after the learner's yes: before it nobody was told anything.
                replaceChildren(actions);
                feedback.textContent = "Your instructor has been told, with your name and this part of the page.";
                return;
              }
              if (item.elementId) pointAt(this.ctx.page, item.elementId, this.ctx.announce);
              await this.showHelp(item, body);
              this.onAccept(item);
              askHelpful();
            }
          },
        },
        acceptLabel(item.kind),
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn",
          onclick: async () => {
            if (await respond("dismissed")) {
              card.remove();
              this.ctx.status.element.focus?.();
            }
          },
        },
        "Dismiss",
      ),
    );
    card.append(h("h3", null, kindLabel(item.kind)), body, actions, feedback);
    this.element.prepend(card);
    // Point at what it is about as it arrives: outlined and said out loud. Not scrolled: moving
    // the page under the learner would also read as their own scrolling; "Show me" scrolls.
    if (item.elementId) pointAt(this.ctx.page, item.elementId, this.ctx.announce, { scroll: false });
  }

  /** "Show me" on a hint, summary or prerequisite: chat writes it for the element, shown in full. */
  private async showHelp(item: Intervention, body: HTMLElement): Promise<void> {
    const kind = helpKindOf(item.kind);
    if (!kind) return;
    body.setAttribute("aria-busy", "true");
    try {
      const help = await requestHelp(this.ctx, kind, item.elementId, { interventionId: item.id });
      const text = help?.text ?? item.message;
      const citations = help?.citations ?? [];
      replaceChildren(
        body,
        h("div", { class: "help-text", "data-help-kind": kind }, renderMarkdown(document, text)),
        citations.length > 0 && citationList(this.ctx, citations),
      );
    } catch (err) {
      body.append(h("p", { class: "muted small" }, problemText(err, "More help is not available.")));
    } finally {
      body.removeAttribute("aria-busy");
    }
  }
}
