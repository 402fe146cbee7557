import {
  ApiError,
  authContextFrom,
  decodePathParam,
  IdSchema,
  json,
  notFound,
  parseJsonBody,
  parseWith,
  publicErrorBody,
} from "@atomic-guide/shared";
import { featureGatedRouter } from "@atomic-guide/shared/service-router";
import * as v from "valibot";
import { helpFor } from "../chat/help";
import { suggestFor } from "../chat/proactive-suggestion";
import {
  ChatMessageRequestSchema,
  HelpRequestSchema,
  ProviderPreferenceSchema,
  SuggestionRequestSchema,
} from "../chat/schemas";
import { executeTurn, prepareTurn, type TurnDeps } from "../chat/turn";
import { AUTH_HEADER, PROVIDER_HEADER } from "../do/learner-sockets";
import { conversationStub, learnerGate, learnerStub } from "../do/stubs";
import { chatEnvVars } from "../env-vars";
import { EventStreamWriter } from "./event-stream";

export const router = featureGatedRouter<Env>("chat");

export const HISTORY_LIMIT = 20;

/** The tenant's aiProvider flag, passed by the gateway; absent means "auto". */
export const AI_PROVIDER_HEADER = "X-Atomic-Ai-Provider";

const preferenceFrom = (request: Request) =>
  parseWith(
    v.optional(ProviderPreferenceSchema, "auto"),
    request.headers.get(AI_PROVIDER_HEADER) ?? undefined,
    "invalid_ai_provider",
  );

function turnDeps(request: Request, env: Env): TurnDeps {
  const auth = authContextFrom(request);
  return {
    env,
    vars: chatEnvVars(env),
    auth,
    preference: preferenceFrom(request),
    learner: learnerGate(env, auth),
  };
}

const wantsEventStream = (request: Request) => (request.headers.get("Accept") ?? "").includes("text/event-stream");

router.post("/api/chat/message", async (request, env, ctx, hctx) => {
  const deps = turnDeps(request, env);
  const body = await parseJsonBody(request, ChatMessageRequestSchema);
  // Refusals (404, 429) happen here, before a byte of the answer is sent.
  const turn = await prepareTurn(deps, body);
  if (!wantsEventStream(request)) return json(await executeTurn(turn, () => undefined));

  const stream = new EventStreamWriter();
  const streamed = (async () => {
    try {
      const reply = await executeTurn(turn, (text) => void stream.send("token", { text }));
      await stream.send("done", reply);
    } catch (e) {
      await stream.send("error", publicErrorBody(e));
    } finally {
      await stream.close();
    }
  })();
  // waitUntil: a learner who closes the tab still gets the answer stored and charged correctly.
  ctx.waitUntil(streamed);
  // The request's metrics (its duration, one send for the turn) are taken when the stream ends.
  hctx.measureUntil(streamed);
  return new Response(stream.readable, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
});

router.get("/api/chat/conversations", async (request, env) => {
  const auth = authContextFrom(request);
  return json({ conversations: await learnerStub(env, auth).conversations() });
});

router.get("/api/chat/history/:conversationId", async (request, env) => {
  const auth = authContextFrom(request);
  const id = v.safeParse(IdSchema, decodePathParam(request.params.conversationId));
  if (!id.success) throw notFound("No such conversation.");
  const messages = await conversationStub(env, auth.tenantId, id.output).history(
    { tenantId: auth.tenantId, userId: auth.userId },
    HISTORY_LIMIT,
  );
  if (!messages) throw notFound("No such conversation.");
  return json({ conversationId: id.output, messages });
});

router.post("/api/chat/suggestion", async (request, env) => {
  const auth = authContextFrom(request);
  const body = await parseJsonBody(request, SuggestionRequestSchema);
  return json(await suggestFor(env, auth, body));
});

router.post("/api/chat/help", async (request, env) => {
  const deps = turnDeps(request, env);
  const body = await parseJsonBody(request, HelpRequestSchema);
  return json(await helpFor(deps, body));
});

router.get("/ws/chat", async (request, env) => {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "This endpoint speaks WebSocket only.");
  }
  const auth = authContextFrom(request);
  // The learner's object keeps the socket (hibernatable) and answers on it with the same pipeline.
  const headers = new Headers({ Upgrade: "websocket" });
  headers.set(AUTH_HEADER, JSON.stringify(auth));
  headers.set(PROVIDER_HEADER, preferenceFrom(request));
  return learnerStub(env, auth).fetch(new Request("https://chat-learner/ws", { headers }));
});

router.all("*", () => {
  throw notFound("No such chat route.");
});
