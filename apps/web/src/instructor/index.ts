import type { AppContext, View } from "../context";
import { HelpRequestsView } from "./help-requests-view";
import { InsightsView } from "./insights-view";
import { OpsView } from "./ops-view";
import { SettingsView } from "./settings-view";

// Loaded with import() only for instructors, so the learner's first screen stays small.
export function instructorViews(ctx: AppContext): { id: string; label: string; view: View }[] {
  return [
    { id: "insights", label: "Course insight", view: new InsightsView(ctx) },
    { id: "help-requests", label: "Help requests", view: new HelpRequestsView(ctx) },
    { id: "settings", label: "Guide settings", view: new SettingsView(ctx) },
    { id: "ops", label: "Service health", view: new OpsView() },
  ];
}
