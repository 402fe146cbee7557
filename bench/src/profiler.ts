// JS CPU per Worker, attributed by V8's sampling profiler through workerd's inspector (Chrome
// DevTools protocol). workerd reports cpuTime 0 to tail Workers locally and the process's CPU
// mixes every Worker with the local D1/KV/DO simulators, so this is how the bench sees what each
// Worker's own isolate spends: each Worker is its own inspector target, and every sample is
// charged to the function on top of the stack, mapped through the bundle's source map to our
// code, one of our dependencies, or the runtime (V8's "(program)" and "(garbage collector)").
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { createServer } from "node:net";

/** A loopback port nobody listens on now, for workerd's inspector. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a sample's time went. */
export type Origin = "ours" | "dependencies" | "runtime";

export interface WorkerCpu {
  /** Sampled JS CPU in ms (idle excluded). */
  totalMs: number;
  byOrigin: Record<Origin, number>;
  /** ms per dependency package (jose, kysely, valibot, itty-router, ...). */
  byPackage: Map<string, number>;
  /** Self time per function, "name (source:line)", heaviest first. */
  topFunctions: { name: string; ms: number }[];
}

class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result);
    });
  }

  static open(url: string): Promise<Inspector> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener("open", () => resolve(new Inspector(socket)), { once: true });
      socket.addEventListener("error", () => reject(new Error(`inspector ${url} did not open`)), { once: true });
    });
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** Profilers on each named Worker of one workerd, started and stopped together around a scenario. */
export class WorkerProfilers {
  private constructor(private readonly inspectors: Map<string, Inspector>) {}

  /**
   * `workers`: Worker name → inspector target (Miniflare names them `core:user:<name>`), on `port`
   * or, where the Workers run in more than one workerd, on the port of each one's process.
   */
  static async connect(
    port: number | ((worker: string) => number),
    workers: string[],
    samplingIntervalUs = 100,
  ): Promise<WorkerProfilers> {
    const inspectors = new Map<string, Inspector>();
    for (const name of workers) {
      const on = typeof port === "number" ? port : port(name);
      const inspector = await Inspector.open(`ws://127.0.0.1:${on}/core:user:${name}`);
      await inspector.send("Profiler.enable");
      await inspector.send("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
      inspectors.set(name, inspector);
    }
    return new WorkerProfilers(inspectors);
  }

  async start(): Promise<void> {
    await Promise.all([...this.inspectors.values()].map((i) => i.send("Profiler.start")));
  }

  async stop(): Promise<Map<string, CpuProfile>> {
    const profiles = new Map<string, CpuProfile>();
    for (const [name, inspector] of this.inspectors) {
      profiles.set(name, (await inspector.send<{ profile: CpuProfile }>("Profiler.stop")).profile);
    }
    return profiles;
  }

  close(): void {
    for (const inspector of this.inspectors.values()) inspector.close();
  }
}

/** Maps a bundle's generated positions back to its sources, once per bundle. */
export class BundleSources {
  private readonly maps = new Map<string, SourceMap | null>();

  constructor(private readonly bundleByWorker: Map<string, string>) {}

  source(worker: string, frame: CallFrame): { path: string; line: number } | undefined {
    const bundle = this.bundleByWorker.get(worker);
    if (!bundle) return undefined;
    let map = this.maps.get(bundle);
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, "utf8")));
      } catch {
        map = null;
      }
      this.maps.set(bundle, map);
    }
    if (!map) return undefined;
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as {
      originalSource?: string;
      originalLine?: number;
    };
    return entry.originalSource ? { path: entry.originalSource, line: (entry.originalLine ?? 0) + 1 } : undefined;
  }
}

const RUNTIME_FRAMES = new Set(["(program)", "(garbage collector)", "(root)"]);

/** The npm package a source path belongs to, or undefined for our own code. */
export function packageOf(path: string): string | undefined {
  // pnpm's store names the package in its folder (some packages' own maps name odd paths inside it).
  const pnpm = /node_modules\/\.pnpm\/((?:@[^+/]+\+)?[^@/]+)@/.exec(path);
  if (pnpm) return pnpm[1]!.replace("+", "/");
  const at = path.lastIndexOf("node_modules/");
  if (at < 0) return undefined;
  const rest = path.slice(at + "node_modules/".length).split("/");
  return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
}

const shortPath = (path: string) => path.replace(/^.*?\/(services|packages|node_modules)\//, "$1/");

/**
 * Charges each sample's interval to the frame on top of the stack. V8 drops the samples it takes
 * while another isolate holds the thread (every Worker and simulator of one workerd shares its
 * threads), so the time before a kept sample can span other isolates' work: each sample counts
 * for at most one sampling interval, the time it actually stands for.
 */
export function attribute(
  worker: string,
  profile: CpuProfile,
  sources: BundleSources,
  samplingIntervalUs: number,
): WorkerCpu {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; the interval a sample stands for is the next delta.
  for (let i = 0; i < samples.length; i++) {
    const us = Math.min(deltas[i + 1] ?? samplingIntervalUs, samplingIntervalUs);
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + us);
  }
  const byOrigin: Record<Origin, number> = { ours: 0, dependencies: 0, runtime: 0 };
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === "(idle)") continue;
    const ms = us / 1000;
    totalMs += ms;
    if (RUNTIME_FRAMES.has(frame.functionName) || !frame.url) {
      byOrigin.runtime += ms;
      const name = frame.functionName || "(native)";
      byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
      continue;
    }
    const source = sources.source(worker, frame);
    const pkg = source ? packageOf(source.path) : undefined;
    if (pkg) {
      byOrigin.dependencies += ms;
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    } else {
      byOrigin.ours += ms;
    }
    const where = source ? `${shortPath(source.path)}:${source.line}` : `${frame.url}:${frame.lineNumber + 1}`;
    const name = `${frame.functionName || "(anonymous)"} (${where})`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const topFunctions = [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, ms]) => ({ name, ms }));
  return { totalMs, byOrigin, byPackage, topFunctions };
}
