import { humanize } from "../ui/dom";

/** The columns of "Your interventions", in order: where on the page, not the element's id. */
export const INTERVENTION_HISTORY_COLUMNS = [
  "createdAt",
  "kind",
  "message",
  "where",
  "outcome",
  "response",
  "respondedAt",
];

/**
 * The learner's interventions as "My learning" lists them: the part of the page each was about by
 * the heading the learner sees (an element id such as "check-understanding" means nothing to
 * them), and the kind and outcome in words.
 */
export function interventionHistoryRows(
  rows: readonly Record<string, unknown>[],
  titleOf: (elementId: string) => string,
): Record<string, unknown>[] {
  const inWords = (value: unknown) => (typeof value === "string" ? humanize(value) : value);
  return rows.map(({ elementId, ...rest }) => ({
    ...rest,
    ...("kind" in rest ? { kind: inWords(rest.kind) } : {}),
    ...("outcome" in rest ? { outcome: inWords(rest.outcome) } : {}),
    ...(typeof elementId === "string" && elementId ? { where: titleOf(elementId) } : {}),
  }));
}
