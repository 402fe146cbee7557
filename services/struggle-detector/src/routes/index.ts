import { type HandlerContext, notFound } from "@atomic-guide/shared";
import { type IRequest, IttyRouter } from "itty-router";

export const router = IttyRouter<IRequest, [Env, ExecutionContext, HandlerContext]>();

router.all("*", () => {
  throw notFound("No such struggle-detector route.");
});
