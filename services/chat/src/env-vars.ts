import { EnvironmentNameSchema, parseEnv } from "@atomic-guide/shared";
import * as v from "valibot";

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1));

/** Chat's vars and secrets, validated once per env object. */
const ChatEnvSchema = v.object({
  ENVIRONMENT: EnvironmentNameSchema,
  WORKERS_AI_MODEL: v.pipe(v.string(), v.minLength(1)),
  EXTERNAL_AI_BASE_URL: v.union([v.literal(""), v.pipe(v.string(), v.url())]),
  EXTERNAL_AI_MODEL: v.pipe(v.string(), v.minLength(1)),
  /** Optional: local servers (Ollama, llama.cpp) need no key. */
  EXTERNAL_AI_API_KEY: v.optional(v.string()),
  AI_TIMEOUT_MS: positiveInt,
  AI_FIRST_TOKEN_TIMEOUT_MS: positiveInt,
  AI_MAX_ANSWER_TOKENS: positiveInt,
  COMPLEXITY_THRESHOLD: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  BUDGET_LEARNER_TOKENS_PER_DAY: positiveInt,
  BUDGET_TENANT_TOKENS_PER_DAY: positiveInt,
  BUDGET_MESSAGES_PER_MINUTE: positiveInt,
});
export type ChatEnvVars = v.InferOutput<typeof ChatEnvSchema>;

export const chatEnvVars = (env: Env): ChatEnvVars => parseEnv(ChatEnvSchema, env);
