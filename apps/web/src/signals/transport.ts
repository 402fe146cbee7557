import type { ApiClient } from "../api/client";
import { ApiProblem } from "../api/problem";
import type { RealtimeSocket } from "../api/realtime";
import type { Signal } from "./types";

export type SendOutcome =
  | { kind: "sent" }
  | { kind: "retry"; afterMs: number }
  | { kind: "drop" }
  | { kind: "off"; problem: ApiProblem };

export interface SignalsResponse {
  accepted?: number;
  struggle?: { score: number; level: string };
  intervention?: unknown;
}

/** Sends a batch over the open /ws/signals socket, or over HTTP when there is none. */
export async function sendSignals(
  api: ApiClient,
  socket: RealtimeSocket | null,
  batch: Signal[],
  sessionId: string | undefined,
  onResponse: (r: SignalsResponse) => void,
): Promise<SendOutcome> {
  const payload = sessionId ? { sessionId, signals: batch } : { signals: batch };
  if (socket?.send({ type: "signals", ...payload })) return { kind: "sent" };
  try {
    onResponse(
      await api.json<SignalsResponse>("/api/cognitive/signals", { method: "POST", body: payload, quiet: true }),
    );
    return { kind: "sent" };
  } catch (err) {
    if (!(err instanceof ApiProblem)) throw err;
    return outcomeOf(err);
  }
}

export function outcomeOf(p: ApiProblem): SendOutcome {
  switch (p.kind) {
    case "expired":
    case "feature_disabled":
    case "forbidden":
      return { kind: "off", problem: p };
    case "invalid":
    case "not_found":
      // The server refused this batch as malformed: resending it would fail the same way.
      return { kind: "drop" };
    default:
      return { kind: "retry", afterMs: (p.retryAfter ?? 10) * 1000 };
  }
}
