import * as v from "valibot";

/**
 * Cloudflare's D1 REST API, the calls an export needs (the same ones `wrangler d1 export
 * --remote` makes): find the database id by name, start a polling export, poll until the dump
 * has been written and a signed URL is ready.
 */
const API = "https://api.cloudflare.com/client/v4";

export type Fetch = typeof fetch;

export class ExportApiError extends Error {
  override readonly name = "ExportApiError";
}

const Envelope = <S extends v.GenericSchema>(result: S) =>
  v.object({
    success: v.boolean(),
    errors: v.optional(v.array(v.object({ message: v.optional(v.string()) })), []),
    result: v.nullish(result),
  });

const DatabaseListSchema = Envelope(v.array(v.object({ uuid: v.string(), name: v.string() })));

const ExportStateSchema = Envelope(
  v.object({
    status: v.optional(v.picklist(["active", "complete", "error"])),
    at_bookmark: v.optional(v.string()),
    error: v.optional(v.string()),
    messages: v.optional(v.array(v.string()), []),
    result: v.optional(
      v.object({ filename: v.optional(v.string()), signed_url: v.optional(v.pipe(v.string(), v.url())) }),
    ),
  }),
);

export interface ExportApiOptions {
  accountId: string;
  apiToken: string;
  fetch: Fetch;
  /** Between polls; the export runs on Cloudflare's side meanwhile. */
  pollIntervalMs: number;
  maxPolls: number;
}

export function d1ExportApi(options: ExportApiOptions) {
  const base = `${API}/accounts/${options.accountId}/d1/database`;
  const headers = { Authorization: `Bearer ${options.apiToken}`, "Content-Type": "application/json" };

  async function call<S extends v.GenericSchema>(what: string, schema: S, url: string, init: RequestInit) {
    const res = await options.fetch(url, { ...init, headers });
    const body: unknown = await res.json().catch(() => null);
    const parsed = v.safeParse(schema, body);
    if (!res.ok || !parsed.success) {
      const detail = parsed.success ? (parsed.output as { errors: { message?: string }[] }).errors : [];
      throw new ExportApiError(`${what}: HTTP ${res.status} ${detail.map((e) => e.message).join("; ")}`.trim());
    }
    return parsed.output as v.InferOutput<S>;
  }

  return {
    async databaseId(name: string): Promise<string> {
      const out = await call("list databases", DatabaseListSchema, `${base}?name=${encodeURIComponent(name)}`, {
        method: "GET",
      });
      const hit = out.result?.find((d) => d.name === name);
      if (!hit) throw new ExportApiError(`no D1 database named ${name} in this account`);
      return hit.uuid;
    },

    /** Starts the export and polls it to the end; resolves with the signed URL of the dump. */
    async exportDump(uuid: string): Promise<{ signedUrl: string; atBookmark: string | undefined }> {
      let bookmark: string | undefined;
      for (let poll = 0; poll < options.maxPolls; poll++) {
        const out = await call("export", ExportStateSchema, `${base}/${uuid}/export`, {
          method: "POST",
          body: JSON.stringify({ output_format: "polling", ...(bookmark ? { current_bookmark: bookmark } : {}) }),
        });
        const state = out.result;
        if (!out.success || !state) throw new ExportApiError("export: the API answered without a result");
        if (state.status === "error") throw new ExportApiError(`export failed: ${state.error ?? "unknown error"}`);
        if (state.status === "complete") {
          const signedUrl = state.result?.signed_url;
          if (!signedUrl) throw new ExportApiError("export completed without a signed URL");
          return { signedUrl, atBookmark: state.at_bookmark ?? bookmark };
        }
        if (!state.at_bookmark) throw new ExportApiError("export is running but returned no bookmark to poll");
        bookmark = state.at_bookmark;
        if (options.pollIntervalMs > 0) await new Promise((r) => setTimeout(r, options.pollIntervalMs));
      }
      throw new ExportApiError(`export still running after ${options.maxPolls} polls`);
    },
  };
}
