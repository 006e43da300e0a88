// Rootly evaluates `matches_regex` conditions server-side (a Ruby app: Onigmo
// syntax). JavaScript's RegExp refuses valid Ruby constructs such as inline flags
// `(?i)`, atomic groups `(?>…)` and possessive quantifiers `a++`, so check would
// reject rules Rootly accepts. We rewrite those constructs into a JS pattern that
// has the same structure (groups, classes, quantifier positions) and compile that:
// what fails to compile is broken in Ruby too (unbalanced groups or classes,
// a quantifier with nothing to repeat). Semantics differ; only validity matters.

// Onigmo's Ruby syntax: (?imxdau-imx) and (?imxdau-imx:…); d/a/u (character-set options) only turn on.
const FLAGS = /^\(\?([imxdau]*)(?:-([imx]*))?(\)|:)/;

/** Undefined when Rootly (Ruby) can compile `pattern`, otherwise why not. */
export function rubyRegexError(pattern: string): string | undefined {
  try {
    new RegExp(toJs(pattern));
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
  }
}

/** Throws a SyntaxError, as RegExp does, for what is broken in Ruby too (not a vendor condition). */
function toJs(src: string): string {
  let out = "";
  let extended = false;
  // The free-spacing state outside each open group, restored at its `)`.
  const scopes: boolean[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === "\\") {
      const next = src[i + 1];
      if (next === undefined) throw new SyntaxError("\\ at end of pattern");
      // Ruby-only anchors and classes, as JS tokens of the same kind.
      out += next === "A" ? "^" : next === "z" || next === "Z" ? "$" : next === "h" ? "[0-9a-fA-F]" : next === "H" ? "[^0-9a-fA-F]" : next === "G" || next === "K" ? "(?:)" : `\\${next}`;
      i += 2;
      continue;
    }
    if (ch === "[") {
      const end = classEnd(src, i);
      if (end < 0) throw new SyntaxError("premature end of char-class");
      // POSIX brackets ([[:alpha:]]) and nested classes/intersections are Ruby-only: a class is a class.
      out += "[a]";
      i = end + 1;
      continue;
    }
    if (extended && /\s/.test(ch)) {
      i++;
      continue;
    }
    if (extended && ch === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (ch === "(" && src[i + 1] === "?") {
      const rest = src.slice(i);
      const flags = FLAGS.exec(rest);
      if (flags) {
        // (?x) turns free spacing on for the rest of the enclosing group, (?x:…) inside that group only.
        const on: boolean = flags[1].includes("x") ? true : flags[2]?.includes("x") ? false : extended;
        if (flags[3] === ")") extended = on;
        else {
          scopes.push(extended);
          extended = on;
        }
        out += flags[3] === ")" ? "" : "(?:"; // (?i) applies to the rest; (?i:…) is a group
        i += flags[0].length;
        continue;
      }
      if (rest.startsWith("(?#")) {
        const close = src.indexOf(")", i);
        if (close < 0) throw new SyntaxError("end pattern in group");
        i = close + 1;
        continue;
      }
      // Atomic, absent and conditional groups: a plain group of the same extent.
      const group = /^\(\?(?:>|~|\((?:\d+|<\w+>|'\w+')\))/.exec(rest);
      if (group) {
        scopes.push(extended);
        out += "(?:";
        i += group[0].length;
        continue;
      }
      // Ruby also names groups (?'name'…).
      const quoted = /^\(\?'(\w+)'/.exec(rest);
      if (quoted) {
        scopes.push(extended);
        out += `(?<${quoted[1]}>`;
        i += quoted[0].length;
        continue;
      }
    }
    // Possessive quantifiers (a*+, a++, a?+, a{1,2}+) are greedy ones in JS.
    if (ch === "+" && /[*+?}]$/.test(out) && !out.endsWith("\\+") && !out.endsWith("\\*") && !out.endsWith("\\?") && !out.endsWith("\\}")) {
      i++;
      continue;
    }
    if (ch === "(") scopes.push(extended);
    if (ch === ")" && scopes.length) extended = scopes.pop()!;
    out += ch;
    i++;
  }
  return out;
}

/** Index of the `]` closing the class opened at `start`, allowing nested classes, POSIX brackets and a leading `]`. */
function classEnd(src: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < src.length) {
    const ch = src[i];
    if (ch === "\\") {
      i += 2;
      continue;
    }
    const posix = depth > 0 && ch === "[" ? /^\[:\^?[a-z]+:\]/.exec(src.slice(i)) : null;
    if (posix) {
      i += posix[0].length;
      continue;
    }
    if (ch === "[") {
      depth++;
      i++;
      if (src[i] === "^") i++;
      if (src[i] === "]") i++; // a leading ] is a literal
      continue;
    }
    if (ch === "]" && --depth === 0) return i;
    i++;
  }
  return -1;
}
