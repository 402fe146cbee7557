import { ApiError, parseWith, readBoundedText } from "@atomic-guide/shared";
import * as v from "valibot";

// Not v.strictObject({}): valibot's object schemas accept arrays.
const NoFieldsSchema = v.pipe(
  v.unknown(),
  v.check(
    (data) => typeof data === "object" && data !== null && !Array.isArray(data) && Object.keys(data).length === 0,
    "this route takes no input; send no body or {}",
  ),
);

/**
 * For gateway routes that take no input: no body, or `{}` for clients that always send JSON.
 * Anything else is refused like any other bad body (413 over 256 KiB, 400 otherwise), so a
 * client bug shows up instead of being silently ignored.
 */
export async function requireNoInput(request: Request): Promise<void> {
  const text = await readBoundedText(request);
  if (text.trim() === "") return;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
  }
  parseWith(NoFieldsSchema, data);
}
