// The reference tool's launch as its app serves it: atomicjolt-com/atomic-lti-worker's src/index.ts
// routes the three launch steps of @atomicjolt/lti-endpoints this way (POST /lti/init,
// POST /lti/redirect, POST /lti/launch), with an etag middleware and an x-frame-options header on
// every response, and signs its tool JWT as its src/tool_jwt.ts does. The JWKS, dynamic
// registration and services routes are left out: a launch does not reach them.
import {
  getBasicToolJwt,
  handleInit,
  handleRedirect,
  signToolJwt,
  validateLaunchRequest,
} from "@atomicjolt/lti-endpoints";
import { type Context, Hono } from "hono";
import { etag } from "hono/etag";
import { HTTPException } from "hono/http-exception";

export { OIDCStateDurableObject } from "@atomicjolt/lti-endpoints";

type ToolJwtSource = Parameters<Parameters<typeof validateLaunchRequest>[1]>[1];

async function getToolJwt(c: Context, idTokenWrapper: ToolJwtSource): Promise<string> {
  const jwt = await getBasicToolJwt(c, idTokenWrapper.rawToken);
  return signToolJwt(c.env, jwt);
}

/** The app's launch page (its src/html/launch_html.ts without the Vite dev script). */
const launchHtml = (scriptName: string) => `
    <!DOCTYPE html>
    <html lang="en">
      <head>
        <style>
          .hidden { display: none !important; }
        </style>
        <link href="https://fonts.googleapis.com/icon?family=Material+Icons+Outlined" rel="stylesheet">
        <link rel="stylesheet" type="text/css" href="/styles.css" />
      </head>
      <body>
        <div id="error" class="hidden u-flex aj-centered-message">
          <i class="material-icons-outlined aj-icon" aria-hidden="true">warning</i>
          <p class="aj-text translate">
            There was an error launching the LTI tool. Please reload and try again.
          </p>
        </div>
        <div id="main-content">
        Hello World
        </div>
        <script type="module" src="/${scriptName}"></script>
      </body>
    </html>
  `;

const app = new Hono();

app.use("/*", etag());
app.use("/*", async (c, next) => {
  await next();
  c.header("x-frame-options", "ALLOWALL");
});

app.get("/up", (c) => c.json({ up: true }));
app.post("/lti/init", (c) => handleInit(c, "client/app-init.ts"));
app.post("/lti/redirect", (c) => handleRedirect(c));
app.post("/lti/launch", async (c) => {
  await validateLaunchRequest(c, getToolJwt);
  return c.html(launchHtml("client/app.ts"));
});

app.onError((err, c) => {
  if (err instanceof HTTPException) return err.getResponse();
  return c.text(String(err), 500);
});
app.notFound((c) => c.text("Not found", 404));

export default app;
