import { CASED_PROPERTIES, END, GENERAL_CATEGORY, HSPACE, POSIX, SCRIPT, SPACE, START, Scanner, VSPACE, type Flags, type Piece } from "./scanner";


// Escapes: backreferences, \Q…\E, anchors, and the escapes that stand for a set or a
// character (valid inside and outside a class), Unicode properties included.

export abstract class Escapes extends Scanner {
  protected backref(n: number, f: Flags, at: number): Piece {
    if (f.i) throw this.unsupported("a backreference under case-insensitive matching", at);
    if (!this.closed.has(n)) throw this.unsupported("a backreference to a group that is not closed yet", at);
    return { src: `\\k<g${n}>`, unbounded: true, atom: true };
  }

  protected escape(flags: Flags): Piece {
    const at = this.i;
    this.i++;
    const c = this.peek();
    if (c === undefined) throw this.invalid("Unexpected internal error: a trailing backslash");
    const piece = this.reference(c, flags, at) ?? this.anchor(c, flags, at);
    if (piece) return piece;
    return { src: this.classEscape(flags), unbounded: false, atom: true };
  }

  /** A backreference (`\1`, `\k<name>`) or a quoted run (`\Q…\E`), or undefined. */
  private reference(c: string, flags: Flags, at: number): Piece | undefined {
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
    return undefined;
  }

  /** An anchor or boundary escape (`\A`, `\z`, `\b`, `\R`, ...), or undefined. */
  private anchor(c: string, flags: Flags, at: number): Piece | undefined {
    const one = (src: string): Piece => ({ src, unbounded: false, atom: true });
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
    return undefined;
  }

  /** An escape that stands for a set or a character (valid both inside and outside a class). Consumes it. */
  protected classEscape(flags: Flags): string {
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

  protected property(negated: boolean, flags: Flags, at: number): string {
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
  protected escapedChar(c: string, at: number): number {
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
}
