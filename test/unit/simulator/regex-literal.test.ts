import { describe, expect, it } from "vitest";
import { RE2JS } from "re2js";
import { compileJavaMatches, JavaRegexError } from "../../../src/opsgenie/regex";
import { rubyToRegExp } from "../../../src/rootly/regex";
import { requiredLiteral, vendorRegex } from "../../../src/simulator/regex";

// Patterns skip their engine on a value without a literal every match contains (many distinct
// patterns against many alerts). The skip must never change an answer: each pattern and value
// here is decided with and without it. A wrong literal (a quantified character, a branch of a
// top-level |, a flag turned on mid-pattern, case folding) would fail these.
const PATTERNS = [
  "(?i).*\\bsvc-12\\b.*(timeout|error).*",
  "colou?r alarm",
  "alarm colou?r",
  "colou*r alarm",
  "colo{0,1}r alarm",
  "db|web-prod",
  ".*(?i)DISK full.*",
  "(?i).*disk full.*",
  "(?i).*kelvin.*",
  "(?i).*strasse.*",
  ".*(?i:DISK) full.*",
  "[]a]bcd.*",
  "foo\\x41bar",
  ".*\\Qa.b\\E-xyz.*",
  "prefix-(a|b)-suffix.*",
  "\\A\\[svc-3\\].*(?i:timeout)",
  "^\\[svc-3\\].*(timeout|error)",
  "abc+def",
];
const VALUES = ["svc-12 timeout", "alarm color", "alarm colour", "SVC-12 Error here", "color alarm", "colour alarm", "colr alarm", "db", "web-prod", "DISK FULL now", "disk full", "Disk Full", "\u212Aelvin", "KELVIN", "stra\u00dfe", "STRASSE", "stra\u017fse", "abcd", "]bcd", "fooAbar", "a.b-xyz", "prefix-a-suffix", "[svc-3] Timeout", "[svc-3] error", "abccdef", "abdef", ""];

function engines(pattern: string): { vendor: "opsgenie" | "rootly" | "flashduty"; test: (v: string) => boolean }[] {
  const out: { vendor: "opsgenie" | "rootly" | "flashduty"; test: (v: string) => boolean }[] = [];
  const j = compileJavaMatches(pattern);
  if (!(j instanceof JavaRegexError)) out.push({ vendor: "opsgenie", test: j.test });
  const r = rubyToRegExp(pattern);
  if (r instanceof RegExp) out.push({ vendor: "rootly", test: (v) => r.test(v) });
  try {
    const re = RE2JS.compile(pattern);
    out.push({ vendor: "flashduty", test: (v) => re.matcher(v).find() });
  } catch {
    /* not RE2 */
  }
  return out;
}

describe("a pattern's required literal never changes its answer", () => {
  it("finds literals only where they are sure", () => {
    expect(requiredLiteral("(?i).*\\bsvc-12\\b.*(timeout|error).*")).toEqual({ text: "vc-12", caseInsensitive: true });
    expect(requiredLiteral("colou?r alarm")).toEqual({ text: "r alarm", caseInsensitive: false });
    expect(requiredLiteral("db|web-prod")).toBeUndefined();
    expect(requiredLiteral(".*(?i)DISK full.*")).toBeUndefined();
    expect(requiredLiteral("foo\\x41bar")).toBeUndefined();
  });

  for (const pattern of PATTERNS)
    it(JSON.stringify(pattern), () => {
      for (const { vendor, test } of engines(pattern)) {
        const re = vendorRegex(vendor, pattern);
        expect(re.ok).toBe(true);
        if (!re.ok) continue;
        for (const v of VALUES) expect([vendor, v, re.test(v)]).toEqual([vendor, v, test(v)]);
      }
    });
});
