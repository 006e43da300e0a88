// The scanner under the Java regex translator (translator.ts on top, then classes.ts,
// escapes.ts, this file): the position in the pattern, the groups seen so far, the two
// kinds of refusal, and how one literal code point is spelled (case-insensitively when
// the flags say so). See ../regex.ts for what the translation promises.

export class JavaRegexError extends Error {
  constructor(
    readonly kind: "invalid" | "unsupported",
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

export interface Flags {
  i: boolean; // CASE_INSENSITIVE (ASCII only unless u)
  u: boolean; // UNICODE_CASE
  s: boolean; // DOTALL
  m: boolean; // MULTILINE
  x: boolean; // COMMENTS
  d: boolean; // UNIX_LINES
}

export interface Piece {
  src: string;
  /** The piece can match an unbounded length (refused inside a lookbehind, as Java does). */
  unbounded: boolean;
  /** Quantifiable (not an anchor-only flag group). */
  atom: boolean;
  /** Text before the quantifiable part (\\Q…\\E: a quantifier takes its last character only). */
  prefix?: string;
}

export const LINE_TERMS = "\\n\\r\\u{85}\\u{2028}\\u{2029}";
export const SPACE = "[\\t\\n\\u{b}\\f\\r\\u{20}]";
export const HSPACE = "[\\t\\u{20}\\u{a0}\\u{1680}\\u{180e}\\u{2000}-\\u{200a}\\u{202f}\\u{205f}\\u{3000}]";
export const VSPACE = "[\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}]";
export const START = "(?<![\\s\\S])";
export const END = "(?![\\s\\S])";

// POSIX classes of java.util.regex (US-ASCII only).
export const POSIX: Record<string, string> = {
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
export const CASED_PROPERTIES = /^(?:Is)?(?:Lower|Upper|Lu|Ll|Lt|LC|javaLowerCase|javaUpperCase|javaTitleCase|gc=L[ult])$/;
export const GENERAL_CATEGORY = /^(?:Is|gc=|general_category=)?(L[ultmo]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|Z[slp]?|C[cfson]?|LC)$/;
export const SCRIPT = /^(?:Is|sc=|script=)([A-Za-z_]+)$/;

export const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
export const hex = (c: number) => c.toString(16);
/** A code point as a JS token valid inside and outside a v-mode class. */
export const lit = (c: number) => (/^[A-Za-z0-9]$/.test(String.fromCodePoint(c)) ? String.fromCodePoint(c) : `\\u{${hex(c)}}`);

export abstract class Scanner {
  protected i = 0;
  protected groups = 0; // Java capturing groups so far
  protected extra = 0; // helper groups of our own (atomic emulation)
  protected readonly names = new Map<string, number>();
  protected readonly closed = new Set<number>();

  constructor(protected readonly src: string) {}

  protected invalid(msg: string, at = this.i): JavaRegexError {
    return new JavaRegexError("invalid", `${msg} near index ${at}`, at);
  }

  protected unsupported(msg: string, at = this.i): JavaRegexError {
    return new JavaRegexError("unsupported", `${msg} (at index ${at}) cannot be evaluated exactly`, at);
  }

  protected peek(o = 0): string | undefined {
    return this.src[this.i + o];
  }

  /** Skips whitespace and #-comments in COMMENTS mode. */
  protected skipSpace(f: Flags): void {
    if (!f.x) return;
    for (;;) {
      const c = this.peek();
      if (c !== undefined && /[ \t\n\u000b\f\r]/.test(c)) this.i++;
      else if (c === "#") {
        while (this.i < this.src.length && !/[\n\r\u0085\u2028\u2029]/.test(this.src[this.i])) this.i++;
      } else return;
    }
  }

  /** One literal code point, spelled case-insensitively when the flags say so. */
  protected char(c: number, f: Flags): string {
    const variants = this.caseVariants(c, f);
    return variants.length === 1 ? lit(c) : `[${variants.map(lit).join("")}]`;
  }

  protected caseVariants(c: number, f: Flags): number[] {
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

  protected caret(f: Flags): string {
    if (!f.m) return START;
    const after = f.d ? "(?<=\\n)" : "(?<=[\\n\\u{85}\\u{2028}\\u{2029}]|\\r(?!\\n))";
    // After a line terminator, but not at the end of input.
    return `(?:${START}|${after}(?=[\\s\\S]))`;
  }

  protected dollar(f: Flags): string {
    if (f.m) return f.d ? `(?=\\n|${END})` : `(?:(?=[\\r\\u{85}\\u{2028}\\u{2029}])|(?<!\\r)(?=\\n)|${END})`;
    return this.endZ(f);
  }

  protected endZ(f: Flags): string {
    return f.d ? `(?=\\n?${END})` : `(?=(?:\\r\\n|[${LINE_TERMS}])?${END})`;
  }
}
