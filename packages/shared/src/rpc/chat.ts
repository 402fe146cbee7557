import * as v from "valibot";
import { type AuthContext, D1BindingNameSchema, TenantIdSchema } from "../auth-context";
import { IdSchema, IsoTimestampSchema } from "../validation";
import type { ServiceRpc } from "./service";

const boundedText = (max: number) => v.pipe(v.string(), v.maxLength(max));

/**
 * What a learner is looking at; page content is data for the model, never instructions. In
 * `pageContent` each content block starts with a marker line `[[block:<id>]]` (the block's
 * `data-guide-block` id), so answers can cite the block they quote.
 */
export const PageContextSchema = v.object({
  courseId: v.optional(IdSchema),
  moduleId: v.optional(IdSchema),
  pageTitle: v.optional(boundedText(500)),
  pageContent: v.optional(boundedText(20_000)),
  elementId: v.optional(IdSchema),
  /**
   * The text of the quiz item `elementId` names when it is an item inside a block rather than a
   * block: `pageContent` marks blocks only, so without it the item's own exercise is unknown.
   */
  elementText: v.optional(boundedText(2000)),
  /** The item in focus counts for a grade: hints and similar worked examples only, never the answer. */
  graded: v.optional(v.boolean()),
  resourceLinkId: v.optional(IdSchema),
});
export type PageContext = v.InferOutput<typeof PageContextSchema>;

/** Where an answer's words come from: a page block (its `data-guide-block` id) or a FAQ entry. */
export interface Citation {
  source: "page" | "faq";
  id: string;
  excerpt: string;
}

/**
 * The learner profile struggle-detector pushes whenever it changes. Chat keeps the latest one
 * per learner (by `updatedAt`) and lets it shape explanations. Every field but `updatedAt` is
 * optional so struggle-detector can grow it without a lock-step release.
 */
export const LearnerProfileSchema = v.object({
  updatedAt: IsoTimestampSchema,
  struggleLevel: v.optional(v.picklist(["none", "watch", "struggling"])),
  struggleScore: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  /** Topics or element ids the learner recently struggled with, most recent first. */
  strugglingTopics: v.optional(v.pipe(v.array(boundedText(200)), v.maxLength(20))),
  preferredStyle: v.optional(v.picklist(["examples", "step_by_step", "visual", "concise"])),
  readingLevel: v.optional(v.picklist(["basic", "intermediate", "advanced"])),
});
export type LearnerProfile = v.InferOutput<typeof LearnerProfileSchema>;

export const SuggestRequestSchema = v.object({
  trigger: v.picklist(["struggle", "idle"]),
  elementId: v.optional(IdSchema),
  pageContext: v.optional(PageContextSchema),
  learnerProfile: v.optional(LearnerProfileSchema),
});
export type SuggestRequest = v.InferOutput<typeof SuggestRequestSchema>;

export interface SuggestResult {
  suggestion: string;
  /** Which provider produced it (`offline` for the retrieval-based one). */
  provider: string;
}

/** Which tenant an operator call is about; the gateway reads `d1Binding` from the tenant record. */
export const FaqTenantSchema = v.object({ tenantId: TenantIdSchema, d1Binding: v.optional(D1BindingNameSchema) });
export type FaqTenant = v.InferOutput<typeof FaqTenantSchema>;

/** Body of POST and PUT /admin/tenants/:tenantId/faq[/:faqId]; absent courseId = every course. */
export const FaqInputSchema = v.strictObject({
  question: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(1000)),
  answer: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(8000)),
  courseId: v.optional(IdSchema),
});
export type FaqInput = v.InferOutput<typeof FaqInputSchema>;

export const FaqListQuerySchema = v.object({ courseId: v.optional(IdSchema) });

export interface FaqEntryView {
  id: string;
  question: string;
  answer: string;
  courseId?: string;
  createdAt: string;
  updatedAt: string;
}

/** RPC contract of the chat service. Every argument is validated on arrival. */
export interface ChatRpc extends ServiceRpc {
  /** A proactive chat offer; struggle-detector calls it and must cope with failure. */
  suggest(auth: AuthContext, request: SuggestRequest): Promise<SuggestResult>;
  /** Keeps the latest profile per learner; an older `updatedAt` than the stored one is ignored. */
  updateLearnerProfile(auth: AuthContext, profile: LearnerProfile): Promise<{ stored: boolean }>;
  /** Everything chat holds about the caller: profile, conversations and their messages. */
  exportLearner(auth: AuthContext): Promise<unknown>;
  /** Erases the caller's conversations (Durable Objects and D1), profile and budget counters. */
  eraseLearner(auth: AuthContext): Promise<{ deleted: number }>;
  /** Operator FAQ management behind /admin/tenants/:tenantId/faq (the gateway checks ADMIN_TOKEN). */
  listFaq(tenant: FaqTenant, query: { courseId?: string }): Promise<{ entries: FaqEntryView[] }>;
  createFaq(tenant: FaqTenant, input: FaqInput): Promise<FaqEntryView>;
  /** Throws ApiError 404 `not_found` for an unknown id. */
  updateFaq(tenant: FaqTenant, faqId: string, input: FaqInput): Promise<FaqEntryView>;
  /** Throws ApiError 404 `not_found` for an unknown id. */
  deleteFaq(tenant: FaqTenant, faqId: string): Promise<{ deleted: true }>;
}
