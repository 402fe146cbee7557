// A launch page shaped exactly like the gateway's (services/lti-gateway/src/lti/launch-page.ts): the launch JSON in a
// non-executing script tag, a plain fallback view in <main id="app">, and the two app assets.
// Used until the gateway serves the app itself; the e2e tests then use the gateway's page.
import { scriptJson } from "@atomic-guide/testing/script-json";

export function launchPageHtml(launch: unknown, extraBody = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Atomic Guide</title>
<link rel="stylesheet" href="/app/main.css">
<script type="application/json" id="atomic-guide-launch">${scriptJson(launch)}</script>
<script type="module" src="/app/main.js"></script>
</head>
<body>
<main id="app">
<h1>Atomic Guide</h1>
<p>Loading your guide… If nothing appears, reload this page from your course.</p>
</main>
${extraBody}
</body>
</html>`;
}

/** The policy the gateway should send with the launch page (no unsafe-eval, no inline script). */
export function launchCsp(frameAncestors: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(" ") : "'none'"}`,
  ].join("; ");
}
