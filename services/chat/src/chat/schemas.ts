import { IdSchema, PageContextSchema } from "@atomic-guide/shared";
import * as v from "valibot";

export const ChatMessageRequestSchema = v.object({
  conversationId: v.optional(v.pipe(IdSchema, v.maxLength(64))),
  message: v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(4000)),
  pageContext: v.optional(PageContextSchema),
});
export type ChatMessageRequest = v.InferOutput<typeof ChatMessageRequestSchema>;

/** What the learner's socket may send on /ws/chat. */
export const SocketMessageSchema = v.variant("type", [
  v.object({ type: v.literal("message"), ...ChatMessageRequestSchema.entries }),
  v.object({ type: v.literal("ping") }),
]);

export const SuggestionRequestSchema = v.object({
  trigger: v.picklist(["struggle", "idle"]),
  pageContext: v.optional(PageContextSchema),
});

export const ProviderPreferenceSchema = v.picklist(["workers-ai", "external", "offline", "auto"]);

export interface ChatReply {
  conversationId: string;
  messageId: string;
  response: string;
  suggestions: string[];
  provider: string;
  tokenUsage: { used: number; remaining: number };
}
