import type { Generated } from "kysely";

/** Chat's D1 tables (migrations/chat). */
export interface ChatDatabase {
  conversations: {
    tenant_id: string;
    conversation_id: string;
    user_id: string;
    title: string | null;
    created_at: string;
    updated_at: string;
  };
  messages: {
    tenant_id: string;
    conversation_id: string;
    message_id: string;
    user_id: string;
    role: "user" | "assistant";
    content: string;
    provider: string | null;
    tokens: number;
    created_at: string;
  };
  faq_entries: {
    tenant_id: string;
    faq_id: string;
    course_id: string | null;
    question: string;
    answer: string;
    created_at: string;
    updated_at: string;
    /** The entry's row in faq_fts. */
    fts_rowid: number;
  };
  faq_fts: {
    rowid: Generated<number>;
    question: string;
    answer: string;
    tenant_id: string;
    faq_id: string;
  };
}
