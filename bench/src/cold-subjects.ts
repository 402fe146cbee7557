// The Workers whose cold start the bench measures: our four and the peer, each as Miniflare
// options built around a given bundle, or around an empty module with the same bindings (the
// baseline a bundle's own load cost is read against). Service bindings point at stub Workers, so
// each Worker starts alone.
import { dirname, join } from "node:path";
import { TEST_SECRETS } from "@atomic-guide/testing/system";
import { auxiliaryWorker, SERVICE_NAMES } from "@atomic-guide/testing/vitest-workers";
import { PEER_DIR, PEER_PACKAGE, PEER_WORKER, peerWorkerOptions } from "./peer-worker";

const root = join(import.meta.dirname, "..", "..");

export interface ColdSubject {
  label: string;
  worker: string;
  /** Where wrangler builds it. */
  dir: string;
  /** Whether the Worker ships minified (its wrangler.jsonc). */
  shipsMinified: boolean;
  /** Miniflare options for the Worker and its stubs; `script` undefined = the empty baseline. */
  workers(script: string | undefined): Record<string, unknown>[];
}

type Options = Record<string, unknown> & {
  durableObjects?: Record<string, { className: string; scriptName?: string }>;
  serviceBindings?: Record<string, string | { name: string }>;
};

const STUB = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class Stub extends WorkerEntrypoint { fetch() { return new Response("stub", { status: 503 }); } }`;

/** A module with the same Durable Object classes and a fetch that answers `ok`. */
function emptyModule(options: Options): string {
  const classes = Object.values(options.durableObjects ?? {})
    .filter((d) => !d.scriptName)
    .map((d) => `export class ${d.className} extends DurableObject {}`);
  return [
    'import { DurableObject } from "cloudflare:workers";',
    ...classes,
    'export default { fetch() { return new Response("ok"); } };',
  ].join("\n");
}

function withCode(options: Options, script: string | undefined): Options {
  const { scriptPath: _p, modulesRoot: _r, modules: _m, script: _s, ...rest } = options;
  const code = script
    ? { modules: true, scriptPath: script, modulesRoot: dirname(script) }
    : { modules: true, script: emptyModule(options) };
  return { ...rest, ...code, unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] };
}

function stubsFor(options: Options): Record<string, unknown>[] {
  const names = Object.values(options.serviceBindings ?? {}).map((b) => (typeof b === "string" ? b : b.name));
  return [...new Set(names)].map((name) => ({
    name,
    modules: true,
    script: STUB,
    compatibilityDate: "2026-10-01",
  }));
}

export function coldSubjects(): ColdSubject[] {
  const ours = SERVICE_NAMES.map((s): ColdSubject => {
    const options = auxiliaryWorker(s, s === "lti-gateway" ? TEST_SECRETS : {}) as Options;
    return {
      label: s,
      worker: `atomic-guide-${s}`,
      dir: join(root, "services", s),
      shipsMinified: true,
      workers: (script) => [withCode(options, script), ...stubsFor(options)],
    };
  });
  const peer: ColdSubject = {
    label: `peer (${PEER_PACKAGE})`,
    worker: PEER_WORKER,
    dir: PEER_DIR,
    shipsMinified: false,
    workers: (script) => [withCode(peerWorkerOptions(script ?? "unused.js") as Options, script)],
  };
  return [...ours, peer];
}
