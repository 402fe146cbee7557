import * as v from "valibot";
import type { AuthContext } from "../auth-context";
import { IdSchema } from "../validation";
import type { ServiceRpc } from "./service";

/** What the gateway passes at launch; `sessionId` lets a client resume a session it already holds. */
export const OpenSessionRequestSchema = v.object({
  sessionId: v.optional(IdSchema),
  launchId: IdSchema,
});
export type OpenSessionRequest = v.InferOutput<typeof OpenSessionRequestSchema>;

export interface OpenSessionResult {
  sessionId: string;
}

/** RPC contract of the struggle-detector service. Every argument is validated on arrival. */
export interface StruggleDetectorRpc extends ServiceRpc {
  /** Starts (or resumes) the caller's learning session; the gateway calls it at launch. */
  openSession(auth: AuthContext, request: OpenSessionRequest): Promise<OpenSessionResult>;
  /** Everything struggle-detector holds about the caller: profile, sessions, struggle events, interventions. */
  exportLearner(auth: AuthContext): Promise<unknown>;
  /** Erases the caller's detector state (Durable Object), D1 rows and KV snapshots. */
  eraseLearner(auth: AuthContext): Promise<{ deleted: number }>;
}
