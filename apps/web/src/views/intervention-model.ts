export interface Intervention {
  id: string;
  kind: string;
  message: string;
  elementId?: string;
  /** Chat's proactive text for a chat offer, and which provider wrote it. */
  suggestion?: string;
  provider?: string;
}

const KIND_LABELS: Record<string, string> = {
  hint: "A hint",
  summary: "A summary",
  chat_offer: "Want to talk it through?",
  prerequisite: "Something to review first",
  resource: "Something to review first",
  prerequisite_resource: "Something to review first",
  content_summary: "A summary",
  // An offer: the instructor is told only if the learner says yes (the card's accept button).
  notify_instructor: "Tell your instructor?",
  instructor_notified: "Tell your instructor?",
};

/** The kinds chat can write help content for (POST /api/chat/help), by the names they arrive under. */
const HELP_KINDS: Record<string, "hint" | "content_summary" | "prerequisite_resource"> = {
  hint: "hint",
  summary: "content_summary",
  content_summary: "content_summary",
  prerequisite: "prerequisite_resource",
  resource: "prerequisite_resource",
  prerequisite_resource: "prerequisite_resource",
};

export function helpKindOf(kind: string): "hint" | "content_summary" | "prerequisite_resource" | undefined {
  return HELP_KINDS[kind];
}

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? "A suggestion";
}

/** Accepts the intervention as pushed on /ws/signals or returned by POST /api/cognitive/signals. */
export function toIntervention(raw: unknown): Intervention | null {
  if (!raw || typeof raw !== "object") return null;
  const outer = raw as Record<string, unknown>;
  const o = (outer.intervention && typeof outer.intervention === "object" ? outer.intervention : outer) as Record<
    string,
    unknown
  >;
  const id = o.id ?? o.interventionId;
  if (typeof id !== "string" || id.length === 0) return null;
  const suggestion = isRecord(o.suggestion) ? o.suggestion : null;
  const suggestionText =
    typeof o.suggestion === "string"
      ? o.suggestion
      : typeof suggestion?.text === "string"
        ? suggestion.text
        : undefined;
  const text = [o.message, o.content, o.text, suggestionText].find(
    (t): t is string => typeof t === "string" && t.length > 0,
  );
  const kind = [o.kind, o.interventionType, o.type].find(
    (t): t is string => typeof t === "string" && t !== "intervention",
  );
  const item: Intervention = { id, kind: kind ?? "hint", message: text ?? "It looks like this part is tricky." };
  if (typeof o.elementId === "string") item.elementId = o.elementId;
  if (suggestionText && suggestionText !== item.message) item.suggestion = suggestionText;
  if (typeof suggestion?.provider === "string") item.provider = suggestion.provider;
  return item;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === "object" && !Array.isArray(x);
}

/** Kinds that offer to tell the instructor: accepting is the learner's consent to be named. */
export const isInstructorOffer = (kind: string) => kind === "instructor_notified" || kind === "notify_instructor";

/** The accept button's words for a kind. */
export function acceptLabel(kind: string): string {
  if (kind === "chat_offer") return "Yes, help me";
  if (isInstructorOffer(kind)) return "Yes, tell my instructor";
  return "Show me";
}
