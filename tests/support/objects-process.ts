// The system split over two workerd processes: the four services in one, their Durable Objects
// in the other, as Cloudflare runs an object on its own machine. workerd starts an object (opens
// its SQLite file) on the thread that calls it; with the objects in another process that work
// happens there, not in the calling Worker's isolate, so a profile of the calling Worker shows
// what Cloudflare would charge it: the call. Calls between the processes go through Miniflare's
// dev registry (workerd's debug port), and both processes share the D1, KV and R2 files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

export interface ProcessPair {
  /** The services (and any extra Workers): the process tests and the bench talk to. */
  front: Miniflare;
  /** Stops both processes and removes their shared directory. */
  dispose(): Promise<void>;
}

/**
 * Starts `objectWorkers` in a workerd of their own, then `frontWorkers` in another, sharing one
 * dev registry and one storage directory under the OS temp directory (RAM in the bench).
 */
export async function startProcessPair(options: {
  frontWorkers: Record<string, unknown>[];
  objectWorkers: Record<string, unknown>[];
  inspectorPort?: number | undefined;
  objectsInspectorPort?: number | undefined;
}): Promise<ProcessPair> {
  const root = mkdtempSync(join(tmpdir(), "atomic-two-processes-"));
  const registry = join(root, "registry");
  // Shared storage: each process persists what cannot be shared (its own objects' files) apart.
  const storage = (own: string) => ({
    unsafeEnableSharedStorage: true,
    resourcePersistencePath: join(root, "shared"),
    isolatedResourcePersistencePath: join(root, own),
  });
  const inspector = (port: number | undefined) => (port === undefined ? {} : { inspectorPort: port });
  const start = async (workers: Record<string, unknown>[], own: string, port: number | undefined) => {
    const mf = new Miniflare({
      ...convertV4MiniflareOptions({ workers, unsafeDevRegistryPath: registry, ...inspector(port) } as never),
      ...storage(own),
    } as never);
    await mf.ready;
    return mf;
  };
  // The objects first: the front's calls into them resolve through the registry when made.
  const objects = await start(options.objectWorkers, "objects", options.objectsInspectorPort);
  let front: Miniflare;
  try {
    front = await start(options.frontWorkers, "front", options.inspectorPort);
  } catch (e) {
    await objects.dispose();
    throw e;
  }
  return {
    front,
    dispose: async () => {
      await front.dispose();
      await objects.dispose();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
