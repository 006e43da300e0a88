// Opsgenie's `matches` condition takes a "Java-like" regular expression (its
// regular-expressions doc page) and, being Java's String.matches, must match the
// whole value. JavaScript's RegExp differs from java.util.regex in ways that
// silently change results (inline flags `(?i)`, `\A`/`\z`, possessive
// quantifiers, atomic groups, `\Q…\E`, class intersection, `.`, `$`, `\s`), so we
// translate Java's syntax into an equivalent JS pattern (v flag, no other flags:
// case-insensitivity, dot and anchors are spelled out explicitly so every Java
// flag keeps its Java meaning). Constructs that cannot be translated exactly are
// refused as "unsupported" (the simulator reports "cannot evaluate"); what Java
// itself refuses is "invalid" (check rejects it).

export class JavaRegexError extends Error {
  constructor(
    readonly kind: "invalid" | "unsupported",
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

interface Flags {
  i: boolean; // CASE_INSENSITIVE (ASCII only unless u)
  u: boolean; // UNICODE_CASE
  s: boolean; // DOTALL
  m: boolean; // MULTILINE
  x: boolean; // COMMENTS
  d: boolean; // UNIX_LINES
}

interface Piece {
  src: string;
  /** The piece can match an unbounded length (refused inside a lookbehind, as Java does). */
  unbounded: boolean;
  /** Quantifiable (not an anchor-only flag group). */
  atom: boolean;
  /** Text before the quantifiable part (\\Q…\\E: a quantifier takes its last character only). */
  prefix?: string;
}

const LINE_TERMS = "\\n\\r\\u{85}\\u{2028}\\u{2029}";
const SPACE = "[\\t\\n\\u{b}\\f\\r\\u{20}]";
const HSPACE = "[\\t\\u{20}\\u{a0}\\u{1680}\\u{180e}\\u{2000}-\\u{200a}\\u{202f}\\u{205f}\\u{3000}]";
const VSPACE = "[\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}]";
const START = "(?<![\\s\\S])";
const END = "(?![\\s\\S])";

// POSIX classes of java.util.regex (US-ASCII only).
const POSIX: Record<string, string> = {
  Lower: "[a-z]",
  Upper: "[A-Z]",
  ASCII: "[\\u{0}-\\u{7f}]",
  Alpha: "[a-zA-Z]",
  Digit: "[0-9]",
  Alnum: "[a-zA-Z0-9]",
  Punct: "[\\u{21}-\\u{2f}\\u{3a}-\\u{40}\\u{5b}-\\u{60}\\u{7b}-\\u{7e}]",
  Graph: "[\\u{21}-\\u{7e}]",
  Print: "[\\u{20}-\\u{7e}]",
  Blank: "[\\u{20}\\t]",
  Cntrl: "[\\u{0}-\\u{1f}\\u{7f}]",
  XDigit: "[0-9a-fA-F]",
  Space: SPACE,
};
const CASED_PROPERTIES = /^(?:Is)?(?:Lower|Upper|Lu|Ll|Lt|LC|javaLowerCase|javaUpperCase|javaTitleCase|gc=L[ult])$/;
const GENERAL_CATEGORY = /^(?:Is|gc=|general_category=)?(L[ultmo]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|Z[slp]?|C[cfson]?|LC)$/;
const SCRIPT = /^(?:Is|sc=|script=)([A-Za-z_]+)$/;

const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const hex = (c: number) => c.toString(16);
/** A code point as a JS token valid inside and outside a v-mode class. */
const lit = (c: number) => (/^[A-Za-z0-9]$/.test(String.fromCodePoint(c)) ? String.fromCodePoint(c) : `\\u{${hex(c)}}`);

class Translator {
  private i = 0;
  private groups = 0; // Java capturing groups so far
  private extra = 0; // helper groups of our own (atomic emulation)
  private readonly names = new Map<string, number>();
  private readonly closed = new Set<number>();

  constructor(private readonly src: string) {}

  run(): string {
    const flags: Flags = { i: false, u: false, s: false, m: false, x: false, d: false };
    const out = this.alternation(flags, false);
    if (this.i < this.src.length) throw this.invalid(`Unmatched closing ')'`);
    return out.src;
  }

  private invalid(msg: string, at = this.i): JavaRegexError {
    return new JavaRegexError("invalid", `${msg} near index ${at}`, at);
  }
  private unsupported(msg: string, at = this.i): JavaRegexError {
    return new JavaRegexError("unsupported", `${msg} (at index ${at}) cannot be evaluated exactly`, at);
  }

  private peek(o = 0): string | undefined {
    return this.src[this.i + o];
  }

  /** Skips whitespace and #-comments in COMMENTS mode. */
  private skipSpace(f: Flags): void {
    if (!f.x) return;
    for (;;) {
      const c = this.peek();
      if (c !== undefined && /[ \t\n\u000b\f\r]/.test(c)) this.i++;
      else if (c === "#") {
        while (this.i < this.src.length && !/[\n\r\u0085\u2028\u2029]/.test(this.src[this.i])) this.i++;
      } else return;
    }
  }

  // `flags` is mutated by inline `(?i)` and restored by the caller at the group's end.
  private alternation(flags: Flags, inGroup: boolean): Piece {
    const alts: Piece[] = [this.sequence(flags)];
    while (this.peek() === "|") {
      this.i++;
      alts.push(this.sequence(flags));
    }
    if (!inGroup && this.peek() === ")") throw this.invalid("Unmatched closing ')'");
    return { src: alts.map((a) => a.src).join("|"), unbounded: alts.some((a) => a.unbounded), atom: true };
  }

  private sequence(flags: Flags): Piece {
    let src = "";
    let unbounded = false;
    for (;;) {
      this.skipSpace(flags);
      const c = this.peek();
      if (c === undefined || c === "|" || c === ")") break;
      const start = this.i;
      const atom = this.atom(flags);
      if (atom === undefined) continue;
      const q = this.quantifier(flags, { ...atom, prefix: undefined }, start);
      src += (atom.prefix ?? "") + q.src;
      unbounded ||= q.unbounded;
    }
    return { src, unbounded, atom: true };
  }

  private quantifier(flags: Flags, atom: Piece, start: number): Piece {
    this.skipSpace(flags);
    const c = this.peek();
    let q: string | undefined;
    let unbounded = atom.unbounded;
    if (c === "*" || c === "+" || c === "?") {
      q = c;
      this.i++;
      if (c !== "?") unbounded = true;
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) throw this.invalid("Illegal repetition");
      const lo = Number(m[1]);
      const hi = m[3] === undefined || m[3] === "" ? undefined : Number(m[3]);
      if (hi !== undefined && hi < lo) throw this.invalid("Illegal repetition range");
      if (m[2] !== undefined && hi === undefined) unbounded = true;
      q = m[0];
      this.i += m[0].length;
    }
    if (q === undefined) return atom;
    if (!atom.atom) throw this.invalid(`Dangling meta character '${q[0]}'`, start);
    const mode = this.peek();
    if (mode === "?") {
      this.i++;
      return { src: `${this.wrap(atom.src)}${q}?`, unbounded, atom: true };
    }
    if (mode === "+") {
      this.i++;
      // Possessive: matched greedily once, never given back (a lookahead is atomic in JS).
      const n = ++this.extra;
      return { src: `(?:(?=(?<a${n}>${this.wrap(atom.src)}${q}))\\k<a${n}>)`, unbounded, atom: true };
    }
    return { src: `${this.wrap(atom.src)}${q}`, unbounded, atom: true };
  }

  /** A quantifiable JS unit. */
  private wrap(src: string): string {
    return `(?:${src})`;
  }

  private atom(flags: Flags): Piece | undefined {
    const c = this.src.codePointAt(this.i)!;
    const ch = String.fromCodePoint(c);
    switch (ch) {
      case "(":
        return this.group(flags);
      case "[":
        return { src: this.charClass(flags), unbounded: false, atom: true };
      case ".":
        this.i++;
        return { src: flags.s ? "[\\s\\S]" : flags.d ? "[^\\n]" : `[^${LINE_TERMS}]`, unbounded: false, atom: true };
      case "^":
        this.i++;
        return { src: this.caret(flags), unbounded: false, atom: true };
      case "$":
        this.i++;
        return { src: this.dollar(flags), unbounded: false, atom: true };
      case "\\":
        return this.escape(flags);
      case "*":
      case "+":
      case "?":
        throw this.invalid(`Dangling meta character '${ch}'`);
      case "{":
        throw this.invalid("Illegal repetition");
      default:
        this.i += ch.length;
        return { src: this.char(c, flags), unbounded: false, atom: true };
    }
  }

  private caret(f: Flags): string {
    if (!f.m) return START;
    const after = f.d ? "(?<=\\n)" : "(?<=[\\n\\u{85}\\u{2028}\\u{2029}]|\\r(?!\\n))";
    // After a line terminator, but not at the end of input.
    return `(?:${START}|${after}(?=[\\s\\S]))`;
  }

  private dollar(f: Flags): string {
    if (f.m) return f.d ? `(?=\\n|${END})` : `(?:(?=[\\r\\u{85}\\u{2028}\\u{2029}])|(?<!\\r)(?=\\n)|${END})`;
    return this.endZ(f);
  }

  private endZ(f: Flags): string {
    return f.d ? `(?=\\n?${END})` : `(?=(?:\\r\\n|[${LINE_TERMS}])?${END})`;
  }

  /** One literal code point, spelled case-insensitively when the flags say so. */
  private char(c: number, f: Flags): string {
    const variants = this.caseVariants(c, f);
    return variants.length === 1 ? lit(c) : `[${variants.map(lit).join("")}]`;
  }

  private caseVariants(c: number, f: Flags): number[] {
    if (!f.i) return [c];
    if (isAsciiLetter(c)) {
      const out = [c, c ^ 0x20];
      if (f.u && (c === 0x6b || c === 0x4b)) out.push(0x212a); // Kelvin sign
      if (f.u && (c === 0x73 || c === 0x53)) out.push(0x17f); // long s
      return out;
    }
    if (!f.u || c < 0x80) return [c];
    const s = String.fromCodePoint(c);
    const set = new Set([c]);
    for (const v of [s.toUpperCase(), s.toLowerCase()]) if ([...v].length === 1) set.add(v.codePointAt(0)!);
    if (set.size > 1 && c > 0x7f) {
      // Java compares toUpperCase and toLowerCase of both sides; special folds beyond these are not spelled out.
      const extra = [...set].some((x) => x === 0x130 || x === 0x131 || x === 0x3c2 || x === 0x1e9e);
      if (extra) throw this.unsupported("a case-insensitive non-ASCII letter with a special case mapping");
    }
    return [...set];
  }

  private group(flags: Flags): Piece {
    const open = this.i;
    this.i++;
    const saved = { ...flags };
    const restore = () => Object.assign(flags, saved);
    let prefix: string;
    let kind: "capture" | "plain" | "look" | "lookbehind" | "atomic" = "plain";
    let javaGroup: number | undefined;
    if (this.peek() !== "?") {
      javaGroup = ++this.groups;
      prefix = `(?<g${javaGroup}>`;
      kind = "capture";
    } else {
      this.i++;
      const rest = this.src.slice(this.i);
      if (rest.startsWith(":")) {
        this.i++;
        prefix = "(?:";
      } else if (rest.startsWith("=") || rest.startsWith("!")) {
        prefix = `(?${rest[0]}`;
        this.i++;
        kind = "look";
      } else if (rest.startsWith("<=") || rest.startsWith("<!")) {
        prefix = `(?${rest.slice(0, 2)}`;
        this.i += 2;
        kind = "lookbehind";
      } else if (rest.startsWith(">")) {
        this.i++;
        prefix = "";
        kind = "atomic";
      } else if (rest.startsWith("<")) {
        const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(rest);
        if (!m) throw this.invalid("named capturing group is missing trailing '>' or has an invalid name (letters and digits, a letter first)");
        if (this.names.has(m[1])) throw this.invalid(`Named capturing group <${m[1]}> is already defined`);
        javaGroup = ++this.groups;
        this.names.set(m[1], javaGroup);
        prefix = `(?<g${javaGroup}>`;
        kind = "capture";
        this.i += m[0].length;
      } else {
        const m = /^([idmsuxU]*)(?:-([idmsuxU]*))?([:)])/.exec(rest);
        if (!m) throw this.invalid("Unknown inline modifier");
        const set = (s: string, on: boolean) => {
          for (const ch of s) {
            if (ch === "U") throw this.unsupported("the UNICODE_CHARACTER_CLASS flag (?U)", open);
            flags[ch as keyof Flags] = on;
          }
        };
        set(m[1], true);
        set(m[2] ?? "", false);
        this.i += m[0].length;
        if (m[3] === ")") {
          // `(?i)` alone: on for the rest of the enclosing group (the caller restores at its end).
          return { src: "", unbounded: false, atom: false };
        }
        prefix = "(?:";
      }
    }
    const body = this.alternation(flags, true);
    if (this.peek() !== ")") {
      throw this.invalid("Unclosed group", this.src.length);
    }
    this.i++;
    restore();
    if (javaGroup !== undefined) this.closed.add(javaGroup);
    if (kind === "lookbehind" && body.unbounded) throw this.invalid("Look-behind group does not have an obvious maximum length", open);
    if (kind === "atomic") {
      const n = ++this.extra;
      return { src: `(?:(?=(?<a${n}>${body.src}))\\k<a${n}>)`, unbounded: body.unbounded, atom: true };
    }
    return { src: `${prefix}${body.src})`, unbounded: kind === "look" || kind === "lookbehind" ? false : body.unbounded, atom: true };
  }

