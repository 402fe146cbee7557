import type { PageContext } from "../api/chat";
import type { AppContext } from "../context";

/**
 * What chat is told about where the learner is: the course and resource link from the launch,
 * and from the content page its block-marked text, the element in focus and whether that
 * item is graded. `focusOn` names the element an intervention is about.
 */
export function chatPageContext(ctx: AppContext, focusOn?: string): PageContext {
  const { launch } = ctx;
  const snapshot = ctx.page.snapshot(focusOn);
  const resourceLinkId = launch.resourceLinkId ?? launch.resourceLink?.id;
  const title = snapshot.pageTitle ?? launch.context.title ?? undefined;
  return {
    courseId: launch.context.id,
    ...snapshot,
    ...(title ? { pageTitle: title } : {}),
    ...(resourceLinkId ? { resourceLinkId } : {}),
  };
}
