import "./styles.css";
import { mountApp } from "./app";
import { parseLaunch } from "./launch";

// The launch page already shows a plain working view in <main id="app">; it is replaced only
// once the launch data checks out, so a broken bundle or bad JSON leaves the fallback in place.
function start(): void {
  const root = document.getElementById("app");
  if (!root) return;
  const parsed = parseLaunch(document.getElementById("atomic-guide-launch")?.textContent);
  if (!parsed.ok) {
    root.setAttribute("data-launch-error", parsed.reason);
    return;
  }
  // A deep-linking launch shows the gateway's own picker, which works without the app.
  if (parsed.launch.messageType === "LtiDeepLinkingRequest") return;
  mountApp(root, parsed.launch).catch(() => {
    root.setAttribute("data-launch-error", "The app failed to start.");
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
else start();
