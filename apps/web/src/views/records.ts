import { h, humanize } from "../ui/dom";
import { dataTable } from "../ui/table";

/** Items of a paginated list answer: {items|sessions|interventions|data: [...], nextCursor?}. */
export function pageOf(raw: unknown, key: string): { items: Record<string, unknown>[]; nextCursor?: string } {
  const o = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const list = [o[key], o.items, o.data, raw].find(Array.isArray) as unknown[] | undefined;
  const items = (list ?? []).filter((x): x is Record<string, unknown> => !!x && typeof x === "object");
  const cursor = o.nextCursor ?? o.cursor;
  return typeof cursor === "string" && cursor ? { items, nextCursor: cursor } : { items };
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
  return dataTable(
    caption,
    cols.map(humanize),
    rows.map((r) => cols.map((c) => r[c])),
  );
}
