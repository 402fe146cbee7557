import { notFound } from "@atomic-guide/shared";
import { type IRequest, IttyRouter } from "itty-router";
import { systemHealth } from "./health";

export const router = IttyRouter<IRequest, [Env, ExecutionContext]>();

router.get("/health", (_req, env) => systemHealth(env));

router.all("*", () => {
  throw notFound("No such route.");
});
