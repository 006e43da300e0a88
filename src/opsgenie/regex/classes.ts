import { Escapes } from "./escapes";
import { lit, type Flags } from "./scanner";


// Character classes: nesting, intersection (&&), ranges, and case-insensitive ranges.

export abstract class Classes extends Escapes {
  // ---- character classes ----
  /** `[...]` as a v-mode JS class. Java: nested classes are unions, `&&` intersects everything before with everything after. */
  protected charClass(flags: Flags): string {
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
      this.skipSpace(flags);
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
      this.classItem(flags, items);
    }
    const parts = operands.map((items) => `[${items.join("")}]`);
    if (operands.length > 1 && operands.some((o) => o.length === 0)) {
      // Java ignores an empty side of && in some versions and not others.
      throw this.unsupported("an empty operand of && in a character class", open);
    }
    const body = parts.length === 1 ? parts[0].slice(1, -1) : parts.join("&&");
    return negated ? `[^${body}]` : `[${body}]`;
  }

  /** One item of a class (nested classes and && are the caller's): a quoted run, a set, a character or a range. */
  private classItem(flags: Flags, items: string[]): void {
    if (this.peek() === "\\" && this.peek(1) === "Q") {
      this.i += 2;
      const end = this.src.indexOf("\\E", this.i);
      const text = end < 0 ? this.src.slice(this.i) : this.src.slice(this.i, end);
      this.i = end < 0 ? this.src.length : end + 2;
      for (const ch of text) items.push(this.char(ch.codePointAt(0)!, flags));
      return;
    }
    const lo = this.classAtom(flags);
    if (typeof lo === "string") {
      items.push(lo);
      return;
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
      return;
    }
    items.push(this.char(lo, flags));
  }

  /** A code point, or a set (string) for class escapes. */
  protected classAtom(flags: Flags): number | string {
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

  protected range(lo: number, hi: number, f: Flags): string {
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
