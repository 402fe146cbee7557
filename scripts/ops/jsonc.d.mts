/** JSONC → JSON: comments and trailing commas out, strings untouched. */
export function parseJsonc(text: string): unknown;
