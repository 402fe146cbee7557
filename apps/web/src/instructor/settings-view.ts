import * as v from "valibot";
import { ApiProblem, describeProblem, problemText } from "../api/problem";
import type { AppContext, View } from "../context";
import { h, submitWith } from "../ui/dom";
import {
  type GuideSettings,
  INTERVENTION_KINDS,
  KIND_NAMES,
  readSettingsForm,
  SENSITIVITIES,
  type SettingsField,
  StoredGuideSettingsSchema,
} from "./guide-settings";

const SENSITIVITY_NAMES: Record<(typeof SENSITIVITIES)[number], string> = {
  low: "Low: step in only when a learner is clearly stuck",
  medium: "Medium",
  high: "High: step in early",
};

/** How the guide behaves in this course: sensitivity, cooldown, daily cap, allowed kinds. */
export class SettingsView implements View {
  readonly element = h("section", { class: "view", "aria-labelledby": "settings-heading" });
  private readonly form: HTMLFormElement;
  private readonly cooldown = h("input", { id: "gs-cooldown", type: "number", min: "1", max: "240", step: "1" });
  private readonly cap = h("input", { id: "gs-cap", type: "number", min: "0", max: "50", step: "1" });
  private readonly formError = h("p", { class: "form-error", role: "alert" });
  private readonly saved = h("p", { class: "muted small", role: "status" });
  private readonly fieldErrors = new Map<SettingsField, HTMLElement>();
  private loaded = false;

  constructor(private readonly ctx: AppContext) {
    const err = (field: SettingsField) => {
      const el = h("p", { id: `gs-${field}-error`, class: "form-error field-error" });
      this.fieldErrors.set(field, el);
      return el;
    };
    this.form = h(
      "form",
      {
        class: "settings-form",
        novalidate: true,
        "aria-busy": "true",
        onsubmit: submitWith(() => this.save()),
      },
      h(
        "fieldset",
        { "aria-describedby": "gs-sensitivity-error" },
        h("legend", null, "Sensitivity"),
        SENSITIVITIES.map((s) =>
          h(
            "label",
            { class: "choice" },
            h("input", { type: "radio", name: "sensitivity", value: s }),
            SENSITIVITY_NAMES[s],
          ),
        ),
        err("sensitivity"),
      ),
      h("label", { for: "gs-cooldown" }, "Minutes between two interventions for one learner (1–240)"),
      this.cooldown,
      err("cooldownMinutes"),
      h("label", { for: "gs-cap" }, "Interventions per learner per day (0–50)"),
      this.cap,
      err("dailyCap"),
      h(
        "fieldset",
        { "aria-describedby": "gs-allowedInterventions-error" },
        h("legend", null, "Allowed kinds of help"),
        INTERVENTION_KINDS.map((k) =>
          h("label", { class: "choice" }, h("input", { type: "checkbox", name: "allowed", value: k }), KIND_NAMES[k]),
        ),
        err("allowedInterventions"),
      ),
      this.formError,
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit", class: "btn btn-primary" }, "Save settings"),
        this.saved,
      ),
    );
    this.cooldown.setAttribute("aria-describedby", "gs-cooldownMinutes-error");
    this.cap.setAttribute("aria-describedby", "gs-dailyCap-error");
    this.element.append(
      h("h2", { id: "settings-heading" }, "Guide settings for this course"),
      h("p", { class: "muted" }, "These apply to every learner of this course from their next activity."),
      this.form,
    );
  }

  private get path(): string {
    return `/api/courses/${encodeURIComponent(this.ctx.launch.context.id)}/guide-settings`;
  }

  show(): void {
    if (this.loaded) return;
    this.loaded = true;
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const parsed = v.safeParse(StoredGuideSettingsSchema, await this.ctx.api.json(this.path));
      if (!parsed.success) throw new Error("unexpected settings");
      this.fill(parsed.output, parsed.output.updatedAt);
    } catch (e) {
      this.formError.textContent = problemText(e, "The settings could not be loaded. Please try again.");
    } finally {
      this.form.setAttribute("aria-busy", "false");
    }
  }

  private fill(s: GuideSettings, updatedAt: string | null): void {
    for (const r of this.form.querySelectorAll<HTMLInputElement>("input[name=sensitivity]"))
      r.checked = r.value === s.sensitivity;
    this.cooldown.value = String(s.cooldownMinutes);
    this.cap.value = String(s.dailyCap);
    for (const c of this.form.querySelectorAll<HTMLInputElement>("input[name=allowed]"))
      c.checked = (s.allowedInterventions as string[]).includes(c.value);
    this.saved.textContent = updatedAt
      ? `Last changed ${new Date(updatedAt).toLocaleString()}.`
      : "Using the defaults.";
  }

  private showErrors(errors: Partial<Record<SettingsField, string>>): void {
    for (const [field, el] of this.fieldErrors) {
      el.textContent = errors[field] ?? "";
      const input = field === "cooldownMinutes" ? this.cooldown : field === "dailyCap" ? this.cap : null;
      if (errors[field]) input?.setAttribute("aria-invalid", "true");
      else input?.removeAttribute("aria-invalid");
    }
  }

  private async save(): Promise<void> {
    this.formError.textContent = "";
    this.saved.textContent = "";
    const checked = (name: string) =>
      [...this.form.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)].map((i) => i.value);
    const read = readSettingsForm({
      sensitivity: checked("sensitivity")[0] ?? "",
      cooldownMinutes: this.cooldown.value,
      dailyCap: this.cap.value,
      allowedInterventions: checked("allowed"),
    });
    if (!read.ok) {
      this.showErrors(read.errors);
      this.formError.textContent = "Please correct the fields marked above.";
      return;
    }
    this.showErrors({});
    try {
      const stored = v.parse(
        StoredGuideSettingsSchema,
        await this.ctx.api.json(this.path, { method: "PUT", body: read.settings, quiet: true }),
      );
      this.fill(stored, stored.updatedAt);
      this.saved.textContent = "Saved.";
    } catch (e) {
      // A 400 from the server carries its own explanation: show it rather than a generic line.
      this.formError.textContent =
        e instanceof ApiProblem ? (e.status === 400 ? e.message : describeProblem(e)) : "Could not save the settings.";
    }
  }
}
