import type { Citation } from "../api/chat";
import type { AppContext } from "../context";
import { pointAt } from "../page/point-at";
import { h } from "../ui/dom";

/** Sources under an answer; a page source is a link that scrolls to and highlights its block. */
export function citationList(ctx: AppContext, citations: Citation[]): HTMLElement {
  const items = citations.map((c) => {
    const excerpt = c.excerpt.length > 160 ? `${c.excerpt.slice(0, 157)}…` : c.excerpt;
    if (c.source === "page" && ctx.page.blockById(c.id))
      return h(
        "li",
        null,
        h(
          "a",
          {
            href: `#${encodeURIComponent(c.id)}`,
            class: "citation",
            "data-cite": c.id,
            onclick: (e: Event) => {
              e.preventDefault();
              pointAt(ctx.page, c.id, ctx.announce);
            },
          },
          excerpt || "On this page",
        ),
      );
    return h("li", null, c.source === "faq" ? `Course FAQ: ${excerpt}` : excerpt);
  });
  return h("div", { class: "citations" }, h("p", { class: "muted small" }, "Sources"), h("ul", null, items));
}
