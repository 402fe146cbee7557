import { h, humanize } from "../ui/dom";

/** Items of a paginated list answer: {items|sessions|interventions|data: [...], nextCursor?}. */
export function pageOf(raw: unknown, key: string): { items: Record<string, unknown>[]; nextCursor?: string } {
  const o = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const list = [o[key], o.items, o.data, raw].find(Array.isArray) as unknown[] | undefined;
  const items = (list ?? []).filter((x): x is Record<string, unknown> => !!x && typeof x === "object");
  const cursor = o.nextCursor ?? o.cursor;
  return typeof cursor === "string" && cursor ? { items, nextCursor: cursor } : { items };
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" && Number.isNaN(value)) return "hidden (small group)";
  if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString() : value.toFixed(2);
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "string") {
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
      const d = new Date(value);
      if (!Number.isNaN(d.getTime())) return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    }
    return value;
  }
  return JSON.stringify(value);
}

/** The preferred columns that the rows actually have, in the preferred order. */
export function pickColumns(rows: Record<string, unknown>[], preferred: string[]): string[] | undefined {
  const present = new Set(rows.slice(0, 20).flatMap((r) => Object.keys(r)));
  const cols = preferred.filter((c) => present.has(c));
  return cols.length ? cols : undefined;
}

/** A table with a caption and column headers; columns are picked from the first rows' keys. */
export function recordTable(caption: string, rows: Record<string, unknown>[], columns?: string[]): HTMLElement {
  if (rows.length === 0) return h("p", { class: "muted" }, `${caption}: nothing yet.`);
  const cols =
    columns ??
    [...new Set(rows.slice(0, 20).flatMap((r) => Object.keys(r)))]
      .filter((k) => !["tenantId", "tenant_id", "userId", "user_id"].includes(k) && typeof rows[0]?.[k] !== "object")
      .slice(0, 7);
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
          cols.map((c) => h("th", { scope: "col" }, humanize(c))),
        ),
      ),
      h(
        "tbody",
        null,
        rows.map((r) =>
          h(
            "tr",
            null,
            cols.map((c) => h("td", null, cellText(r[c]))),
          ),
        ),
      ),
    ),
  );
}
