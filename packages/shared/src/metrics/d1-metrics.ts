import { queryNameOf } from "./query-name";
import { recordSample } from "./recorder";
import { addD1Time } from "./request-scope";
import { METRIC_SERVICES, type MetricService } from "./schema";

const isService = (s: string): s is MetricService => (METRIC_SERVICES as readonly string[]).includes(s);

interface Meta {
  rows_read?: number;
  rows_written?: number;
  duration?: number;
}

/**
 * A query sample's duration is the database's own time for the statement (`meta.duration`) when
 * D1 reports it (`all`, `run`, `batch`), so it does not grow with the Worker's queueing or the
 * network; `first` and `raw` return no meta and failures have none, so those fall back to the
 * time the Worker waited. The request's D1 time is always the wait, the share of its latency.
 */
function record(service: MetricService, name: string, waitedMs: number, meta: Meta | undefined, ok: boolean) {
  const durationMs = typeof meta?.duration === "number" && Number.isFinite(meta.duration) ? meta.duration : waitedMs;
  recordSample({
    kind: "query",
    service,
    name,
    durationMs: Math.max(0, durationMs),
    rowsRead: Math.max(0, Math.trunc(meta?.rows_read ?? 0)),
    rowsWritten: Math.max(0, Math.trunc(meta?.rows_written ?? 0)),
    ok,
    at: new Date().toISOString(),
  });
}

/** Wrapped statements remember the native one, which `batch()` needs. */
const natives = new WeakMap<D1PreparedStatement, { native: D1PreparedStatement; name: string }>();

async function timed<T>(
  service: MetricService,
  name: string,
  run: () => Promise<T>,
  metaOf: (r: T) => Meta | undefined,
) {
  const started = performance.now();
  try {
    const result = await run();
    const waited = performance.now() - started;
    addD1Time(waited);
    record(service, name, waited, metaOf(result), true);
    return result;
  } catch (e) {
    const waited = performance.now() - started;
    addD1Time(waited);
    record(service, name, waited, undefined, false);
    throw e;
  }
}

function measuredStatement(native: D1PreparedStatement, name: string, service: MetricService): D1PreparedStatement {
  // Native methods need the native `this`, so every property is read from and bound to it.
  const wrapped = new Proxy(native, {
    get(target, prop) {
      switch (prop) {
        case "bind":
          return (...values: unknown[]) => measuredStatement(target.bind(...values), name, service);
        case "all":
        case "run":
          return () =>
            timed(
              service,
              name,
              () => (prop === "all" ? target.all() : target.run()),
              (r) => r.meta,
            );
        case "first":
          return (column?: string) =>
            timed(
              service,
              name,
              () => (column === undefined ? target.first() : target.first(column)),
              () => undefined,
            );
        case "raw":
          return (options?: { columnNames?: boolean }) =>
            timed(
              service,
              name,
              () => (options?.columnNames ? target.raw({ columnNames: true }) : target.raw()),
              () => undefined,
            );
        default: {
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === "function" ? value.bind(target) : value;
        }
      }
    },
  });
  natives.set(wrapped, { native, name });
  return wrapped;
}

/**
 * Per-query D1 instrumentation: every statement's name (its `/* name *\/` comment, see
 * query-name.ts), duration and rows read and written become a query sample, sent to analytics
 * with the request's other samples. Failed queries are recorded too, then rethrown unchanged.
 */
export function withD1Metrics(db: D1Database, _env: object, service: string): D1Database {
  if (!isService(service)) return db;
  return new Proxy(db, {
    get(target, prop) {
      switch (prop) {
        case "prepare":
          return (query: string) => measuredStatement(target.prepare(query), queryNameOf(query), service);
        case "batch":
          return async (statements: D1PreparedStatement[]) => {
            const entries = statements.map((s) => natives.get(s) ?? { native: s, name: "~batch" });
            const started = performance.now();
            try {
              const results = await target.batch(entries.map((e) => e.native));
              const waited = performance.now() - started;
              addD1Time(waited);
              const each = waited / Math.max(1, entries.length);
              results.forEach((r, i) => {
                record(service, entries[i]?.name ?? "~batch", each, r.meta, true);
              });
              return results;
            } catch (e) {
              const waited = performance.now() - started;
              addD1Time(waited);
              const each = waited / Math.max(1, entries.length);
              for (const entry of entries) record(service, entry.name, each, undefined, false);
              throw e;
            }
          };
        default: {
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === "function" ? value.bind(target) : value;
        }
      }
    },
  });
}
