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
    r = memoized(vendor === "opsgenie" ? java(pattern) : vendor === "rootly" ? ruby(pattern) : re2(pattern));
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

function ruby(pattern: string): VendorRegex {
  const r = rubyToRegExp(pattern);
  if (r instanceof RegExp) return { ok: true, test: (v) => r.test(v) };
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
