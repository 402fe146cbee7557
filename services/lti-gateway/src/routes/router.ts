import type { HandlerContext } from "@atomic-guide/shared";
import type { IRequest, IttyRouterType } from "itty-router";

/** The gateway's router type; each route module registers its routes on it. */
export type GatewayRouter = IttyRouterType<IRequest, [Env, ExecutionContext, HandlerContext]>;
