// The content page may be the parent frame's document (the sample course), whose elements come
// from another realm: `instanceof HTMLElement` is false for them, so these checks look at
// what an element is, not at which window's constructor made it.
const isElement = (target: EventTarget | null): target is Element =>
  !!target && typeof (target as Element).closest === "function" && typeof (target as Element).tagName === "string";

// Names the content element a signal is about: the nearest data-element-id, else the nearest
// id. Ids inside the app's own chrome are prefixed "guide:" so reports can tell them apart.
export function elementIdOf(target: EventTarget | null): string | undefined {
  if (!isElement(target)) return undefined;
  const tagged = target.closest("[data-element-id]");
  if (tagged) return tagged.getAttribute("data-element-id")?.slice(0, 200) || undefined;
  const withId = target.closest("[id]");
  return withId?.id ? withId.id.slice(0, 200) : undefined;
}

const ANSWER_TAGS = new Set(["INPUT", "TEXTAREA", "SELECT"]);

/** Controls in the guide's own UI (the chat box) are not the learner's answers. */
export function isAnswerControl(target: EventTarget | null): target is Element {
  if (!isElement(target) || !ANSWER_TAGS.has(target.tagName.toUpperCase())) return false;
  return target.closest("[data-no-signals]") === null;
}
