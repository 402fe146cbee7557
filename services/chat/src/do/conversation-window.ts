/**
 * The learner's object keeps, per conversation, a copy of the window of earlier messages the
 * model is sent, so a continuing conversation's admission answers it and the conversation's own
 * object is not called before the model (its question is stored at the first token, as a new
 * conversation's is). The conversation's object stays the record; the copy is used only when it
 * is exactly what that object would answer:
 *
 * - written only by a turn that ran alone on the conversation (nothing else in flight when it
 *   was admitted, nothing admitted after it before it settled), from what it was sent plus its
 *   own question and answer; any overlapping turn clears it, and the next lone turn reads the
 *   conversation's object again and writes it afresh;
 * - not used while a turn is in flight; a turn that never settled (its Worker died) stops
 *   blocking after STALE_TURN_MS, with the copy cleared, since it may have stored a question;
 * - gone with the conversation's index entry (retention, erasure).
 */

export type WindowMessage = { role: "user" | "assistant"; content: string };

/** A copy as admitted: the messages and how many the conversation holds. */
export interface ConversationWindow {
  history: WindowMessage[];
  turns: number;
}

/** What a turn carries from its admission to its settlement to write the copy back. */
export interface WindowTicket {
  generation: number;
  /** Nothing else was in flight on the conversation when this turn was admitted. */
  alone: boolean;
}

/** A turn in flight longer than this is taken as lost (every provider call is bounded well below it). */
export const STALE_TURN_MS = 10 * 60_000;

export const WINDOW_DDL = `CREATE TABLE IF NOT EXISTS conversation_window (
    conversation_id TEXT PRIMARY KEY, generation INTEGER NOT NULL DEFAULT 0,
    in_flight INTEGER NOT NULL DEFAULT 0, in_flight_since INTEGER, messages TEXT, turns INTEGER
  );`;

type WindowRow = {
  generation: number;
  in_flight: number;
  in_flight_since: number | null;
  messages: string | null;
  turns: number | null;
};

export class ConversationWindows {
  constructor(private readonly sql: SqlStorage) {}

  /** Registers a turn on the conversation; answers the copy when it can stand in for the conversation's object. */
  admit(conversationId: string, nowMs: number): { window?: ConversationWindow; ticket: WindowTicket } {
    const row = this.sql
      .exec<WindowRow>(
        "SELECT generation, in_flight, in_flight_since, messages, turns FROM conversation_window WHERE conversation_id = ?",
        conversationId,
      )
      .toArray()[0];
    const lost = row !== undefined && row.in_flight > 0 && nowMs - (row.in_flight_since ?? 0) > STALE_TURN_MS;
    const inFlight = row && !lost ? row.in_flight : 0;
    const usable = row !== undefined && !lost && inFlight === 0 && row.messages !== null && row.turns !== null;
    const generation = (row?.generation ?? 0) + 1;
    this.sql.exec(
      `INSERT INTO conversation_window (conversation_id, generation, in_flight, in_flight_since, messages, turns)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET generation = excluded.generation, in_flight = excluded.in_flight,
         in_flight_since = excluded.in_flight_since, messages = excluded.messages, turns = excluded.turns`,
      conversationId,
      generation,
      inFlight + 1,
      inFlight === 0 ? nowMs : (row?.in_flight_since ?? nowMs),
      // A lost turn may have stored a question: the copy is unknown until a lone turn rewrites it.
      lost || inFlight > 0 ? null : (row?.messages ?? null),
      lost || inFlight > 0 ? null : (row?.turns ?? null),
    );
    const ticket = { generation, alone: inFlight === 0 };
    if (!usable) return { ticket };
    return {
      ticket,
      window: { history: JSON.parse(row.messages as string) as WindowMessage[], turns: row.turns as number },
    };
  }

  /** The turn ended (answered or refused); `next` is the copy after it, written if it ran alone. */
  settle(conversationId: string, ticket: WindowTicket, next: ConversationWindow | undefined): void {
    const row = this.sql
      .exec<Pick<WindowRow, "generation" | "in_flight">>(
        "SELECT generation, in_flight FROM conversation_window WHERE conversation_id = ?",
        conversationId,
      )
      .toArray()[0];
    if (!row) return;
    const alone = ticket.alone && row.generation === ticket.generation && next !== undefined;
    this.sql.exec(
      "UPDATE conversation_window SET in_flight = MAX(0, in_flight - 1), messages = ?, turns = ? WHERE conversation_id = ?",
      alone ? JSON.stringify(next.history) : null,
      alone ? next.turns : null,
      conversationId,
    );
  }

  /** A refused turn stored nothing: the copy stays as it was, unless another turn came in meanwhile. */
  cancel(conversationId: string, ticket: WindowTicket): void {
    this.sql.exec(
      `UPDATE conversation_window SET in_flight = MAX(0, in_flight - 1),
         messages = CASE WHEN ? AND generation = ? THEN messages END,
         turns = CASE WHEN ? AND generation = ? THEN turns END
       WHERE conversation_id = ?`,
      ticket.alone ? 1 : 0,
      ticket.generation,
      ticket.alone ? 1 : 0,
      ticket.generation,
      conversationId,
    );
  }

  forget(...conversationIds: string[]): void {
    for (const id of conversationIds) this.sql.exec("DELETE FROM conversation_window WHERE conversation_id = ?", id);
  }
}
