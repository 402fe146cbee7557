// Names the content element a signal is about: the nearest data-element-id, else the nearest
// id. Ids inside the app's own chrome are prefixed "guide:" so reports can tell them apart.
export function elementIdOf(target: EventTarget | null): string | undefined {
  if (!target || !(target instanceof Element)) return undefined;
  const tagged = target.closest("[data-element-id]");
  if (tagged) return tagged.getAttribute("data-element-id")?.slice(0, 200) || undefined;
  const withId = target.closest("[id]");
  return withId?.id ? withId.id.slice(0, 200) : undefined;
}

/** Controls in the guide's own UI (the chat box) are not the learner's answers. */
export function isAnswerControl(
  target: EventTarget | null,
): target is HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement {
  if (
    !(
      target instanceof HTMLInputElement ||
      target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement
    )
  )
    return false;
  return target.closest("[data-no-signals]") === null;
}
