/** Groups conversation rows by their owner. */
export function byLearner(rows: { conversation_id: string; user_id: string }[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r.conversation_id]);
  return map;
}
