import type { AppContext, View } from "../context";
import { append, h, humanize, replaceChildren, submitWith } from "../ui/dom";
import { loadRegion } from "../ui/load-region";
import { dataTable } from "../ui/table";
import { barChart, timeChart } from "./charts";
import { helpfulShare, type Insight, readInsight, windowFor } from "./insight-model";

const PRESETS = [
  { days: 7, label: "Last 7 days" },
  { days: 30, label: "Last 30 days" },
  { days: 90, label: "Last 90 days" },
];

/** The course insight: hot spots, activity, interventions and outcomes, inactive learners. */
export class InsightsView implements View {
  readonly element = h("section", { class: "view", "aria-labelledby": "insights-heading" });
  private readonly body = h("div", { "aria-busy": "false", "aria-live": "polite" });
  private readonly range: HTMLSelectElement;
  private loaded = false;

  constructor(private readonly ctx: AppContext) {
    this.range = h(
      "select",
      { id: "insight-window", onchange: () => void this.load() },
      PRESETS.map((p) => h("option", { value: String(p.days) }, p.label)),
    );
    this.range.value = "30";
    const title = ctx.launch.context.title ?? "this course";
    this.element.append(
      h("h2", { id: "insights-heading" }, `Where learners struggle in ${title}`),
      h(
        "form",
        {
          class: "toolbar",
          onsubmit: submitWith(() => this.load()),
        },
        h("label", { for: "insight-window" }, "Time window"),
        this.range,
        h("button", { type: "submit", class: "btn" }, "Refresh"),
      ),
      this.body,
    );
  }

  show(): void {
    if (!this.loaded) void this.load();
    this.loaded = true;
  }

  private async load(): Promise<void> {
    const { from, to } = windowFor(Number(this.range.value));
    replaceChildren(this.body, h("p", { class: "muted" }, "Loading course insight…"));
    await loadRegion(this.body, "Could not load the course insight.", async () => {
      const raw = await this.ctx.api.json(`/api/courses/${encodeURIComponent(this.ctx.launch.context.id)}/insights`, {
        query: { from, to },
      });
      // Named as the course page beside the guide names them, when it shows that element.
      const named = (id: string) => {
        const title = this.ctx.page.titleOf(id);
        return title ? `${title} (${id})` : id;
      };
      return render(readInsight(raw), named);
    });
  }
}

function figure(label: string, value: number | undefined): HTMLElement {
  return h(
    "div",
    { class: "figure" },
    h("dt", null, label),
    h("dd", null, value === undefined ? "—" : value.toLocaleString()),
  );
}

/** Every insight table names its rows by their first cell (element, kind, day, learner). */
const table = (caption: string, head: string[], rows: (string | number)[][]) =>
  dataTable(caption, head, rows, { rowHeaders: true });

function panel(title: string, ...content: (Node | false)[]): HTMLElement {
  return h("section", { class: "card panel" }, h("h3", null, title), content);
}

