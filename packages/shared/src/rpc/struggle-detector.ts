import type { ServiceRpc } from "./service";

/** RPC contract of the struggle-detector service. */
export interface StruggleDetectorRpc extends ServiceRpc {}
