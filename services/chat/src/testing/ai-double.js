// Test double of the Workers AI binding (the outside world), bound as `AI` in tests only. It
// speaks the binding's shape, `run(model, input, options)`, and its streaming formats. The
// learner's message steers it: [[ai:fail]] throws like a saturated model, [[ai:hang]] never
// answers, [[ai:openai]] streams OpenAI-style chunks, [[ai:cut]] fails after one chunk, [[ai:big]] reports heavy usage,
// [[ai:leak]] states the answer to 3x + 7 = 22, [[ai:slow]] sends its first chunk at once and the
// rest half a second later (a model still answering while the learner types on), [[ai:hold]] sends
// its first chunk and the rest only once a test calls `release()` (a turn caught mid-answer).
import { WorkerEntrypoint } from "cloudflare:workers";

const calls = [];
/**
 * How many times `release()` was called. A held answer waits for it to pass the count it saw, by
 * a timer rather than on a promise another request resolves: workerd cancels a request whose
 * only wait is on another request's promise as hung, which failed a held turn now and then.
 */
let releases = 0;
const RELEASE_POLL_MS = 5;

function sse(payloads) {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of payloads) controller.enqueue(encoder.encode(`data: ${p}\n\n`));
      controller.close();
    },
  });
}

export default class AiDouble extends WorkerEntrypoint {
  async fetch() {
    return new Response("AI double", { status: 404 });
  }

  async run(model, input, options) {
    const messages = input.messages ?? [];
    const last = messages.at(-1)?.content ?? "";
    calls.push({ model, input, options });
    if (last.includes("[[ai:fail]]"))
      throw new Error("AiError: 3040: Capacity temporarily exceeded, please try again.");
    if (last.includes("[[ai:hang]]")) return new ReadableStream({ start() {} });
    if (last.includes("[[ai:cut]]")) {
      // One chunk, then the model reports a failure in-band: an answer lost mid-way.
      return sse([JSON.stringify({ response: "Partial " }), JSON.stringify({ error: "upstream connection reset" })]);
    }
    if (last.includes("[[ai:slow]]")) {
      const encoder = new TextEncoder();
      return new ReadableStream({
        async start(controller) {
          controller.enqueue(encoder.encode(`data: ${JSON.stringify({ response: "Slowly " })}\n\n`));
          await new Promise((resolve) => setTimeout(resolve, 500));
          controller.enqueue(encoder.encode(`data: ${JSON.stringify({ response: "answered." })}\n\ndata: [DONE]\n\n`));
          controller.close();
        },
      });
    }
    if (last.includes("[[ai:hold]]")) {
      const encoder = new TextEncoder();
      const heldAt = releases;
      return new ReadableStream({
        async start(controller) {
          controller.enqueue(encoder.encode(`data: ${JSON.stringify({ response: "Held " })}\n\n`));
          while (releases === heldAt) await new Promise((resolve) => setTimeout(resolve, RELEASE_POLL_MS));
          controller.enqueue(encoder.encode(`data: ${JSON.stringify({ response: "answer." })}\n\ndata: [DONE]\n\n`));
          controller.close();
        },
      });
    }
    if (last.includes("[[ai:leak]]")) {
      // A model that ignores the graded-item rule and states the result.
      return sse([
        JSON.stringify({ response: "Subtract 7 from both sides: 3x = 15. " }),
        JSON.stringify({ response: "Divide by 3, so x = 5." }),
        "[DONE]",
      ]);
    }
    if (last.includes("[[ai:openai]]")) {
      return sse([
        JSON.stringify({ choices: [{ index: 0, delta: { role: "assistant", content: "" } }] }),
        JSON.stringify({ choices: [{ index: 0, delta: { content: "Open" } }] }),
        JSON.stringify({ choices: [{ index: 0, delta: { content: "AI-style " } }] }),
        JSON.stringify({ choices: [{ index: 0, delta: { content: "chunks." } }] }),
        JSON.stringify({ choices: [], usage: { prompt_tokens: 30, completion_tokens: 5 } }),
        "[DONE]",
      ]);
    }
    const completion = last.includes("[[ai:big]]") ? 5000 : 10;
    return sse([
      JSON.stringify({ response: "Workers " }),
      JSON.stringify({ response: "AI " }),
      JSON.stringify({ response: "answer." }),
      JSON.stringify({
        response: "",
        usage: { prompt_tokens: 40, completion_tokens: completion, total_tokens: 40 + completion },
      }),
      "[DONE]",
    ]);
  }

  /** Lets every [[ai:hold]] answer finish. */
  async release() {
    releases += 1;
  }

  /** The inputs of calls whose last message contains `marker`, for prompt assertions. */
  async callsWith(marker) {
    return calls.filter((c) => (c.input.messages ?? []).at(-1)?.content?.includes(marker));
  }
}
