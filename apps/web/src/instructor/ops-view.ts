import { ApiClient } from "../api/client";
import { ApiProblem, describeProblem } from "../api/problem";
import type { View } from "../context";
import { h, humanize, replaceChildren, submitWith } from "../ui/dom";
import { cellText, dataTable } from "../ui/table";
import { barChart } from "./charts";
import { windowFor } from "./insight-model";

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => !!x && typeof x === "object" && !Array.isArray(x);

/** The rows of one list in the /admin/metrics answer ({routes, queries, slowQueries, ...}). */
export function metricRows(raw: unknown, key: "routes" | "slowQueries"): Obj[] {
  const list = isObj(raw) ? raw[key] : undefined;
  return Array.isArray(list) ? list.filter(isObj) : [];
}

const ROUTE_COLUMNS = ["service", "route", "count", "errors", "p50Ms", "p95Ms", "p99Ms", "d1MsAvg"];
const QUERY_COLUMNS = ["service", "name", "count", "p50Ms", "p95Ms", "rowsRead", "rowsWritten"];

function metricsTable(caption: string, rows: Obj[], columns: string[], empty: string): HTMLElement {
  if (rows.length === 0) return h("p", { class: "muted" }, empty);
  return dataTable(
    caption,
    columns.map((c) => humanize(c.replace(/Ms$/, " (ms)"))),
    rows.slice(0, 50).map((r) => columns.map((c) => r[c])),
  );
}

/** Operators only: the admin token is typed in and held in this object, never stored. */
export class OpsView implements View {
  readonly element = h("section", { class: "view", "aria-labelledby": "ops-heading" });
  private readonly body = h("div", { "aria-live": "polite" });
  private readonly token = h("input", {
    id: "admin-token",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
  });

  constructor() {
    this.element.append(
      h("h2", { id: "ops-heading" }, "Service health"),
      h(
        "p",
        { class: "muted" },
        "For operators. The admin token stays in this page's memory and is forgotten when you leave.",
      ),
      h(
        "form",
        {
          class: "toolbar",
          "data-no-signals": "",
          onsubmit: submitWith(() => this.load()),
        },
        h("label", { for: "admin-token" }, "Admin token"),
        this.token,
        h("button", { type: "submit", class: "btn btn-primary" }, "Show health"),
      ),
      this.body,
    );
  }

  private async load(): Promise<void> {
    replaceChildren(this.body, h("p", { class: "muted" }, "Loading…"));
    const admin = new ApiClient(this.token.value.trim());
    const healthRes = await fetch("/health", { credentials: "omit" }).catch(() => null);
    const health: unknown = healthRes ? await healthRes.json().catch(() => null) : null;
    let metrics: unknown = null;
    let problem = "";
    try {
      metrics = await admin.json("/admin/metrics", { query: windowFor(1) });
    } catch (err) {
      problem =
        err instanceof ApiProblem
          ? err.kind === "expired"
            ? "That admin token was not accepted."
            : describeProblem(err)
          : "Could not load metrics.";
    }
    const services = isObj(health) && isObj(health.services) ? Object.entries(health.services) : [];
    const routes = metricRows(metrics, "routes");
    const latency = routes
      .map((r) => ({ label: `${r.service ?? ""} ${r.route ?? ""}`.trim(), value: Number(r.p95Ms) }))
      .filter((d) => d.label && Number.isFinite(d.value))
      .sort((a, b) => b.value - a.value)
      .slice(0, 12);
    replaceChildren(
      this.body,
      h(
        "p",
        null,
        "Overall: ",
        h("strong", null, isObj(health) && typeof health.status === "string" ? health.status : "unknown"),
      ),
      services.length > 0 &&
        dataTable(
          "Services",
          ["Service", "State"],
          services.map(([name, state]) => [name, summarize(state)]),
          { rowHeaders: true },
        ),
      problem && h("p", { class: "form-error" }, problem),
      !problem && h("h3", null, "Requests in the last 24 hours"),
      latency.length > 0 && barChart("p95 latency by route (ms)", latency, "milliseconds"),
      !problem && metricsTable("Route metrics", routes, ROUTE_COLUMNS, "No requests recorded in this window yet."),
      !problem && h("h3", null, "Slowest D1 queries"),
      !problem &&
        metricsTable(
          "Slow queries",
          metricRows(metrics, "slowQueries"),
          QUERY_COLUMNS,
          "No D1 queries recorded in this window yet.",
        ),
    );
  }
}

function summarize(state: unknown): string {
  if (!isObj(state)) return cellText(state);
  return Object.entries(state)
    .map(([k, v]) => `${humanize(k)}: ${isObj(v) ? (v.status ?? v.ok ?? "…") : cellText(v)}`)
    .join(", ");
}
