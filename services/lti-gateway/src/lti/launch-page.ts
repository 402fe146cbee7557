import { appRoleOf } from "../auth/roles";
import { cspNonce, escapeHtml, htmlPage, scriptJson } from "./html";
import type { LaunchContext } from "./launch-context";

export interface LaunchJson {
  apiToken: string;
  expiresAt: string;
  tenantId: string;
  launchId: string;
  user: { name?: string; roles: string[]; isInstructor: boolean };
  context: { id: string; title?: string };
  messageType: LaunchContext["messageType"];
  sessionId?: string;
  /** The tenant's features, so the app shows only what is on (absent when they could not be read). */
  flags?: { chat: boolean; struggleDetection: boolean; analytics: boolean };
  deepLinking?: {
    acceptTypes: string[];
    acceptMultiple: boolean;
    title?: string;
    text?: string;
    deepLinkUrl: string;
  };
}

function learnerView(launch: LaunchJson): string {
  const who = launch.user.name ? escapeHtml(launch.user.name) : "there";
  const course = launch.context.title ? escapeHtml(launch.context.title) : "this course";
  return `<section data-view="learner">
<h1>Hi ${who}</h1>
<p>Atomic Guide is ready for <strong>${course}</strong>.</p>
<p>As you work through the course, Atomic Guide notices when something is hard going and offers help at the right moment. You can ask it a question at any time.</p>
</section>`;
}

function instructorView(launch: LaunchJson): string {
  const who = launch.user.name ? escapeHtml(launch.user.name) : "Instructor";
  const course = launch.context.title ? escapeHtml(launch.context.title) : escapeHtml(launch.context.id);
  return `<section data-view="instructor">
<h1>${who}: instructor view</h1>
<p>Course: <strong>${course}</strong> (<code>${escapeHtml(launch.context.id)}</code>)</p>
<p>Insights for this course (struggle hot spots, active learners, interventions and their outcomes) appear here once learners have used Atomic Guide.</p>
</section>`;
}

function pickerView(launch: LaunchJson): string {
  const dl = launch.deepLinking;
  return `<section data-view="deep-linking">
<h1>Add Atomic Guide to your course</h1>
<p>${dl?.text ? escapeHtml(dl.text) : "Choose what to add, then confirm."}</p>
<form id="deep-link-picker" method="post" action="${escapeHtml(dl?.deepLinkUrl ?? "/lti/deep_link")}">
<label><input type="checkbox" name="item" value="guide" data-title="${escapeHtml(dl?.title ?? "Atomic Guide")}" checked> Atomic Guide${dl?.title ? ` — ${escapeHtml(dl.title)}` : ""}</label>
<p><button type="submit">Add to course</button></p>
</form>
</section>`;
}

/**
 * The app page (docs/web-app.md): the launch JSON, a plain working view inside #app that the web
 * app replaces when it loads, and the web app's two assets.
 */
export function launchPage(
  launch: LaunchJson,
  opts: { returnOrigin?: string; frameAncestors?: string[] } = {},
): Response {
  const nonce = cspNonce();
  const view =
    launch.messageType === "LtiDeepLinkingRequest"
      ? pickerView(launch)
      : appRoleOf(launch.user.roles) === "instructor"
        ? instructorView(launch)
        : learnerView(launch);
  const body = `<main id="app">
${view}
</main>
<script type="application/json" id="atomic-guide-launch">${scriptJson(launch)}</script>
${launch.messageType === "LtiDeepLinkingRequest" ? pickerScript(nonce) : ""}
<script type="module" src="/app/main.js"></script>`;
  return htmlPage({
    title: "Atomic Guide",
    nonce,
    body,
    head: `<link rel="stylesheet" href="/app/main.css">`,
    ...(opts.returnOrigin ? { formAction: [opts.returnOrigin] } : {}),
    ...(opts.frameAncestors ? { frameAncestors: opts.frameAncestors } : {}),
  });
}

/**
 * Without the web app, the picker still works: it posts the choice to /lti/deep_link with the
 * launch's API token and writes the returned auto-post page into the frame.
 */
function pickerScript(nonce: string): string {
  return `<script nonce="${nonce}">
(function () {
  var launch = JSON.parse(document.getElementById("atomic-guide-launch").textContent);
  var form = document.getElementById("deep-link-picker");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var items = Array.prototype.slice.call(form.querySelectorAll("input[name=item]:checked")).map(function (input) {
      return { type: "ltiResourceLink", title: input.getAttribute("data-title") || undefined };
    });
    fetch(launch.deepLinking.deepLinkUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + launch.apiToken },
      body: JSON.stringify({ items: items })
    }).then(function (res) { return res.text(); }).then(function (html) {
      // Move the server-built form into this page and submit it (its own script would not run here).
      var doc = new DOMParser().parseFromString(html, "text/html");
      var built = doc.getElementById("auto-post");
      if (!built) { document.body.innerHTML = doc.body.innerHTML; return; }
      var adopted = document.importNode(built, true);
      document.body.appendChild(adopted);
      adopted.submit();
    });
  });
})();
</script>`;
}
