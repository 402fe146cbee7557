import { EnvironmentNameSchema, isLocalEnvironment, parseEnv } from "@atomic-guide/shared";
import * as v from "valibot";
import { SECRET_PURPOSES, secretsFor } from "./keys/derive";

/** The gateway's vars and secrets, checked once per isolate. */
export const GatewayConfigSchema = v.pipe(
  v.object({
    ENVIRONMENT: EnvironmentNameSchema,
    TOOL_NAME: v.pipe(v.string(), v.minLength(1)),
    ADMIN_TOKEN: v.pipe(v.string(), v.minLength(32, "ADMIN_TOKEN must be at least 32 characters")),
    // Their formats and which may stand in for which are keys/derive.ts's rule, checked below.
    KEY_WRAPPING_SECRET: v.optional(v.string()),
    KEY_WRAPPING_SECRET_PREVIOUS: v.optional(v.string()),
    API_TOKEN_SECRET: v.optional(v.string()),
    API_TOKEN_SECRET_PREVIOUS: v.optional(v.string()),
    /** Legacy single secret: stands in as "v0" for a purpose whose own secret is unset. */
    KEY_ENCRYPTION_SECRET: v.optional(v.string()),
    /**
     * "true" activates registrations made through LTI Dynamic Registration at once. Honoured only
     * when ENVIRONMENT is development or test; staging and production always wait for an operator.
     */
    LTI_AUTO_ACTIVATE_REGISTRATIONS: v.optional(v.picklist(["true", "false"]), "false"),
  }),
  // Refuses a configuration that lacks, for either purpose, both the versioned secret and the
  // legacy one, naming the secret to set; one rule with the key derivation (keys/derive.ts).
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const purpose of SECRET_PURPOSES) {
      try {
        secretsFor(dataset.value, purpose);
      } catch (e) {
        addIssue({ message: e instanceof Error ? e.message : String(e) });
      }
    }
  }),
);
export type GatewayConfig = v.InferOutput<typeof GatewayConfigSchema>;

export const gatewayConfig = (env: Env): GatewayConfig => parseEnv(GatewayConfigSchema, env);

/** Local development settings: loopback platform URLs are allowed (a simulator on this machine). */
export const isLocalDevelopment = (env: Env) => isLocalEnvironment(gatewayConfig(env).ENVIRONMENT);

export const autoActivatesRegistrations = (env: Env) =>
  isLocalDevelopment(env) && gatewayConfig(env).LTI_AUTO_ACTIVATE_REGISTRATIONS === "true";
