import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { LAUNCHES } from "../fixtures/launches.ts";
import { launchBrowser } from "./browser.ts";
import { ensureWebBuilt, type FrontServer, startFrontServer } from "./server.ts";

/** What a browser test file drives: the system, its URL (no trailing slash), the front server and Chromium. */
export interface BrowserSystem {
  system: RunningSystem;
  systemUrl: string;
  front: FrontServer;
  browser: Browser;
}

export interface BrowserSystemOptions {
  /** Extra HTML the launch pages carry (the fixture course content). */
  extraBody?: string;
  /** The front server keeps the browser's Host on proxied requests (the sample course needs it). */
  keepHost?: boolean;
}

/**
 * The one way a browser test file starts and stops its world: the whole system in Miniflare,
 * the front server with the fixture launches, Debian's Chromium. Registers its own
 * beforeAll/afterAll; the returned object is filled in before the file's first test runs.
 */
export function useBrowserSystem(opts: BrowserSystemOptions = {}): BrowserSystem {
  const world = {} as BrowserSystem;
  beforeAll(async () => {
    // The gateway serves the app's files from apps/web/dist: built before the system reads it.
    ensureWebBuilt();
    world.system = await startSystem();
    world.systemUrl = String(await world.system.mf.ready).replace(/\/$/, "");
    world.front = await startFrontServer(new URL(world.systemUrl), LAUNCHES, opts.extraBody ?? "", {
      keepHost: opts.keepHost,
    });
    world.browser = await launchBrowser();
  });
  afterAll(async () => {
    await world.browser?.close();
    await world.front?.close();
    await world.system?.dispose();
  });
  return world;
}
