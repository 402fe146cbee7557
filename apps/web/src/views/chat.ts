import { type ChatDone, latestConversationId, sendChatMessage, toHistory } from "../api/chat";
import { ApiProblem, describeProblem } from "../api/problem";
import type { AppContext, View } from "../context";
import { renderMarkdown } from "../markdown/render";
import { h, replaceChildren, submitWith, uid } from "../ui/dom";
import { citationList } from "./citations";
import { requestHelp } from "./help-request";
import { offerReplies } from "./offer-replies";
import { chatPageContext } from "./page-context";

const MAX_MESSAGE = 4000;

/** The chat panel: history, streamed answers, provider and budget, and suggestions. */
export class ChatView implements View {
  readonly element: HTMLElement;
  private readonly log = h("div", {
    class: "chat-log",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    tabindex: "0",
    "aria-label": "Conversation",
  });
  private readonly suggestions = h("div", { class: "suggestions", role: "group", "aria-label": "Suggested questions" });
  private readonly input: HTMLTextAreaElement;
  private readonly send: HTMLButtonElement;
  private readonly error = h("p", { class: "form-error", role: "alert" });
  private readonly budget = h("p", { class: "budget muted", "aria-live": "off" });
  private conversationId: string | undefined;
  private busy = false;
  private helping = false;
  private loaded = false;
  /** Settles when the earlier conversation is on screen: what the learner adds goes below it. */
  private history: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    extraTop: HTMLElement[] = [],
  ) {
    const inputId = uid("chat-input");
    this.input = h("textarea", {
      id: inputId,
      rows: "3",
      maxlength: String(MAX_MESSAGE),
      "aria-describedby": `${inputId}-hint`,
      onkeydown: (e: Event) => {
        const k = e as KeyboardEvent;
        if (k.key === "Enter" && !k.shiftKey && !k.isComposing) {
          k.preventDefault();
          this.submit();
        }
      },
    });
    this.send = h("button", { type: "submit", class: "btn btn-primary" }, "Send");
    const form = h(
      "form",
      {
        class: "composer",
        "data-no-signals": "",
        onsubmit: submitWith(() => this.submit()),
      },
      h("label", { for: inputId }, "Ask your guide a question"),
      this.input,
      h("p", { id: `${inputId}-hint`, class: "muted small" }, "Enter sends, Shift+Enter adds a line."),
      this.error,
      h(
        "div",
        { class: "composer-actions" },
        this.send,
        // The explicit request for help: struggle evidence for the detector, unlike a chat message.
        h(
          "button",
          {
            type: "button",
            class: "btn",
            "data-action": "stuck",
            onclick: () => void this.stuck(),
          },
          "I'm stuck",
        ),
        this.budget,
      ),
    );
    this.element = h(
      "section",
      { class: "view chat-view", "aria-labelledby": "chat-heading" },
      h("h2", { id: "chat-heading" }, "Ask your guide"),
      extraTop,
      this.log,
      this.suggestions,
      form,
    );
  }

  show(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.history = this.loadHistory();
  }

  focusInput(prefill?: string): void {
    if (prefill) this.input.value = prefill;
    this.input.focus();
  }

  /**
   * An accepted chat offer ("Want to talk it through?" → "Yes, help me"): the learner has said
   * yes already, so the guide starts on the part the offer is about at once, rather than asking
   * again. An offer about no marked part shows its words and invites a reply.
   */
  showOffer(text: string, provider?: string, elementId?: string): void {
    if (elementId && !this.helping) {
      void this.helpWith(elementId, "Yes, help me with");
      return;
    }
    this.addMessage("assistant", text, provider ? { provider } : undefined);
    this.showSuggestions(offerReplies(text));
    this.input.focus();
  }

  /** Sends a question on the learner's behalf (a suggested question). */
  ask(question: string): void {
    this.input.value = question;
    this.submit();
  }

  /**
   * "I'm stuck": evidence for the detector (which may offer more later), and at once a hint on
   * the part of the page the learner is in, so the press is never met with nothing. With no
   * marked part in view, the learner is asked to say what they are stuck on.
   */
  private async stuck(): Promise<void> {
    this.ctx.capture?.helpRequest("explicit");
    const elementId = this.ctx.page.snapshot().elementId;
    if (this.helping) return;
    if (!elementId) {
      this.error.textContent = "Tell your guide what you're stuck on, and it will help.";
      this.input.focus();
      return;
    }
    await this.helpWith(elementId, "I'm stuck on");
  }

  /**
   * What the learner asked for, said in the log ("I'm stuck on" the part, named as the page names
   * it), and chat's hint on that part of the page under it.
   */
  private async helpWith(elementId: string, saying: string): Promise<void> {
    // Independent of a question being answered: both add to the log, neither waits for the
    // other; only the earlier conversation is waited for, to stay above.
    this.helping = true;
    await this.history;
    this.error.textContent = "";
    const asked = this.addMessage("user", `${saying} ${this.ctx.page.titleOf(elementId) ?? "this part"}.`);
    const answer = this.addMessage("assistant", "");
    answer.setAttribute("aria-busy", "true");
    const body = answer.querySelector(".message-body") as HTMLElement;
    body.append(h("p", { class: "muted typing" }, "Thinking…"));
    try {
      const help = await requestHelp(this.ctx, "hint", elementId);
      if (!help) throw new Error("no help text");
      replaceChildren(body, renderMarkdown(document, help.text));
      (answer.querySelector(".message-meta") as HTMLElement).textContent = metaText(help);
      if (help.citations.length > 0) answer.append(citationList(this.ctx, help.citations));
    } catch (err) {
      answer.remove();
      if (refused(err)) asked.remove();
      this.error.textContent =
        err instanceof ApiProblem ? describeProblem(err) : "Help is not available right now. Ask your guide instead.";
      this.input.focus();
    } finally {
      answer.removeAttribute("aria-busy");
      this.helping = false;
    }
  }

  private async loadHistory(): Promise<void> {
    try {
      const conversations = await this.ctx.api.json("/api/chat/conversations");
      this.conversationId = latestConversationId(conversations);
      if (!this.conversationId) return this.greet();
      const history = toHistory(
        await this.ctx.api.json(`/api/chat/history/${encodeURIComponent(this.conversationId)}`),
      );
      if (history.length === 0) return this.greet();
      for (const m of history) this.addMessage(m.role, m.content, m.provider ? { provider: m.provider } : undefined);
    } catch (err) {
      this.greet();
      if (err instanceof ApiProblem && err.kind === "feature_disabled")
        this.disable("Chat is turned off for your institution.");
    }
  }

  private greet(): void {
    if (this.log.childElementCount > 0) return;
    this.addMessage(
      "assistant",
      "Hi! I'm your guide for this course. Ask me anything about what you're working on — I can explain ideas, work through examples, and show formulas like $a^2 + b^2 = c^2$.",
    );
  }

  private disable(reason: string): void {
    this.input.disabled = true;
    this.send.disabled = true;
    this.error.textContent = reason;
  }

  private addMessage(role: "user" | "assistant", text: string, meta?: Partial<ChatDone>): HTMLElement {
    const body = h("div", { class: "message-body" });
    if (role === "user") body.append(h("p", null, text));
    else body.append(renderMarkdown(document, text));
    const item = h(
      "article",
      { class: `message message-${role}` },
      h("h3", { class: "visually-hidden" }, role === "user" ? "You said" : "Guide answered"),
      h("p", { class: "message-author", "aria-hidden": "true" }, role === "user" ? "You" : "Guide"),
      body,
      h("p", { class: "message-meta muted small" }, meta ? metaText(meta) : ""),
    );
    this.log.append(item);
    this.log.scrollTop = this.log.scrollHeight;
    return item;
  }

  private submit(): void {
    const message = this.input.value.trim();
    if (!message || this.busy) return;
    if (message.length > MAX_MESSAGE) {
      this.error.textContent = `Please keep a question under ${MAX_MESSAGE} characters.`;
      return;
    }
    // A question typed before the earlier conversation arrived waits for it (a round trip), so
    // it is shown below it and continues that conversation rather than starting another.
    this.busy = true;
    void this.history.then(() => this.stream(message));
  }

  private async stream(message: string): Promise<void> {
    this.busy = true;
    this.send.disabled = true;
    this.error.textContent = "";
    this.input.value = "";
    const asked = this.addMessage("user", message);
    this.ctx.capture?.helpRequest("chat");
    const answer = this.addMessage("assistant", "");
    answer.setAttribute("aria-busy", "true");
    const body = answer.querySelector(".message-body") as HTMLElement;
    const meta = answer.querySelector(".message-meta") as HTMLElement;
    body.append(h("p", { class: "muted typing" }, "Thinking…"));
    let pending: string | null = null;
    // Re-rendering Markdown per token is wasteful; once per frame keeps long answers smooth.
    const paint = () => {
      if (pending === null) return;
      replaceChildren(body, renderMarkdown(document, pending));
      pending = null;
      this.log.scrollTop = this.log.scrollHeight;
    };
    try {
      const pageContext = chatPageContext(this.ctx);
      const done = await sendChatMessage(
        this.ctx.api,
        { message, pageContext, ...(this.conversationId ? { conversationId: this.conversationId } : {}) },
        (text) => {
          if (pending === null) requestAnimationFrame(paint);
          pending = text;
        },
      );
      pending = null;
      replaceChildren(body, renderMarkdown(document, done.response));
      meta.textContent = metaText(done);
      if (done.citations.length > 0) answer.append(citationList(this.ctx, done.citations));
      if (done.conversationId) this.conversationId = done.conversationId;
      this.showSuggestions(done.suggestions);
      if (done.tokenUsage?.remaining !== undefined)
        this.budget.textContent = `${done.tokenUsage.remaining.toLocaleString()} tokens left today`;
    } catch (err) {
      pending = null;
      answer.remove();
      // Refused with an answer from the server (budget, expiry, a flag): nothing was kept, so the
      // question leaves the log and goes back in the box, to be sent again once, not shown twice.
      if (refused(err)) asked.remove();
      if (err instanceof ApiProblem) {
        this.error.textContent = describeProblem(err);
        if (err.kind === "feature_disabled") this.disable(describeProblem(err));
      } else this.error.textContent = "The answer stopped early. Please try again.";
      this.input.value = message;
    } finally {
      answer.removeAttribute("aria-busy");
      this.busy = false;
      if (!this.input.disabled) this.send.disabled = false;
    }
  }

  private showSuggestions(items: string[]): void {
    replaceChildren(
      this.suggestions,
      items.length > 0 && h("p", { class: "muted small" }, "You could ask:"),
      items.slice(0, 4).map((s) => h("button", { type: "button", class: "chip", onclick: () => this.ask(s) }, s)),
    );
  }
}

/** The server answered with an error status: the request was refused, not lost on the way. */
function refused(err: unknown): boolean {
  return err instanceof ApiProblem && err.status > 0;
}

function metaText(meta: Partial<ChatDone>): string {
  const parts: string[] = [];
  if (meta.provider) parts.push(`Answered by ${providerName(meta.provider)}`);
  return parts.join(" · ");
}

function providerName(p: string): string {
  const names: Record<string, string> = {
    "workers-ai": "Workers AI",
    external: "an external AI model",
    offline: "offline help (no AI)",
  };
  return names[p] ?? p;
}
