import * as v from "valibot";

export const EnvironmentNameSchema = v.picklist(["development", "test", "staging", "production"]);
export type EnvironmentName = v.InferOutput<typeof EnvironmentNameSchema>;

const parsed = new WeakMap<object, unknown>();

/**
 * Validates a Worker's vars and secrets once per env object (the same object is reused across
 * requests in an isolate), so a misconfigured deploy fails loudly instead of misbehaving.
 */
export function parseEnv<S extends v.GenericSchema>(schema: S, env: object): v.InferOutput<S> {
  const hit = parsed.get(env);
  if (hit) return hit as v.InferOutput<S>;
  const result = v.safeParse(schema, env);
  if (!result.success) {
    const detail = result.issues.map((i) => `${v.getDotPath(i) ?? "env"}: ${i.message}`).join("; ");
    throw new Error(`Invalid Worker configuration: ${detail}`);
  }
  parsed.set(env, result.output);
  return result.output;
}

export const isLocalEnvironment = (name: EnvironmentName) => name === "development" || name === "test";
