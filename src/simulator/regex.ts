import { compileJavaMatches, JavaRegexError } from "../opsgenie/regex";
import { rubyToRegExp } from "../rootly/regex";
import type { Vendor } from "./types";

// Each vendor's regular expressions with that vendor's own semantics:
// - Opsgenie `matches`: java.util.regex, whole-value (String.matches), by our
//   translator to an equivalent JS pattern (src/opsgenie/regex.ts);
// - Rootly `matches_regex`: Ruby (Onigmo), a search anywhere in the value, by
//   oniguruma-to-es with strict accuracy (what it cannot emulate exactly throws);
// - Flashduty `/.../` values: Go's RE2, a search, by re2js (a port of RE2).
// A pattern that is not exactly evaluable is never a silent non-match: the
// caller reports "cannot evaluate" naming it.

export type VendorRegex = { ok: true; test(value: string): boolean } | { ok: false; invalid: boolean; message: string };

const DIALECT: Record<Vendor, string> = {
  opsgenie: "Java (Opsgenie), whole-value match",
  rootly: "Ruby/Onigmo (Rootly), search",
  flashduty: "RE2 (Flashduty), search",
};

export const dialectOf = (v: Vendor) => DIALECT[v];

const caches: Record<Vendor, Map<string, VendorRegex>> = { opsgenie: new Map(), rootly: new Map(), flashduty: new Map() };

/** The vendor's matcher for `pattern` (cached; compiled once per pattern). */
export function vendorRegex(vendor: Vendor, pattern: string): VendorRegex {
  const cache = caches[vendor];
  let r = cache.get(pattern);
  if (!r) {
    r = prefiltered(memoized(vendor === "opsgenie" ? java(pattern) : vendor === "rootly" ? ruby(pattern) : re2(pattern)), pattern, vendor);
    cache.set(pattern, r);
  }
  return r;
}

const MEMO_SIZE = 4096;

/**
 * A match is a pure function of the value, and alerts repeat their values (the
 * same message, service, host): results are remembered per pattern, in a
 * bounded table, so a replay of many alerts runs each engine once per value.
 */
function memoized(r: VendorRegex): VendorRegex {
  if (!r.ok) return r;
  const test = r.test;
  let memo = new Map<string, boolean>();
  return {
    ok: true,
    test(v) {
      let hit = memo.get(v);
      if (hit === undefined) {
        hit = test(v);
        if (memo.size >= MEMO_SIZE) memo = new Map();
        memo.set(v, hit);
      }
      return hit;
    },
  };
}

function java(pattern: string): VendorRegex {
  const m = compileJavaMatches(pattern);
  if (m instanceof JavaRegexError) return { ok: false, invalid: m.kind === "invalid", message: m.message };
  return { ok: true, test: m.test };
}

/** A value without the pattern's required literal cannot match: most values of many distinct patterns skip the engine and its memo. */
function prefiltered(r: VendorRegex, pattern: string, vendor: Vendor): VendorRegex {
  if (!r.ok) return r;
  const lit = requiredLiteral(pattern);
  // Ruby's case-insensitive matching folds one character to several (ß matches "ss"): no literal then.
  if (!lit || (lit.caseInsensitive && vendor === "rootly")) return r;
  const test = r.test;
  if (!lit.caseInsensitive) return { ok: true, test: (v) => v.includes(lit.text) && test(v) };
  return { ok: true, test: (v) => lowerCase(v).includes(lit.text) && test(v) };
}

// The last value lower-cased, shared by every pattern: an alert's value meets many patterns in a row.
let lastValue: string | undefined;
let lastLower = "";
function lowerCase(v: string): string {
  if (v !== lastValue) {
    lastValue = v;
    lastLower = v.toLowerCase();
  }
  return lastLower;
}

/** Escapes of exactly two characters that match no literal run (classes, anchors, controls), in Java, Ruby or RE2 (a pattern a dialect rejects never gets here). */
const TWO_CHAR_ESCAPES = new Set("bBdDsSwWAzZGntrfeaRhHvVX");
const LITERAL = /[A-Za-z0-9 _\-:\/=,@]/;

