import type { ChatProvider } from "../providers/types";
import type { Pseudonyms } from "./pseudonyms";

/** The provider sees placeholders only; the learner sees their own data back in the answer. */
export function pseudonymized(provider: ChatProvider, pseudonyms: Pseudonyms): ChatProvider {
  return {
    name: provider.name,
    async stream(request, onToken, signal) {
      const masked = {
        ...request,
        messages: request.messages.map((m) => ({ ...m, content: pseudonyms.mask(m.content) })),
        question: pseudonyms.mask(request.question),
        earlierQuestion: request.earlierQuestion === undefined ? undefined : pseudonyms.mask(request.earlierQuestion),
        earlierAnswer: request.earlierAnswer === undefined ? undefined : pseudonyms.mask(request.earlierAnswer),
        pageContent: request.pageContent === undefined ? undefined : pseudonyms.mask(request.pageContent),
        pageTitle: request.pageTitle === undefined ? undefined : pseudonyms.mask(request.pageTitle),
        elementText: request.elementText === undefined ? undefined : pseudonyms.mask(request.elementText),
      };
      const sink = pseudonyms.restoringSink(onToken);
      try {
        const answer = await provider.stream(masked, (text) => sink.push(text), signal);
        return { ...answer, text: pseudonyms.restore(answer.text) };
      } finally {
        sink.flush();
      }
    },
  };
}
