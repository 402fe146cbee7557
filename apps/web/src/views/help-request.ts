import { type Citation, toCitations } from "../api/chat";
import type { AppContext } from "../context";
import { chatPageContext } from "./page-context";

export type HelpKind = "hint" | "content_summary" | "prerequisite_resource";

export interface HelpText {
  text: string;
  citations: Citation[];
  provider?: string;
}

/**
 * Chat's help text (`POST /api/chat/help`) for the block around an element. Graded or not is
 * judged on the element itself (a quiz item); the help is about the block that holds it.
 */
export async function requestHelp(
  ctx: AppContext,
  kind: HelpKind,
  elementId: string | undefined,
  extra: { interventionId?: string } = {},
): Promise<HelpText | undefined> {
  const pageContext = chatPageContext(ctx, elementId);
  const block = elementId ? ctx.page.blockIdOf(elementId) : undefined;
  const raw = await ctx.api.json<Record<string, unknown>>("/api/chat/help", {
    method: "POST",
    body: { kind, ...extra, pageContext: block ? { ...pageContext, elementId: block } : pageContext },
  });
  if (typeof raw.text !== "string" || !raw.text) return undefined;
  return {
    text: raw.text,
    citations: toCitations(raw.citations),
    ...(typeof raw.provider === "string" ? { provider: raw.provider } : {}),
  };
}
