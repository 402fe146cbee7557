// The learner's profile (GET /api/learners/me/profile) as "My learning" shows it: figures in the
// learner's words, rates as percentages, and the objects a generic list would hide (the current
// state, skills) as their own parts. Pure, so it is unit-tested without a DOM.

import { dateTimeText } from "../ui/table";

export interface Figure {
  label: string;
  value: string;
}

export interface SkillRow {
  skill: string;
  mastery: string;
  attempts: number;
}

export interface ProfileModel {
  figures: Figure[];
  skills: SkillRow[];
  troubleSpots: string[];
}

type Raw = Record<string, unknown>;

const record = (v: unknown): Raw => (v && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : {});
const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v.toLocaleString() : "—");
const percent = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? `${Math.round(v * 100)}%` : "—");

const LEVELS: Record<string, string> = {
  none: "Doing fine",
  watch: "Might need a hand",
  struggling: "Finding this hard",
};

/** Dwell over the reading time a block's words need: 1 reads at the expected pace. */
function pace(v: unknown): string {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) return "Not measured yet";
  if (v < 0.8) return `Quicker than expected (${v.toFixed(1)}×)`;
  if (v > 1.25) return `Slower than expected (${v.toFixed(1)}×)`;
  return `About as expected (${v.toFixed(1)}×)`;
}

const when = (v: unknown) => (typeof v === "string" && dateTimeText(v)) || "—";

export function profileModel(raw: unknown): ProfileModel | null {
  const p = record(raw);
  if (Object.keys(p).length === 0) return null;
  const level = record(p.struggle).level;
  const figures: Figure[] = [
    { label: "Right now", value: (typeof level === "string" && LEVELS[level]) || "—" },
    { label: "Sessions", value: count(p.sessions) },
    { label: "Signals", value: count(p.signals) },
    { label: "Times you got stuck", value: count(p.struggleEvents) },
    { label: "Suggestions shown", value: count(p.interventions) },
    {
      label: "Suggestions you found helpful",
      value: p.helpfulRate === null ? "None rated yet" : percent(p.helpfulRate),
    },
    { label: "Reading pace", value: pace(p.medianReadingPace) },
    { label: "Updated", value: when(p.updatedAt) },
  ];
  const skills = (Array.isArray(p.skills) ? p.skills : []).flatMap((s): SkillRow[] => {
    const r = record(s);
    return typeof r.skill === "string" && typeof r.attempts === "number"
      ? [{ skill: r.skill, mastery: percent(r.mastery), attempts: r.attempts }]
      : [];
  });
  const troubleSpots = (Array.isArray(p.strugglingElements) ? p.strugglingElements : []).filter(
    (e): e is string => typeof e === "string",
  );
  return { figures, skills, troubleSpots };
}
