import type { ServiceRpc } from "./service";

/** RPC contract of the analytics service. */
export interface AnalyticsRpc extends ServiceRpc {}
