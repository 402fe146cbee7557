// Reads GitHub workflow files for the deploy rehearsal: the YAML subset our workflows use
// (block mappings and sequences, plain and quoted scalars, `|`/`>` block scalars, one-line
// flow sequences, comments) and GitHub's `${{ }}` expressions (literals, property paths,
// `!`, `==`, `!=`, `&&`, `||`, and the functions the workflows call). Anything outside that
// subset is an error, never a guess: the rehearsal must fail loudly on what it cannot read.
// Kept in-house so the operator scripts need no dependency beyond Node and wrangler.

const stripComment = (line) => {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
};

function scalar(text) {
  const t = text.trim();
  if (t === "") return null;
  if (t.startsWith('"')) return JSON.parse(t);
  if (t.startsWith("'")) return t.slice(1, -1).replaceAll("''", "'");
  if (t.startsWith("[")) {
    if (!t.endsWith("]")) throw new Error(`unsupported flow sequence: ${t}`);
    const inner = t.slice(1, -1).trim();
    return inner === "" ? [] : splitFlow(inner).map(scalar);
  }
  if (t.startsWith("{")) throw new Error(`unsupported flow mapping: ${t}`);
  if (t === "true" || t === "false") return t === "true";
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

function splitFlow(text) {
  const parts = [];
  let quote = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ",") {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** `key: value` with the key unquoted or quoted; null when the line is not a mapping entry. */
function splitKey(text) {
  const m = /^("[^"]*"|'[^']*'|[^\s"'#][^:]*?):(?:\s+(.*))?$/.exec(text);
  if (!m) return null;
  return { key: String(scalar(m[1])), rest: m[2] ?? "" };
}

export function parseYaml(source) {
  const lines = source.split("\n").map((raw) => ({ raw, text: stripComment(raw) }));
  let i = 0;
  const indentOf = (s) => s.length - s.trimStart().length;
  const skipBlank = () => {
    while (i < lines.length && lines[i].text.trim() === "") i++;
  };

  function blockScalar(header, parentIndent) {
    const folded = header.startsWith(">");
    const keep = header.includes("+");
    const strip = header.includes("-");
    const body = [];
    let indent = null;
    while (i < lines.length) {
      const { raw } = lines[i];
      if (raw.trim() === "") {
        body.push("");
        i++;
        continue;
      }
      const n = indentOf(raw);
      if (n <= parentIndent) break;
      indent ??= n;
      body.push(raw.slice(indent));
      i++;
    }
    while (!keep && body.length && body.at(-1) === "") body.pop();
    let text = folded ? body.join("\n").replace(/([^\n])\n(?=[^\n])/g, "$1 ") : body.join("\n");
    if (!strip) text += "\n";
    return text;
  }

  function value(rest, indent) {
    if (/^[|>][+-]?$/.test(rest)) {
      i++;
      return blockScalar(rest, indent);
    }
    if (rest !== "") {
      i++;
      return scalar(rest);
    }
    i++;
    skipBlank();
    if (i >= lines.length) return null;
    const next = indentOf(lines[i].text);
    const isSeq = lines[i].text.trim().startsWith("- ") || lines[i].text.trim() === "-";
    if (next > indent || (isSeq && next === indent)) return node(next);
    return null;
  }

  function node(indent) {
    skipBlank();
    const first = lines[i].text.trim();
    if (first.startsWith("- ") || first === "-") return sequence(indent);
    return mapping(indent);
  }

  function mapping(indent) {
    const out = {};
    for (skipBlank(); i < lines.length; skipBlank()) {
      const { text } = lines[i];
      const n = indentOf(text);
      if (n < indent) break;
      if (n > indent) throw new Error(`line ${i + 1}: unexpected indentation`);
      const t = text.trim();
      if (t.startsWith("- ")) break;
      const entry = splitKey(t);
      if (!entry) throw new Error(`line ${i + 1}: not a mapping entry: ${t}`);
      out[entry.key] = value(entry.rest, indent);
    }
    return out;
  }

  function sequence(indent) {
    const out = [];
    for (skipBlank(); i < lines.length; skipBlank()) {
      const { text } = lines[i];
      const n = indentOf(text);
      const t = text.trim();
      if (n !== indent || !(t.startsWith("- ") || t === "-")) break;
      const rest = t === "-" ? "" : t.slice(2);
      const entry = splitKey(rest);
      if (entry && !rest.startsWith('"') && !rest.startsWith("'")) {
        // "- key: value" opens a mapping whose keys sit two columns in.
        lines[i] = { raw: lines[i].raw, text: `${" ".repeat(indent + 2)}${rest}` };
        out.push(mapping(indent + 2));
      } else out.push(value(rest, indent));
    }
    return out;
  }

  skipBlank();
  return i < lines.length ? node(indentOf(lines[i].text)) : null;
}

// ---- expressions -------------------------------------------------------------------------

function tokenize(src) {
  const tokens = [];
  const re = /\s*(?:('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)|(==|!=|&&|\|\||[!().,[\]*])|([A-Za-z_][\w-]*))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new Error(`cannot read expression at "${src.slice(pos)}"`);
    pos = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ t: "str", v: m[1].slice(1, -1).replaceAll("''", "'") });
    else if (m[2] !== undefined) tokens.push({ t: "num", v: Number(m[2]) });
    else if (m[3] !== undefined) tokens.push({ t: "op", v: m[3] });
    else tokens.push({ t: "id", v: m[4] });
  }
  return tokens;
}

const truthy = (v) => !(v === null || v === undefined || v === false || v === 0 || v === "" || Number.isNaN(v));
const looseEq = (a, b) => String(a ?? "").toLowerCase() === String(b ?? "").toLowerCase();

const FUNCTIONS = {
  always: () => true,
  success: () => true,
  failure: () => false,
  cancelled: () => false,
  fromJSON: (s) => JSON.parse(s),
  toJSON: (v) => JSON.stringify(v),
  contains: (hay, needle) =>
    Array.isArray(hay)
      ? hay.some((h) => looseEq(h, needle))
      : String(hay ?? "")
          .toLowerCase()
          .includes(String(needle).toLowerCase()),
  startsWith: (s, p) => String(s).toLowerCase().startsWith(String(p).toLowerCase()),
  format: (f, ...args) => String(f).replace(/\{(\d+)\}/g, (_, n) => String(args[Number(n)] ?? "")),
};

/** Evaluates one GitHub expression (without `${{ }}`) against a context object. */
export function evaluate(src, context) {
  const tokens = tokenize(src);
  let k = 0;
  const peek = (v) => tokens[k]?.t === "op" && tokens[k].v === v;
  const expect = (v) => {
    if (!peek(v)) throw new Error(`expected "${v}" in ${src}`);
    k++;
  };
  // `||` and `&&` return one of their operands, as GitHub's do; `pick` says which.
  const logical = (op, operand, pick) => () => {
    let l = operand();
    while (peek(op)) {
      k++;
      l = pick(l, operand());
    }
    return l;
  };
  const and = logical(
    "&&",
    () => eq(),
    (l, r) => (truthy(l) ? r : l),
  );
  const or = logical("||", and, (l, r) => (truthy(l) ? l : r));
  const eq = () => {
    let l = unary();
    while (peek("==") || peek("!=")) {
      const op = tokens[k++].v;
      const r = unary();
      l = op === "==" ? looseEq(l, r) : !looseEq(l, r);
    }
    return l;
  };
  const unary = () => {
    if (peek("!")) {
      k++;
      return !truthy(unary());
    }
    return postfix();
  };
  const postfix = () => {
    let v = primary();
    for (;;) {
      if (peek(".")) {
        k++;
        if (peek("*")) {
          k++;
          const key = (tokens[k]?.t === "op" && tokens[k].v === ".") || null;
          // `x.*.y` collects y from every value of x.
          if (key) {
            k++;
            const name = tokens[k++].v;
            v = Object.values(v ?? {}).map((x) => x?.[name]);
          } else v = Object.values(v ?? {});
        } else v = v?.[tokens[k++].v];
      } else if (peek("[")) {
        k++;
        const index = or();
        expect("]");
        v = v?.[index];
      } else return v;
    }
  };
  const primary = () => {
    const tok = tokens[k++];
    if (!tok) throw new Error(`unexpected end of ${src}`);
    if (tok.t === "str" || tok.t === "num") return tok.v;
    if (tok.t === "op" && tok.v === "(") {
      const v = or();
      expect(")");
      return v;
    }
    if (tok.t === "id") {
      if (tok.v === "true" || tok.v === "false") return tok.v === "true";
      if (tok.v === "null") return null;
      if (peek("(")) {
        k++;
        const args = [];
        while (!peek(")")) {
          args.push(or());
          if (peek(",")) k++;
        }
        expect(")");
        const fn = FUNCTIONS[tok.v];
        if (!fn) throw new Error(`unsupported function ${tok.v}() in ${src}`);
        return fn(...args);
      }
      if (!(tok.v in context)) throw new Error(`unknown context "${tok.v}" in ${src}`);
      return context[tok.v];
    }
    throw new Error(`unexpected "${tok.v}" in ${src}`);
  };
  const result = or();
  if (k !== tokens.length) throw new Error(`could not read all of ${src}`);
  return result;
}

/** Replaces every `${{ expr }}` in a string; a string that is one expression keeps its type. */
export function interpolate(value, context) {
  if (typeof value !== "string") return value;
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(value);
  if (whole) return evaluate(whole[1], context);
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr) => {
    const v = evaluate(expr, context);
    return v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  });
}

/** `if:` conditions may omit `${{ }}`. */
export function condition(expr, context) {
  if (expr === undefined || expr === null) return true;
  const src = String(expr)
    .replace(/^\s*\$\{\{/, "")
    .replace(/\}\}\s*$/, "");
  return truthy(evaluate(src, context));
}
