// A real HTTP server on loopback speaking the OpenAI-compatible chat completions protocol, for
// the external provider's tests. The learner's message steers it: [[ext:500]] and [[ext:429]]
// answer those statuses, [[ext:hang]] never answers, [[ext:greet]] greets the [NAME_n] it was sent. GET /__calls?marker=.. returns the request
// bodies whose last message contains the marker.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const TEST_API_KEY = "test-external-key";

interface ChatBody {
  model?: string;
  stream?: boolean;
  messages?: { role: string; content: string }[];
}

export async function startOpenAiServer(): Promise<{ baseUrl: string; server: Server }> {
  const calls: { body: ChatBody; authorization: string | undefined }[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/__calls") {
      const marker = url.searchParams.get("marker") ?? "";
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(calls.filter((c) => c.body.messages?.at(-1)?.content.includes(marker))));
      return;
    }
    if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      res.statusCode = 404;
      res.end();
      return;
    }
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const body = JSON.parse(raw) as ChatBody;
      calls.push({ body, authorization: req.headers.authorization });
      const last = body.messages?.at(-1)?.content ?? "";
      if (req.headers.authorization !== `Bearer ${TEST_API_KEY}`) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: { message: "bad key" } }));
        return;
      }
      if (last.includes("[[ext:500]]")) {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { message: "boom" } }));
        return;
      }
      if (last.includes("[[ext:429]]")) {
        res.statusCode = 429;
        res.end(JSON.stringify({ error: { message: "quota exceeded" } }));
        return;
      }
      if (last.includes("[[ext:hang]]")) {
        // Holds the connection; the client's timeout must give up first.
        setTimeout(() => res.destroy(), 30_000).unref();
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      // [[ext:greet]] greets whoever the prompt names, split over two chunks as a model may.
      const name = last.includes("[[ext:greet]]") ? /\[NAME_\d+\]/.exec(last)?.[0] : undefined;
      const pieces = name ? ["Well done, ", name.slice(0, 3), `${name.slice(3)}!`] : ["External ", "model ", "answer."];
      for (const content of pieces) {
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);
      }
      res.write(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 50, completion_tokens: 20 } })}\n\n`);
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // The test run must not wait on this server to exit.
  server.unref();
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, server };
}
