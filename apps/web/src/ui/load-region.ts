import { problemText } from "../api/problem";
import { type Child, h, replaceChildren } from "./dom";

/**
 * Fills `region` with what `build` returns, marked aria-busy meanwhile so a screen reader waits
 * for the whole answer; a failure leaves the problem's sentence (or `fallback`) in its place.
 */
export async function loadRegion(region: HTMLElement, fallback: string, build: () => Promise<Child>): Promise<void> {
  region.setAttribute("aria-busy", "true");
  try {
    replaceChildren(region, await build());
  } catch (err) {
    replaceChildren(region, h("p", { class: "form-error" }, problemText(err, fallback)));
  } finally {
    region.setAttribute("aria-busy", "false");
  }
}
