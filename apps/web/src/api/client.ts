import { ApiProblem, problemFrom } from "./problem";

export interface ClientEvents {
  /** A response said it was served read-only from the fallback store. */
  onDegraded?(degraded: boolean): void;
  /** Any problem, so the shell can show one banner for expiry and rate limits. */
  onProblem?(problem: ApiProblem): void;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  accept?: string;
  signal?: AbortSignal;
  query?: Record<string, string | number | undefined>;
  /** Background calls (socket tickets, signal batches) report only an expired session page-wide. */
  quiet?: boolean;
}

// Every call carries the launch's bearer token: inside an LMS iframe third-party cookies may be
// blocked, so the app never relies on them (credentials: "omit").
export class ApiClient {
  constructor(
    private readonly token: string,
    private readonly events: ClientEvents = {},
    private readonly base = "",
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  async raw(path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.token}`,
      Accept: opts.accept ?? "application/json",
    };
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    let url = this.base + path;
    if (opts.query) {
      const qs = new URLSearchParams();
      for (const [k, val] of Object.entries(opts.query)) if (val !== undefined && val !== "") qs.set(k, String(val));
      const s = qs.toString();
      if (s) url += (url.includes("?") ? "&" : "?") + s;
    }
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
        headers,
        body: opts.body === undefined ? null : JSON.stringify(opts.body),
        credentials: "omit",
        signal: opts.signal ?? null,
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") throw err;
      const p = new ApiProblem("network", 0, "network_error", "Network error");
      if (!opts.quiet) this.events.onProblem?.(p);
      throw p;
    }
    this.events.onDegraded?.(res.headers.get("X-Atomic-Degraded") !== null);
    if (!res.ok) {
      const body: unknown = await res.json().catch(() => null);
      const p = problemFrom(res.status, body, res.headers.get("Retry-After"));
      if (!opts.quiet || p.kind === "expired") this.events.onProblem?.(p);
      throw p;
    }
    return res;
  }

  async json<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.raw(path, opts);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
}
