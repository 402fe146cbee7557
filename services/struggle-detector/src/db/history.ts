import { badRequest, base64UrlToText, textToBase64Url } from "@atomic-guide/shared";
import * as v from "valibot";

/** An opaque keyset cursor this API issued (encodeCursor). */
const CursorParamSchema = v.optional(v.pipe(v.string(), v.maxLength(512)));

export const PageQuerySchema = v.object({
  cursor: CursorParamSchema,
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, "must be a whole number"),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(100, "must be at most 100"),
    ),
    "20",
  ),
});
export type PageQuery = v.InferOutput<typeof PageQuerySchema>;
/** A parsed page request as it crosses into the learner's Durable Object. */
export const PageSchema = v.object({
  cursor: CursorParamSchema,
  limit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)),
});

const CursorSchema = v.object({ t: v.string(), id: v.string() });

/** Keyset cursors (time, id): stable while new rows arrive, and opaque to clients. */
export function encodeCursor(t: string, id: string): string {
  return textToBase64Url(JSON.stringify({ t, id }));
}

export function decodeCursor(cursor: string | undefined): { t: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    return v.parse(CursorSchema, JSON.parse(base64UrlToText(cursor)));
  } catch {
    throw badRequest("invalid_cursor", "The cursor is not one this API issued.");
  }
}

export interface Learner {
  tenantId: string;
  userId: string;
}
