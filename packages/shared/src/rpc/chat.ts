import type { ServiceRpc } from "./service";

/** RPC contract of the chat service. */
export interface ChatRpc extends ServiceRpc {}