/**
 * A substring every value matching the pattern (Java, Ruby or RE2) contains (the longest run of
 * literal characters at its top level, outside groups, classes and quantified
 * characters), or undefined when the pattern is not simple enough to be sure:
 * a top-level `|`, an inline flag other than a leading `(?i)` (flags scoped to a
 * group, `(?i:...)`, stay in it), quoting (\Q),
 * escapes of more than two characters. Under `(?i)` the literal is lower case
 * and stops at k and s: Unicode case folding maps the Kelvin sign and the long s
 * to them, which lower-casing the value does not.
 */
export function requiredLiteral(pattern: string): { text: string; caseInsensitive: boolean } | undefined {
  let i = 0;
  const ci = pattern.startsWith("(?i)");
  if (ci) i = 4;
  const runs: string[] = [];
  let run = "";
  const end = () => {
    if (run) runs.push(run);
    run = "";
  };
  // Skips a group or class starting at pattern[i]; false when it holds what we cannot judge.
  const skipNested = (): boolean => {
    let depth = 0;
    let inClass = 0;
    for (; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === "\\") {
        if (pattern[i + 1] === "Q") return false;
        i++;
        continue;
      }
      if (c === "[") {
        // A `]` first in a class: leave such classes to the engine.
        if (pattern[i + 1] === "]" || (pattern[i + 1] === "^" && pattern[i + 2] === "]")) return false;
        if (inClass > 0) {
          // Inside a class, `[:alpha:]` is one item in every dialect; any other `[` nests a class
          // in Java and Ruby but is a plain character in RE2 (its `]` then closes the outer
          // class, and what follows, a `|` too, is at the top level): leave those to the engine.
          const posix = /^\[:\^?[a-z]+:\]/.exec(pattern.slice(i, i + 16));
          if (!posix) return false;
          i += posix[0].length - 1;
          continue;
        }
        inClass++;
      }
      else if (c === "]" && inClass > 0) inClass--;
      else if (inClass === 0 && c === "(") {
        if (pattern[i + 1] === "?" && !":=!<>".includes(pattern[i + 2] ?? "") && !/^\(\?[a-zA-Z-]*:/.test(pattern.slice(i, i + 12))) return false;
        depth++;
      } else if (inClass === 0 && c === ")") depth--;
      if (depth === 0 && inClass === 0) {
        i++;
        return true;
      }
    }
    return false;
  };
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "|") return undefined;
    if (c === "(" || c === "[") {
      end();
      if (!skipNested()) return undefined;
      continue;
    }
    if (c === "\\") {
      const n = pattern[i + 1] ?? "";
      if (/[A-Za-z0-9]/.test(n) && !TWO_CHAR_ESCAPES.has(n)) return undefined;
      end();
      i += 2;
      continue;
    }
    if (c === "*" || c === "?" || c === "{") {
      // The quantified character is optional: it leaves the run.
      run = run.slice(0, -1);
      end();
      if (c === "{") {
        const close = pattern.indexOf("}", i);
        if (close < 0) return undefined;
        i = close + 1;
      } else i++;
      continue;
    }
    if (c === "+") {
      end();
      i++;
      continue;
    }
    if (LITERAL.test(c) && !(ci && /[ksKS]/.test(c))) run += ci ? c.toLowerCase() : c;
    else end();
    i++;
  }
  end();
  const best = runs.reduce((a, b) => (b.length > a.length ? b : a), "");
  return best.length >= 3 ? { text: best, caseInsensitive: ci } : undefined;
}

function ruby(pattern: string): VendorRegex {
  const r = rubyToRegExp(pattern);
  // Ruby's \G becomes a sticky (y) RegExp: `test` would start where the previous value's match ended.
  if (r instanceof RegExp)
    return {
      ok: true,
      test: (v) => {
        r.lastIndex = 0;
        return r.test(v);
      },
    };
  return { ok: false, ...r };
}

function re2(pattern: string): VendorRegex {
  const { RE2JS: Re2 } = require("re2js") as typeof import("re2js");
  try {
    const re = Re2.compile(pattern);
    return { ok: true, test: (v) => re.matcher(v).find() };
  } catch (e) {
    return { ok: false, invalid: true, message: (e as Error).message };
  }
}
