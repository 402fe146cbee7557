import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { join } from "node:path";
import { launchCsp, launchPageHtml } from "./launch-page.ts";

const root = join(import.meta.dirname, "..", "..", "..", "..");
export const webDist = join(root, "apps", "web", "dist");

/** Builds the web app when its bundle is missing (turbo builds it first in a full run). */
export function ensureWebBuilt(): void {
  if (existsSync(join(webDist, "app", "main.js"))) return;
  const r = spawnSync("pnpm", ["run", "build"], { cwd: join(root, "apps", "web"), stdio: "inherit" });
  if (r.status !== 0) throw new Error("could not build apps/web for the e2e tests");
}

export interface FrontServer {
  url: string;
  /** Pages a real launch produced, served verbatim (with the gateway's headers) at /e2e/real/<name>. */
  realPages: Map<string, { html: string; headers: Record<string, string> }>;
  close(): Promise<void>;
}

/**
 * One origin for the browser: /e2e/launch/<name> renders a launch page from a fixture, and
 * every other request (HTTP and WebSocket upgrades), the web app's /app/* files included, goes
 * to the running system unchanged, where the gateway serves them from its static assets.
 */
export async function startFrontServer(
  systemUrl: URL,
  launches: Record<string, unknown>,
  extraBody = "",
  opts: { keepHost?: boolean } = {},
): Promise<FrontServer> {
  const realPages = new Map<string, { html: string; headers: Record<string, string> }>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const real = req.method === "GET" ? realPages.get(url.pathname.slice("/e2e/real/".length)) : undefined;
    if (url.pathname.startsWith("/e2e/real/") && real) {
      const keep = [
        "content-type",
        "content-security-policy",
        "referrer-policy",
        "x-content-type-options",
        "cache-control",
      ];
      res.writeHead(
        200,
        Object.fromEntries(Object.entries(real.headers).filter(([k]) => keep.includes(k.toLowerCase()))),
      );
      res.end(real.html);
      return;
    }
    if (req.method === "GET" && url.pathname.startsWith("/e2e/launch/")) {
      const launch = launches[url.pathname.slice("/e2e/launch/".length)];
      if (!launch) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": launchCsp(["'self'"]),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
      });
      res.end(launchPageHtml(launch, extraBody));
      return;
    }
    const upstream = request(
      {
        host: systemUrl.hostname,
        port: systemUrl.port,
        method: req.method,
        path: req.url,
        // keepHost: the gateway builds its own URLs (the sample course's built-in LMS, its
        // redirects) on the browser's origin, so course page and guide share one origin.
        headers: opts.keepHost ? req.headers : { ...req.headers, host: systemUrl.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  // WebSocket upgrades are passed through as raw bytes to the system's listener.
  server.on("upgrade", (req, socket, head) => {
    const up = connect(Number(systemUrl.port), systemUrl.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i] as string;
        lines.push(`${name}: ${name.toLowerCase() === "host" ? systemUrl.host : req.rawHeaders[i + 1]}`);
      }
      up.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on("error", () => socket.destroy());
    socket.on("error", () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    realPages,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