function render(ins: Insight, named: (elementId: string) => string): DocumentFragment {
  const frag = document.createDocumentFragment();
  const chatTotal = ins.chatVolume.reduce((sum, d) => sum + (Number.isFinite(d.value) ? d.value : 0), 0);
  const hasActivity = ins.activity.length > 0 || ins.chatVolume.length > 0;
  append(frag, [
    h(
      "dl",
      { class: "figures" },
      figure("Active learners", ins.activeLearners),
      figure("Not yet active", ins.inactiveCount),
      figure("Interventions delivered", ins.interventionsDelivered),
      figure("Chat messages", chatTotal),
    ),
    ins.minGroupSize > 0 &&
      h(
        "p",
        { class: "muted small" },
        `Figures about fewer than ${ins.minGroupSize} learners are hidden to protect their privacy.`,
      ),
    panel(
      "Struggle hot spots by content element",
      ins.hotSpots.length === 0 && h("p", { class: "muted" }, "No struggle detected in this window."),
      ins.hotSpots.length > 0 &&
        barChart(
          "Struggle events by content element",
          ins.hotSpots.slice(0, 10).map((s) => ({ label: named(s.elementId), value: s.events })),
          "struggle events",
        ),
      ins.hotSpots.length > 0 &&
        table(
          "Hot spots",
          ["Content element", "Struggle events", "Learners", "Average struggle score"],
          ins.hotSpots.map((s) => [named(s.elementId), s.events, s.learners ?? "—", s.score ?? "—"]),
        ),
      ins.suppressedHotSpots > 0 &&
        h("p", { class: "muted small" }, `${ins.suppressedHotSpots} more element(s) hidden: too few learners to show.`),
    ),
    panel(
      "Activity over time",
      !hasActivity && h("p", { class: "muted" }, "No activity in this window."),
      ins.activity.length > 0 &&
        timeChart(
          "Learners active per day",
          ins.activity.map((d) => ({ label: d.day, value: d.value })),
          "learners",
        ),
      ins.chatVolume.length > 0 &&
        timeChart(
          "Chat messages per day",
          ins.chatVolume.map((d) => ({ label: d.day, value: d.value })),
          "messages",
        ),
      hasActivity && activityTable(ins),
    ),
    panel(
      "Interventions and how learners answered",
      ins.deliveredByKind.length === 0 &&
        ins.outcomes.length === 0 &&
        h("p", { class: "muted" }, "No interventions in this window."),
      ins.deliveredByKind.length > 0 &&
        barChart(
          "Interventions delivered by kind",
          ins.deliveredByKind.map((o) => ({ label: humanize(o.label), value: o.value })),
          "interventions",
        ),
      ins.outcomes.length > 0 &&
        barChart(
          "Learners' answers",
          ins.outcomes.map((o) => ({ label: humanize(o.label), value: o.value })),
          "answers",
        ),
      ins.byKind.length > 0 &&
        table(
          "Each kind of help: delivered, accepted and rated helpful",
          ["Kind of help", "Delivered", "Accepted", "Dismissed", "Rated helpful"],
          ins.byKind.map((k) => [humanize(k.kind), k.delivered, k.accepted, k.dismissed, helpfulShare(k)]),
        ),
      ins.byKind.length === 0 &&
        (ins.deliveredByKind.length > 0 || ins.outcomes.length > 0) &&
        table(
          "Interventions and answers",
          ["Intervention", "Count"],
          [
            ...ins.deliveredByKind.map((o) => [`Delivered: ${humanize(o.label)}`, o.value] as (string | number)[]),
            ...ins.outcomes.map((o) => [`Answered: ${humanize(o.label)}`, o.value] as (string | number)[]),
          ],
        ),
    ),
    panel(
      "Learners not yet active",
      (ins.inactiveCount ?? 0) === 0 && h("p", { class: "muted" }, "Everyone on the roster has been active."),
      ins.inactive.length > 0 &&
        table(
          "Inactive learners",
          ["Learner", "Last seen"],
          ins.inactive.map((l) => [l.name ?? l.id, l.lastSeen ?? "never"]),
        ),
      (ins.inactiveCount ?? 0) > 0 &&
        ins.inactive.length === 0 &&
        h("p", null, `${ins.inactiveCount} learner(s) on the roster have not used Atomic Guide yet.`),
    ),
  ]);
  return frag;
}

function activityTable(ins: Insight): HTMLElement {
  const daySet = [...new Set([...ins.activity.map((d) => d.day), ...ins.chatVolume.map((d) => d.day)])].sort();
  const a = new Map(ins.activity.map((d) => [d.day, d.value]));
  const c = new Map(ins.chatVolume.map((d) => [d.day, d.value]));
  return table(
    "Activity by day",
    ["Day", "Learners active", "Chat messages"],
    daySet.map((d) => [d, a.get(d) ?? 0, c.get(d) ?? 0]),
  );
}
