import { bytesToBase64 } from "@atomic-guide/shared";

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

export { scriptJson } from "@atomic-guide/shared/script-json";

/**
 * The guide's icon, inline: a page the browser shows on its own (an LTI error, the local
 * development pages) would otherwise ask for /favicon.ico, which the tool does not serve.
 */
export const ICON_LINK = `<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><circle cx='8' cy='8' r='7' fill='#2563eb'/><path d='M5 8.5l2 2 4-5' stroke='#fff' stroke-width='1.6' fill='none'/></svg>",
)}">`;

/** A random nonce for the page's Content-Security-Policy. */
export function cspNonce(): string {
  return bytesToBase64(crypto.getRandomValues(new Uint8Array(16)));
}

export interface PageOptions {
  title: string;
  body: string;
  status?: number;
  nonce: string;
  headers?: Record<string, string>;
  /** Extra origins allowed for form-action (the platform we post back to). */
  formAction?: string[];
  /**
   * Origins allowed to frame the page. Pages that hold an API token name the launching
   * platform's origins, so no other site can frame them (clickjacking); others stay frameable.
   */
  frameAncestors?: string[];
  head?: string;
}

/**
 * An HTML page that scripts run in only by nonce. The page is framed by the LMS, so
 * frame-ancestors stays open (X-Frame-Options would break every launch), but nothing else is.
 */
export function htmlPage(opts: PageOptions): Response {
  const formAction = ["'self'", ...(opts.formAction ?? [])].join(" ");
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${opts.nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${formAction}`,
    ...(opts.frameAncestors ? [`frame-ancestors ${["'self'", ...opts.frameAncestors].join(" ")}`] : []),
  ].join("; ");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(opts.title)}</title>
${ICON_LINK}
${opts.head ?? ""}
</head>
<body>
${opts.body}
</body>
</html>`;
  return new Response(html, {
    status: opts.status ?? 200,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": csp,
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
      ...opts.headers,
    },
  });
}

/** The /lti error page: the same code and message the JSON envelope would carry. */
export function errorPage(status: number, code: string, message: string, frameOrigins: string[] = []): Response {
  const nonce = cspNonce();
  return htmlPage({
    status,
    nonce,
    // Framed only by the platform the request came from, when known; never by any other site.
    frameAncestors: frameOrigins,
    title: "Atomic Guide could not start",
    body: `<main id="lti-error" data-error-code="${escapeHtml(code)}">
<h1>Atomic Guide could not start</h1>
<p>${escapeHtml(message)}</p>
<p>Error code: <code>${escapeHtml(code)}</code></p>
<p>Try launching the tool again from your course. If this keeps happening, give the error code to your LMS administrator.</p>
</main>`,
  });
}

/** An auto-submitting form (form_post), with a button for browsers that block scripts. */
export function autoPostForm(opts: {
  action: string;
  fields: Record<string, string>;
  title: string;
  nonce: string;
}): string {
  const inputs = Object.entries(opts.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n");
  return `<form id="auto-post" method="post" action="${escapeHtml(opts.action)}">
${inputs}
<noscript><button type="submit">${escapeHtml(opts.title)}</button></noscript>
</form>
<script nonce="${opts.nonce}">document.getElementById("auto-post").submit();</script>`;
}
