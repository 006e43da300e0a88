// Flashduty matches `/.../` values with Go's RE2. JS RegExp is close but not the same:
// it accepts lookaround and backreferences (RE2 refuses them, so the upsert would
// fail or the rule never match) and refuses RE2's inline flags `(?i)`. This is a
// small scanner for those differences, then JS parses a translated copy for the
// rest of the syntax. Not a full RE2 parser: see NOTES.md.

/** RE2's limit on `{n,m}` counts. */
export const MAX_REPEAT = 1000;
const FLAGS = /^[imsU]*(-[imsU]*)?$/;

/** Why `src` (the text between the slashes) is not an RE2 pattern, or undefined. */
export function re2Problem(src: string): string | undefined {
  let out = "";
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      const n = src[i + 1];
      if (n === undefined) return "ends with a lone backslash";
      if (!inClass && /[1-9]/.test(n)) return `uses a backreference (\\${n}), which RE2 does not support`;
      if (!inClass && n === "k" && src[i + 2] === "<") return "uses a named backreference (\\k<...>), which RE2 does not support";
      if (n === "Q") {
        // \Q...\E: literal text.
        const end = src.indexOf("\\E", i + 2);
        const lit = src.slice(i + 2, end < 0 ? undefined : end);
        out += lit.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === "[" && src[i + 1] === ":") {
        // [:alpha:] inside a class: an ASCII class name in RE2; JS would read it as characters.
        const end = src.indexOf(":]", i + 2);
        if (end > 0) {
          out += "a";
          i = end + 1;
          continue;
        }
      }
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal in RE2.
      if (src[i + 1] === "^") out += src[++i];
      if (src[i + 1] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(" && src[i + 1] === "?") {
      const rest = src.slice(i + 2);
      if (rest.startsWith("=") || rest.startsWith("!")) return "uses a lookahead ((?= or (?!), which RE2 does not support";
      if (rest.startsWith("<=") || rest.startsWith("<!")) return "uses a lookbehind ((?<= or (?<!), which RE2 does not support";
      if (rest.startsWith(">")) return "uses an atomic group ((?>), which RE2 does not support";
      if (rest.startsWith("P<")) {
        out += "(?<";
        i += 3;
        continue;
      }
      if (rest.startsWith("<")) {
        out += "(?<";
        i += 2;
        continue;
      }
      if (rest.startsWith(":")) {
        out += "(?:";
        i += 2;
        continue;
      }
      const m = /^([^):]*)([):])/.exec(rest);
      if (!m || !m[1] || !FLAGS.test(m[1])) return `has an unknown group or flag "(?${m ? m[1] : rest.slice(0, 3)}": RE2 takes the flags i, m, s, U`;
      // (?i) sets flags for the rest of the group; (?i:re) is a non-capturing group with flags.
      out += m[2] === ":" ? "(?:" : "";
      i += 2 + m[1].length;
      continue;
    }
    if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (m) {
        const lo = Number(m[1]);
        const hi = m[3] ? Number(m[3]) : lo;
        if (lo > MAX_REPEAT || hi > MAX_REPEAT) return `repeats more than ${MAX_REPEAT} times (${m[0]}), which RE2 refuses`;
        if (m[3] && hi < lo) return `has a repetition range ${m[0]} whose maximum is below its minimum`;
        out += m[0];
        i += m[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  try {
    new RegExp(out);
  } catch (e) {
    return `is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, "")}`;
  }
  return undefined;
}
