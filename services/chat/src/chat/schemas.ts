import { type Citation, IdSchema, PageContextSchema } from "@atomic-guide/shared";
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
  /** The page blocks and FAQ entries the answer draws on (page ids are `data-guide-block` ids). */
  citations: Citation[];
  tokenUsage: { used: number; remaining: number };
}

export const HELP_KINDS = ["hint", "content_summary", "prerequisite_resource"] as const;
export type HelpKind = (typeof HELP_KINDS)[number];

/** `POST /api/chat/help`: help text for the element an intervention is about. */
export const HelpRequestSchema = v.object({
  kind: v.picklist(HELP_KINDS),
  interventionId: v.optional(IdSchema),
  pageContext: PageContextSchema,
});
export type HelpRequest = v.InferOutput<typeof HelpRequestSchema>;

export interface HelpReply {
  kind: HelpKind;
  text: string;
  citations: Citation[];
  provider: string;
}
