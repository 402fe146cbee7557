import * as v from "valibot";

/**
 * GET /api/courses/:contextId/help-requests (docs/api.md): learners of one course who said yes
 * when the guide offered to tell their instructor, newest first, with the name each agreed to be
 * shown by. Analytics answers with it; the instructor view reads it back.
 */
export const HelpRequestsSchema = v.object({
  contextId: v.string(),
  from: v.string(),
  to: v.string(),
  requests: v.array(
    v.object({
      interventionId: v.string(),
      userId: v.string(),
      name: v.nullable(v.string()),
      elementId: v.nullable(v.string()),
      at: v.string(),
    }),
  ),
});
export type HelpRequests = v.InferOutput<typeof HelpRequestsSchema>;
export type HelpRequest = HelpRequests["requests"][number];