  private backref(n: number, f: Flags, at: number): Piece {
    if (f.i) throw this.unsupported("a backreference under case-insensitive matching", at);
    if (!this.closed.has(n)) throw this.unsupported("a backreference to a group that is not closed yet", at);
    return { src: `\\k<g${n}>`, unbounded: true, atom: true };
  }

  private escape(flags: Flags): Piece {
    const at = this.i;
    this.i++;
    const c = this.peek();
    if (c === undefined) throw this.invalid("Unexpected internal error: a trailing backslash");
    const one = (src: string): Piece => ({ src, unbounded: false, atom: true });
    // Backreferences: Java takes as many digits as name an existing group.
    if (/[1-9]/.test(c)) {
      let n = Number(c);
      this.i++;
      while (this.peek() !== undefined && /[0-9]/.test(this.peek()!) && n * 10 + Number(this.peek()) <= this.groups) {
        n = n * 10 + Number(this.peek());
        this.i++;
      }
      if (n > this.groups) throw this.unsupported(`a backreference to group ${n}, which does not exist (Java: never matches)`, at);
      return this.backref(n, flags, at);
    }
    if (c === "k") {
      const m = /^k<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.src.slice(this.i));
      if (!m) throw this.invalid("\\k is not followed by '<' for named capturing group");
      const n = this.names.get(m[1]);
      if (n === undefined) throw this.invalid(`named capturing group <${m[1]}> does not exist`);
      this.i += m[0].length;
      return this.backref(n, flags, at);
    }
    if (c === "Q") {
      this.i++;
      const end = this.src.indexOf("\\E", this.i);
      const text = end < 0 ? this.src.slice(this.i) : this.src.slice(this.i, end);
      this.i = end < 0 ? this.src.length : end + 2;
      if (text === "") return { src: "", unbounded: false, atom: false };
      const cps = [...text].map((ch) => this.char(ch.codePointAt(0)!, flags));
      // A quantifier after \Q…\E applies to its last character, as in Java.
      return { src: cps[cps.length - 1], prefix: cps.slice(0, -1).join(""), unbounded: false, atom: true };
    }
    switch (c) {
      case "A":
        this.i++;
        return one(START);
      case "z":
        this.i++;
        return one(END);
      case "Z":
        this.i++;
        return one(this.endZ(flags));
      case "G":
        // Only the start of input in a whole-string match.
        this.i++;
        return one(START);
      case "b":
        if (this.peek(1) === "{") throw this.unsupported("\\b{g}", at);
        this.i++;
        return one("\\b");
      case "B":
        this.i++;
        return one("\\B");
      case "R":
        this.i++;
        return one(`(?:(?=(?<a${++this.extra}>\\r\\n|[\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}]))\\k<a${this.extra}>)`);
      case "X":
      case "N":
        throw this.unsupported(`\\${c}`, at);
    }
    const cls = this.classEscape(flags);
    return one(cls);
  }

  /** An escape that stands for a set or a character (valid both inside and outside a class). Consumes it. */
  private classEscape(flags: Flags): string {
    const at = this.i - 1;
    const c = this.peek()!;
    this.i++;
    switch (c) {
      case "d":
        return "[0-9]";
      case "D":
        return "[^0-9]";
      case "w":
        return "[a-zA-Z_0-9]";
      case "W":
        return "[^a-zA-Z_0-9]";
      case "s":
        return SPACE;
      case "S":
        return `[^${SPACE.slice(1)}`;
      case "h":
        return HSPACE;
      case "H":
        return `[^${HSPACE.slice(1)}`;
      case "v":
        return VSPACE;
      case "V":
        return `[^${VSPACE.slice(1)}`;
      case "p":
      case "P":
        return this.property(c === "P", flags, at);
    }
    const cp = this.escapedChar(c, at);
    return this.char(cp, flags);
  }

  private property(negated: boolean, flags: Flags, at: number): string {
    let name: string;
    if (this.peek() === "{") {
      const end = this.src.indexOf("}", this.i);
      if (end < 0) throw this.invalid("Unclosed character family");
      name = this.src.slice(this.i + 1, end);
      this.i = end + 1;
    } else {
      name = this.peek() ?? "";
      if (!name) throw this.invalid("Illegal character family");
      this.i++;
    }
    if (flags.i && CASED_PROPERTIES.test(name)) throw this.unsupported(`\\p{${name}} under case-insensitive matching`, at);
    let js: string | undefined;
    const posix = POSIX[name.replace(/^Is/, "")];
    if (posix && !/^Is/.test(name)) js = posix;
    else if (name === "L" || name === "IsL") js = "[\\p{L}]";
    else {
      const gc = GENERAL_CATEGORY.exec(name);
      const sc = SCRIPT.exec(name);
      if (gc) js = `[\\p{gc=${gc[1]}}]`;
      else if (name === "IsAlphabetic" || name === "IsLetter") js = name === "IsLetter" ? "[\\p{L}]" : "[\\p{Alphabetic}]";
      else if (name === "IsWhite_Space" || name === "IsWhiteSpace") js = "[\\p{White_Space}]";
      else if (name === "IsDigit") js = "[\\p{Nd}]";
      else if (name === "IsUppercase") js = "[\\p{Uppercase}]";
      else if (name === "IsLowercase") js = "[\\p{Lowercase}]";
      else if (sc) {
        try {
          new RegExp(`\\p{sc=${sc[1]}}`, "v");
          js = `[\\p{sc=${sc[1]}}]`;
        } catch {
          throw this.invalid(`Unknown character script name {${sc[1]}}`);
        }
      } else if (/^(?:In|blk=|block=)/.test(name) || /^java/.test(name)) throw this.unsupported(`\\p{${name}}`, at);
      else throw this.invalid(`Unknown character property name {${name}}`);
    }
    return negated ? `[^${js.slice(1)}` : js;
  }

  /** The code point of a character escape (the backslash and `c` already consumed). */
  private escapedChar(c: string, at: number): number {
    const rest = this.src.slice(this.i);
    switch (c) {
      case "t":
        return 9;
      case "n":
        return 10;
      case "r":
        return 13;
      case "f":
        return 12;
      case "a":
        return 7;
      case "e":
        return 27;
      case "0": {
        const m = /^[0-7]{1,3}/.exec(rest);
        if (!m) throw this.invalid("Illegal octal escape sequence");
        let digits = m[0];
        if (digits.length === 3 && Number(digits[0]) > 3) digits = digits.slice(0, 2);
        this.i += digits.length;
        return parseInt(digits, 8);
      }
      case "x": {
        const braced = /^\{([0-9a-fA-F]+)\}/.exec(rest);
        if (braced) {
          const n = parseInt(braced[1], 16);
          if (n > 0x10ffff) throw this.invalid("Hexadecimal codepoint is too big");
          this.i += braced[0].length;
          return n;
        }
        const m = /^[0-9a-fA-F]{2}/.exec(rest);
        if (!m) throw this.invalid("Illegal hexadecimal escape sequence");
        this.i += 2;
        return parseInt(m[0], 16);
      }
      case "u": {
        const m = /^[0-9a-fA-F]{4}/.exec(rest);
        if (!m) throw this.invalid("Illegal Unicode escape sequence");
        this.i += 4;
        const n = parseInt(m[0], 16);
        if (n >= 0xd800 && n <= 0xdfff) throw this.unsupported("a surrogate \\u escape", at);
        return n;
      }
      case "c": {
        const ch = this.peek();
        if (ch === undefined) throw this.invalid("Illegal control escape sequence");
        this.i++;
        return ch.codePointAt(0)! ^ 64;
      }
    }
    if (/[a-zA-Z]/.test(c)) throw this.invalid(`Illegal/unsupported escape sequence \\${c}`, at);
    // Any other escaped character is itself (possibly a surrogate pair).
    const cp = this.src.codePointAt(this.i - 1)!;
    if (cp > 0xffff) this.i++;
    return cp;
  }

  // ---- character classes ----

  /** `[...]` as a v-mode JS class. Java: nested classes are unions, `&&` intersects everything before with everything after. */
  private charClass(flags: Flags): string {
    const open = this.i;
    this.i++; // [
    let negated = false;
    if (this.peek() === "^") {
      negated = true;
      this.i++;
    }
    const operands: string[][] = [[]];
    let first = true;
    for (;;) {
      if (flags.x) this.skipClassSpace();
      const c = this.peek();
      if (c === undefined) throw this.invalid("Unclosed character class", this.src.length);
      if (c === "]" && !first) {
        this.i++;
        break;
      }
      first = false;
      const items = operands[operands.length - 1];
      if (c === "[") {
        items.push(this.charClass(flags));
        continue;
      }
      if (c === "&" && this.peek(1) === "&") {
        this.i += 2;
        operands.push([]);
        continue;
      }
      if (c === "\\" && this.peek(1) === "Q") {
        this.i += 2;
        const end = this.src.indexOf("\\E", this.i);
        const text = end < 0 ? this.src.slice(this.i) : this.src.slice(this.i, end);
        this.i = end < 0 ? this.src.length : end + 2;
        for (const ch of text) items.push(this.char(ch.codePointAt(0)!, flags));
        continue;
      }
      const lo = this.classAtom(flags);
      if (typeof lo === "string") {
        items.push(lo);
        continue;
      }
      // A range?
      if (this.peek() === "-" && this.peek(1) !== undefined && this.peek(1) !== "]" && this.peek(1) !== "[") {
        const save = this.i;
        this.i++;
        const hi = this.classAtom(flags);
        if (typeof hi === "string") {
          // `a-\d`: Java refuses a range to a class.
          this.i = save;
          throw this.invalid("Illegal character range");
        }
        if (hi < lo) throw this.invalid("Illegal character range");
        items.push(this.range(lo, hi, flags));
        continue;
      }
      items.push(this.char(lo, flags));
    }
    const parts = operands.map((items) => `[${items.join("")}]`);
    if (operands.length > 1 && operands.some((o) => o.length === 0)) {
      // Java ignores an empty side of && in some versions and not others.
      throw this.unsupported("an empty operand of && in a character class", open);
    }
    const body = parts.length === 1 ? parts[0].slice(1, -1) : parts.join("&&");
    return negated ? `[^${body}]` : `[${body}]`;
  }

  private skipClassSpace(): void {
    for (;;) {
      const c = this.peek();
      if (c !== undefined && /[ \t\n\u000b\f\r]/.test(c)) this.i++;
      else if (c === "#") {
        while (this.i < this.src.length && !/[\n\r\u0085\u2028\u2029]/.test(this.src[this.i])) this.i++;
      } else return;
    }
  }

  /** A code point, or a set (string) for class escapes. */
  private classAtom(flags: Flags): number | string {
    const c = this.peek()!;
    if (c !== "\\") {
      const cp = this.src.codePointAt(this.i)!;
      this.i += String.fromCodePoint(cp).length;
      return cp;
    }
    const at = this.i;
    this.i++;
    const e = this.peek();
    if (e === undefined) throw this.invalid("Unclosed character class", this.src.length);
    if (/[dDwWsShHvVpP]/.test(e)) return this.classEscape(flags);
    if (/[1-9]/.test(e) || e === "k" || e === "b" || e === "B" || e === "A" || e === "z" || e === "Z" || e === "G" || e === "R" || e === "X") {
      throw this.invalid(`Illegal/unsupported escape sequence \\${e} in a character class`, at);
    }
    this.i++;
    return this.escapedChar(e, at);
  }

  private range(lo: number, hi: number, f: Flags): string {
    const out = [`${lit(lo)}-${lit(hi)}`];
    if (f.i) {
      // ASCII letters in the range, in the other case.
      for (const [a, z, shift] of [
        [97, 122, -32],
        [65, 90, 32],
      ] as const) {
        const from = Math.max(lo, a);
        const to = Math.min(hi, z);
        if (from <= to) out.push(`${lit(from + shift)}-${lit(to + shift)}`);
      }
      if (f.u && hi >= 0x80) {
        for (let c = Math.max(lo, 0x80); c <= hi; c++) {
          const s = String.fromCodePoint(c);
          if (s.toUpperCase() !== s || s.toLowerCase() !== s) throw this.unsupported("a case-insensitive range of non-ASCII letters");
          if (c > 0x2fff) break;
        }
      }
      if (f.u && lo <= 0x6b && hi >= 0x4b) {
        if ((lo <= 0x4b && hi >= 0x4b) || (lo <= 0x6b && hi >= 0x6b)) out.push(lit(0x212a));
        if ((lo <= 0x53 && hi >= 0x53) || (lo <= 0x73 && hi >= 0x73)) out.push(lit(0x17f));
      }
    }
    return out.join("");
  }
}

/** The JS source (v flag) of a whole-string match of Java pattern `pattern`; throws JavaRegexError. */
export function javaToJs(pattern: string): string {
  return `^(?:${new Translator(pattern).run()})$`;
}

/** Why Opsgenie (Java) would refuse `pattern`, or undefined. Unsupported-but-valid patterns pass (the simulator says "cannot evaluate"). */
export function javaRegexError(pattern: string): string | undefined {
  try {
    new RegExp(javaToJs(pattern), "v");
    return undefined;
  } catch (e) {
    if (e instanceof JavaRegexError) return e.kind === "invalid" ? e.message : undefined;
    throw e;
  }
}

/** A whole-string matcher for a Java pattern, or a JavaRegexError (invalid, or not exactly evaluable). */
export function compileJavaMatches(pattern: string): { test(value: string): boolean } | JavaRegexError {
  try {
    const re = new RegExp(javaToJs(pattern), "v");
    return { test: (v) => re.test(v) };
  } catch (e) {
    if (e instanceof JavaRegexError) return e;
    return new JavaRegexError("unsupported", `the translated pattern did not compile (${(e as Error).message})`, 0);
  }
}
