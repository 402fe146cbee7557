// Wires the launch comparison into a bench run: the peer's bundle built before workerd starts,
// the simulated LMS registered with it, and both sides' sends and profilers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningSystem } from "@atomic-guide/testing/system";
import type { BenchFixture } from "./fixture";
import { launch } from "./launch";
import { COMPARISON_NAME, type LaunchComparison, runLaunchComparison } from "./launch-comparison";
import type { Workerd } from "./load";
import { peerLaunch } from "./peer-launch";
import { buildPeer, PEER_WORKER, peerWorkerOptions, registerWithPeer } from "./peer-worker";
import { SAMPLING_INTERVAL_US } from "./profiled-pass";
import { BundleSources, WorkerProfilers } from "./profiler";

export class PeerRow {
  private constructor(
    private readonly dir: string,
    readonly script: string,
  ) {}

  /** Whether `--only=<text>` selects the comparison. */
  static selected(only: string | undefined): boolean {
    return only === undefined || COMPARISON_NAME.includes(only) || "peer".includes(only);
  }

  static build(): PeerRow {
    const dir = mkdtempSync(join(tmpdir(), "bench-peer-"));
    return new PeerRow(dir, buildPeer(dir).script);
  }

  /** The peer Worker for startSystem's extraWorkers. */
  worker(): Record<string, unknown> {
    return peerWorkerOptions(this.script);
  }

  async compare(
    ctx: {
      system: RunningSystem;
      fixture: BenchFixture;
      workerd: Workerd;
      quick: boolean;
      inspectorPort: number | undefined;
      ours: { profilers: WorkerProfilers | undefined; sources: BundleSources };
      profileOps: number;
    },
    log: (message: string) => void,
  ): Promise<LaunchComparison> {
    const { system, fixture } = ctx;
    await registerWithPeer(system.mf, fixture.platform);
    const peer = await system.directUrl(PEER_WORKER);
    const peerProfilers =
      ctx.inspectorPort === undefined
        ? undefined
        : await WorkerProfilers.connect(ctx.inspectorPort, [PEER_WORKER], SAMPLING_INTERVAL_US);
    try {
      const comparison = await runLaunchComparison(
        {
          ours: {
            send: async (i) =>
              (await launch(fixture.gateway, fixture.platform, { sub: `bench-vs-peer-${i}`, name: `Peer ${i}` }))
                .apiToken.length > 0,
            ...(ctx.ours.profilers ? { profilers: ctx.ours.profilers } : {}),
            sources: ctx.ours.sources,
          },
          peer: {
            send: async (i) => {
              await peerLaunch(peer, fixture.platform, { sub: `bench-vs-peer-${i}`, name: `Peer ${i}` });
              return true;
            },
            ...(peerProfilers ? { profilers: peerProfilers } : {}),
            sources: new BundleSources(new Map([[PEER_WORKER, this.script]])),
          },
          "peer-direct": {
            send: async (i) => {
              await peerLaunch(peer, fixture.platform, { sub: `bench-vs-peer-${i}`, name: `Peer ${i}` }, true);
              return true;
            },
          },
        },
        ctx.workerd,
        {
          rounds: ctx.quick ? 2 : 5,
          opsPerRound: ctx.quick ? { 1: 10, 8: 24 } : { 1: 40, 8: 100 },
          warmup: ctx.quick ? 8 : 40,
          profileOps: ctx.inspectorPort === undefined ? 0 : ctx.profileOps,
        },
        log,
      );
      for (const a of comparison.arms) {
        const r = a.result;
        log(
          `${a.side} @${a.concurrency}: ${r.rps.toFixed(1)} launches/s, p50 ${r.p50.toFixed(1)} ms, CPU ${r.cpuMsPerRequest.toFixed(2)} ms/launch, errors ${r.errors}`,
        );
      }
      for (const [side, p] of Object.entries(comparison.profiles)) {
        log(`${side} JS CPU per launch (profiler, p50): ${p.sumP50Ms.toFixed(2)} ms`);
      }
      return comparison;
    } finally {
      peerProfilers?.close();
    }
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
