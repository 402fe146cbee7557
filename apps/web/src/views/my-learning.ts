import type { AppContext, View } from "../context";
import { h, humanize, replaceChildren } from "../ui/dom";
import { loadRegion } from "../ui/load-region";
import { dataTable } from "../ui/table";
import { INTERVENTION_HISTORY_COLUMNS, interventionHistoryRows } from "./intervention-history";
import { profileModel } from "./profile-model";
import { pageOf, pickColumns, recordTable } from "./records";

const SESSION_COLUMNS = ["startedAt", "lastSignalAt", "endedAt", "signalCount", "struggleCount", "interventionCount"];

/** "My learning": the learner's profile figures, sessions and interventions. */
export class MyLearningView implements View {
  readonly element = h("section", { class: "view", "aria-labelledby": "mine-heading" });
  private readonly body = h("div", { "aria-busy": "false" });

  constructor(private readonly ctx: AppContext) {
    this.element.append(
      h("h2", { id: "mine-heading" }, "My learning"),
      h("p", { class: "muted" }, "What your guide has learned about how you work, so you can see it too."),
      this.body,
    );
  }

  show(): void {
    void this.load();
  }

  /** A trouble spot by the heading its block shows on the page, else its id made readable. */
  private blockTitle(elementId: string): string {
    return this.ctx.page.titleOf(elementId) ?? humanize(elementId);
  }

  private async load(): Promise<void> {
    replaceChildren(this.body, h("p", { class: "muted" }, "Loading…"));
    await loadRegion(this.body, "Could not load your data.", async () => {
      const [profile, sessions, interventions] = await Promise.all([
        this.ctx.api.json("/api/learners/me/profile"),
        this.ctx.api.json("/api/learners/me/sessions", { query: { limit: 20 } }),
        this.ctx.api.json("/api/learners/me/interventions", { query: { limit: 20 } }),
      ]);
      return [
        h("h3", null, "Profile"),
        profileFigures(profile, (id) => this.blockTitle(id)),
        h("h3", null, "Recent sessions"),
        sessionTable(pageOf(sessions, "sessions").items),
        h("h3", null, "Suggestions you were shown"),
        interventionTable(pageOf(interventions, "interventions").items, (id) => this.blockTitle(id)),
      ];
    });
  }
}

function sessionTable(rows: Record<string, unknown>[]): HTMLElement {
  return recordTable("Your sessions", rows, pickColumns(rows, SESSION_COLUMNS));
}

function interventionTable(rows: Record<string, unknown>[], titleOf: (elementId: string) => string): HTMLElement {
  const readable = interventionHistoryRows(rows, titleOf);
  return recordTable("Your interventions", readable, pickColumns(readable, INTERVENTION_HISTORY_COLUMNS));
}

function profileFigures(raw: unknown, name: (elementId: string) => string): HTMLElement {
  const model = profileModel(raw);
  if (!model) return h("p", { class: "muted" }, "No profile yet: it builds up as you work.");
  return h(
    "div",
    null,
    h(
      "dl",
      { class: "figures" },
      model.figures.map((f) => h("div", { class: "figure" }, h("dt", null, f.label), h("dd", null, f.value))),
    ),
    model.skills.length > 0 &&
      dataTable(
        "Skills you practised (weakest first)",
        ["Skill", "Mastery", "Attempts"],
        model.skills.map((s) => [humanize(s.skill), s.mastery, s.attempts]),
        { rowHeaders: true },
      ),
    model.troubleSpots.length > 0 &&
      h("p", null, `Where you got stuck lately: ${model.troubleSpots.map(name).join(", ")}.`),
  );
}
