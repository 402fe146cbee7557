import { EnvironmentNameSchema, parseEnv } from "@atomic-guide/shared";
import * as v from "valibot";

/** The gateway's vars and secrets, checked once per isolate. */
export const GatewayConfigSchema = v.object({
  ENVIRONMENT: EnvironmentNameSchema,
  TOOL_NAME: v.pipe(v.string(), v.minLength(1)),
  ADMIN_TOKEN: v.pipe(v.string(), v.minLength(32, "ADMIN_TOKEN must be at least 32 characters")),
});
export type GatewayConfig = v.InferOutput<typeof GatewayConfigSchema>;

export const gatewayConfig = (env: Env): GatewayConfig => parseEnv(GatewayConfigSchema, env);
