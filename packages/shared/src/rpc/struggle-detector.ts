import type { AuthContext } from "../auth-context";
import type { ServiceRpc } from "./service";

/** RPC contract of the struggle-detector service. Every argument is validated on arrival. */
export interface StruggleDetectorRpc extends ServiceRpc {
  /** Everything struggle-detector holds about the caller: profile, sessions, struggle events, interventions. */
  exportLearner(auth: AuthContext): Promise<unknown>;
  /** Erases the caller's detector state (Durable Object), D1 rows and KV snapshots. */
  eraseLearner(auth: AuthContext): Promise<{ deleted: number }>;
}
