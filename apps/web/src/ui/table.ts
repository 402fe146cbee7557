import { h } from "./dom";

/** An ISO timestamp as the app shows one (local, medium date, short time); undefined if it is not one. */
export function dateTimeText(value: string): string | undefined {
  const d = new Date(value);
  return Number.isNaN(d.getTime())
    ? undefined
    : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A value as a table cell reads it: dates in the reader's locale, hidden small groups said in words. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" && Number.isNaN(value)) return "hidden (small group)";
  if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString() : value.toFixed(2);
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "string") {
    return (/^\d{4}-\d{2}-\d{2}T/.test(value) && dateTimeText(value)) || value;
  }
  return JSON.stringify(value);
}

/**
 * A captioned table in a focusable, labelled scroll region (so a keyboard user can scroll a wide
 * one). With `rowHeaders`, each row's first cell names the row for screen readers.
 */
export function dataTable(
  caption: string,
  head: string[],
  rows: unknown[][],
  options: { rowHeaders?: boolean } = {},
): HTMLElement {
  const cell = (value: unknown, i: number) =>
    options.rowHeaders && i === 0 ? h("th", { scope: "row" }, String(value)) : h("td", null, cellText(value));
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h(
      "table",
      null,
      h("caption", null, caption),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          head.map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      h(
        "tbody",
        null,
        rows.map((r) => h("tr", null, r.map(cell))),
      ),
    ),
  );
}
