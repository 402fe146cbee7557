import { EnvironmentNameSchema, isLocalEnvironment, parseEnv } from "@atomic-guide/shared";
import * as v from "valibot";

/** The gateway's vars and secrets, checked once per isolate. */
export const GatewayConfigSchema = v.object({
  ENVIRONMENT: EnvironmentNameSchema,
  TOOL_NAME: v.pipe(v.string(), v.minLength(1)),
  ADMIN_TOKEN: v.pipe(v.string(), v.minLength(32, "ADMIN_TOKEN must be at least 32 characters")),
  KEY_ENCRYPTION_SECRET: v.pipe(v.string(), v.minLength(32, "KEY_ENCRYPTION_SECRET must be at least 32 characters")),
  /**
   * "true" activates registrations made through LTI Dynamic Registration at once. Honoured only
   * when ENVIRONMENT is development or test; staging and production always wait for an operator.
   */
  LTI_AUTO_ACTIVATE_REGISTRATIONS: v.optional(v.picklist(["true", "false"]), "false"),
});
export type GatewayConfig = v.InferOutput<typeof GatewayConfigSchema>;

export const gatewayConfig = (env: Env): GatewayConfig => parseEnv(GatewayConfigSchema, env);

/** Local development settings: loopback platform URLs are allowed (a simulator on this machine). */
export const isLocalDevelopment = (env: Env) => isLocalEnvironment(gatewayConfig(env).ENVIRONMENT);

export const autoActivatesRegistrations = (env: Env) =>
  isLocalDevelopment(env) && gatewayConfig(env).LTI_AUTO_ACTIVATE_REGISTRATIONS === "true";
