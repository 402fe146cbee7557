/**
 * Personal data is replaced by placeholders before any model outside this Worker (Workers AI or
 * an external API) reads the prompt, and the learner's own data is put back into the answer. The
 * learner's name and user id come from the launch; emails and student-id-like numbers are found
 * in the text. Found data is not known to be the learner's, so it comes back as a neutral word.
 */
export interface LearnerIdentity {
  name?: string | undefined;
  userId: string;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/**
 * Student and matriculation numbers: 7 to 12 digits, or 5 to 12 after up to 3 letters (S1234567);
 * not parts of hyphenated identifiers such as UUIDs.
 */
const STUDENT_ID = /(?<![\w-])(?:[A-Za-z]{1,3}\d{5,12}|\d{7,12})(?![\w-])/g;
const PLACEHOLDER = /\[(NAME|USER|EMAIL|ID)_(\d+)\]/g;
const NEUTRAL: Record<string, string> = { EMAIL: "(email hidden)", ID: "(id hidden)", NAME: "(name)", USER: "(id)" };

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class Pseudonyms {
  /** Placeholder → the learner's own value, restored in answers. */
  private readonly own = new Map<string, string>();
  private readonly ownPatterns: { pattern: RegExp; placeholder: string }[] = [];
  private readonly found = new Map<string, string>();
  private counter = 0;

  constructor(identity: LearnerIdentity) {
    const name = identity.name?.trim();
    const terms: { value: string; kind: "NAME" | "USER" }[] = [];
    if (name) {
      terms.push({ value: name, kind: "NAME" });
      // Each part of the name alone ("Ada" in "Thanks, Ada"), but not initials or particles.
      for (const part of name.split(/\s+/)) if (part.length >= 3) terms.push({ value: part, kind: "NAME" });
    }
    if (identity.userId.length >= 3) terms.push({ value: identity.userId, kind: "USER" });
    // Longest first, so the full name wins over its parts.
    for (const { value, kind } of terms.sort((a, b) => b.value.length - a.value.length)) {
      const placeholder = `[${kind}_${++this.counter}]`;
      this.own.set(placeholder, value);
      this.ownPatterns.push({
        pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(value)}(?![\\p{L}\\p{N}])`, "giu"),
        placeholder,
      });
    }
  }

  /** The text with every piece of personal data replaced by a placeholder. */
  mask(text: string): string {
    // Emails first: a name inside an address must not break the address apart.
    let masked = text.replace(EMAIL, (m) => this.placeholderFor("EMAIL", m));
    for (const { pattern, placeholder } of this.ownPatterns) masked = masked.replace(pattern, placeholder);
    return masked.replace(STUDENT_ID, (m) => this.placeholderFor("ID", m));
  }

  /** Placeholders back: the learner's own data as it was, anything else as a neutral word. */
  restore(text: string): string {
    return text.replace(PLACEHOLDER, (m, kind: string) => this.own.get(m) ?? NEUTRAL[kind] ?? m);
  }

  /** A token sink that restores placeholders even when the model splits one across tokens. */
  restoringSink(onToken: (text: string) => void): { push(text: string): void; flush(): void } {
    let pending = "";
    return {
      push: (text) => {
        pending += text;
        const open = pending.lastIndexOf("[");
        // Most pieces hold no placeholder at all: nothing to hold back or restore.
        if (open < 0) {
          if (pending) onToken(pending);
          pending = "";
          return;
        }
        // A "[" near the end may start a placeholder still arriving: hold it back.
        const holdFrom = !pending.includes("]", open) && pending.length - open < 12 ? open : pending.length;
        const ready = pending.slice(0, holdFrom);
        pending = pending.slice(holdFrom);
        if (ready) onToken(this.restore(ready));
      },
      flush: () => {
        if (pending) onToken(this.restore(pending));
        pending = "";
      },
    };
  }

  private placeholderFor(kind: "EMAIL" | "ID", value: string): string {
    const known = this.found.get(value);
    if (known) return known;
    const placeholder = `[${kind}_${++this.counter}]`;
    this.found.set(value, placeholder);
    return placeholder;
  }
}
