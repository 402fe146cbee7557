import type { ContentPage } from "./content-page";

const HIGHLIGHT_ATTR = "data-guide-highlight";
let highlighted: HTMLElement | null = null;

function isHTMLElement(el: Element | null): el is HTMLElement {
  return !!el && "style" in el;
}

/**
 * Points the learner at a block or quiz item of the content page: scrolls it into view (unless
 * `scroll: false`),
 * outlines it (set through the CSSOM so a page's CSP for inline styles does not matter), and
 * says which part it is through the app's live region, so screen-reader users hear it too.
 * Returns false when the page has no such element.
 */
export function pointAt(
  page: ContentPage,
  id: string,
  announce: (message: string) => void,
  opts: { scroll?: boolean } = {},
): boolean {
  const found = page.blockById(id) ?? page.doc.querySelector(`[data-quiz-item="${CSS.escape(id)}"]`);
  if (!isHTMLElement(found)) return false;
  if (highlighted && highlighted !== found) {
    highlighted.removeAttribute(HIGHLIGHT_ATTR);
    highlighted.style.removeProperty("outline");
    highlighted.style.removeProperty("outline-offset");
  }
  highlighted = found;
  found.setAttribute(HIGHLIGHT_ATTR, "");
  found.style.setProperty("outline", "3px solid #d97706");
  found.style.setProperty("outline-offset", "4px");
  if (opts.scroll !== false) {
    const smooth = !page.doc.defaultView?.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
    found.scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "center" });
  }
  const label = found.querySelector("h1, h2, h3, h4, label")?.textContent?.trim();
  announce(label ? `Highlighted on the page: ${label}.` : "Highlighted the part of the page this is about.");
  return true;
}
