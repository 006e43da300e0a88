import { Classes } from "./classes";
import { LINE_TERMS, type Flags, type Piece } from "./scanner";


// The top of the translator: alternation, sequences, quantifiers, atoms and groups.

interface GroupHead {
  prefix: string;
  kind: "capture" | "plain" | "look" | "lookbehind" | "atomic";
  /** The Java group number of a capturing group. */
  javaGroup?: number;
}

export class Translator extends Classes {
  run(): string {
    const flags: Flags = { i: false, u: false, s: false, m: false, x: false, d: false };
    const out = this.alternation(flags, false);
    if (this.i < this.src.length) throw this.invalid(`Unmatched closing ')'`);
    return out.src;
  }

  // `flags` is mutated by inline `(?i)` and restored by the caller at the group's end.
  protected alternation(flags: Flags, inGroup: boolean): Piece {
    const alts: Piece[] = [this.sequence(flags)];
    while (this.peek() === "|") {
      this.i++;
      alts.push(this.sequence(flags));
    }
    if (!inGroup && this.peek() === ")") throw this.invalid("Unmatched closing ')'");
    return { src: alts.map((a) => a.src).join("|"), unbounded: alts.some((a) => a.unbounded), atom: true };
  }

  protected sequence(flags: Flags): Piece {
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

  protected quantifier(flags: Flags, atom: Piece, start: number): Piece {
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
  protected wrap(src: string): string {
    return `(?:${src})`;
  }

  protected atom(flags: Flags): Piece | undefined {
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

  protected group(flags: Flags): Piece {
    const open = this.i;
    this.i++;
    const saved = { ...flags };
    const head = this.groupHead(flags, open);
    // `(?i)` alone: on for the rest of the enclosing group (the caller restores at its end).
    if (head === undefined) return { src: "", unbounded: false, atom: false };
    const { prefix, kind, javaGroup } = head;
    const body = this.alternation(flags, true);
    if (this.peek() !== ")") {
      throw this.invalid("Unclosed group", this.src.length);
    }
    this.i++;
    Object.assign(flags, saved);
    if (javaGroup !== undefined) this.closed.add(javaGroup);
    if (kind === "lookbehind" && body.unbounded) throw this.invalid("Look-behind group does not have an obvious maximum length", open);
    if (kind === "atomic") {
      const n = ++this.extra;
      return { src: `(?:(?=(?<a${n}>${body.src}))\\k<a${n}>)`, unbounded: body.unbounded, atom: true };
    }
    return { src: `${prefix}${body.src})`, unbounded: kind === "look" || kind === "lookbehind" ? false : body.unbounded, atom: true };
  }

  /** A group's opening after `(`: its JS prefix and kind; undefined for a bare flag group `(?i)` (its flags set). */
  private groupHead(flags: Flags, open: number): GroupHead | undefined {
    if (this.peek() !== "?") {
      const javaGroup = ++this.groups;
      return { prefix: `(?<g${javaGroup}>`, kind: "capture", javaGroup };
    }
    this.i++;
    const rest = this.src.slice(this.i);
    if (rest.startsWith(":")) {
      this.i++;
      return { prefix: "(?:", kind: "plain" };
    }
    if (rest.startsWith("=") || rest.startsWith("!")) {
      this.i++;
      return { prefix: `(?${rest[0]}`, kind: "look" };
    }
    if (rest.startsWith("<=") || rest.startsWith("<!")) {
      this.i += 2;
      return { prefix: `(?${rest.slice(0, 2)}`, kind: "lookbehind" };
    }
    if (rest.startsWith(">")) {
      this.i++;
      return { prefix: "", kind: "atomic" };
    }
    if (rest.startsWith("<")) {
      const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(rest);
      if (!m) throw this.invalid("named capturing group is missing trailing '>' or has an invalid name (letters and digits, a letter first)");
      if (this.names.has(m[1])) throw this.invalid(`Named capturing group <${m[1]}> is already defined`);
      const javaGroup = ++this.groups;
      this.names.set(m[1], javaGroup);
      this.i += m[0].length;
      return { prefix: `(?<g${javaGroup}>`, kind: "capture", javaGroup };
    }
    return this.inlineFlags(flags, rest, open);
  }

  /** `(?idmsux-idmsux)` or `(?idmsux-idmsux:`: sets the flags; undefined for the bare form. */
  private inlineFlags(flags: Flags, rest: string, open: number): GroupHead | undefined {
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
    return m[3] === ")" ? undefined : { prefix: "(?:", kind: "plain" };
  }

}
