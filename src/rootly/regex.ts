// Rootly evaluates `matches_regex` conditions server-side in Ruby (Onigmo, Ruby
// syntax), searching anywhere in the value (`=~`). We evaluate them with
// oniguruma-to-es, which translates Oniguruma patterns to equivalent JS RegExps
// and, with strict accuracy, refuses what it cannot emulate exactly. check and
// the simulator use this same translation: what it finds malformed, check
// rejects; what is valid but not exactly emulable passes check and the
// simulator reports "cannot evaluate" for it.
//
// Ruby differs from Oniguruma's defaults in a few places, handled here before
// translating: `\d \s \w \b` are ASCII-only in Ruby (Unicode in Oniguruma) and
// Ruby has the inline options `a`, `d` and `u` (character-set modes).

type ToRegExp = (p: string, o: { accuracy?: "default" | "strict"; target?: "ES2024"; rules?: { asciiWordBoundaries?: boolean } }) => RegExp;
let onig: ToRegExp | undefined;

const ASCII_SETS: Record<string, string> = {
  w: "[a-zA-Z0-9_]",
  W: "[^a-zA-Z0-9_]",
  d: "[0-9]",
  D: "[^0-9]",
  s: "[ \\t\\r\\n\\f\\v]",
  S: "[^ \\t\\r\\n\\f\\v]",
};

class Unsupported extends Error {}

/** Ruby's defaults spelled in Oniguruma terms; throws Unsupported for `(?u)` (Unicode \w etc.). */
function rubyToOniguruma(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === "\\" && i + 1 < src.length) {
      const next = src[i + 1];
      out += ASCII_SETS[next] ?? `\\${next}`;
      i += 2;
      continue;
    }
    if (ch === "(" && src[i + 1] === "?") {
      const m = /^\(\?([imxadu]*)(?:-([imx]*))?([:)])/.exec(src.slice(i));
      if (m && /[adu]/.test(m[1])) {
        if (m[1].includes("u")) throw new Unsupported("the Ruby option (?u) (Unicode \\w, \\d, \\s, \\b)");
        // (?a) and (?d): ASCII \w \d \s \b, Ruby's default already (POSIX brackets under (?a) are not emulated).
        if (m[1].includes("a") && src.includes("[:")) throw new Unsupported("POSIX brackets under the Ruby option (?a)");
        const on = m[1].replace(/[adu]/g, "");
        out += on || m[2] !== undefined ? `(?${on}${m[2] !== undefined ? `-${m[2]}` : ""}${m[3]}` : m[3] === ")" ? "" : "(?:";
        i += m[0].length;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

/** The JS RegExp that searches like Ruby's `pattern =~ value`, or why there is none (invalid: Ruby refuses it too). */
export function rubyToRegExp(pattern: string): RegExp | { invalid: boolean; message: string } {
  // Loaded on first use: a provider process validates a few patterns at most.
  onig ??= (require("oniguruma-to-es") as { toRegExp: ToRegExp }).toRegExp;
  let source: string;
  try {
    source = rubyToOniguruma(pattern);
  } catch (e) {
    return { invalid: false, message: `${(e as Error).message} cannot be evaluated exactly` };
  }
  const rules = { asciiWordBoundaries: true };
  try {
    // ES2024: the v flag without pattern modifiers, which Node 22 lacks.
    return onig(source, { accuracy: "strict", target: "ES2024", rules });
  } catch (strictError) {
    try {
      onig(source, { target: "ES2024", rules });
      return { invalid: false, message: `${(strictError as Error).message} (cannot be evaluated exactly)` };
    } catch (e) {
      const message = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
      return { invalid: !/^Unsupported|requires (?:non-strict|min target|target)/.test(message), message };
    }
  }
}

/** Undefined when Rootly (Ruby) can compile `pattern`, otherwise why not. */
export function rubyRegexError(pattern: string): string | undefined {
  const r = rubyToRegExp(pattern);
  return r instanceof RegExp || !r.invalid ? undefined : r.message;
}
