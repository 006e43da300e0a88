import { describe, expect, it } from "vitest";
import { re2Problem } from "../../../src/flashduty/regex";
import { javaRegexError } from "../../../src/opsgenie/regex";
import { rubyRegexError } from "../../../src/rootly/regex";
import { routingFromArgs, simulate } from "../../../src/simulator";
import { vendorRegex } from "../../../src/simulator/regex";
import type { Vendor } from "../../../src/simulator/types";

// Each vendor's regular expressions with that vendor's own meaning. Every row is
// [pattern, value, expected]: true/false = matches or not (Opsgenie: the whole value,
// Java's String.matches; Rootly: Ruby's `=~`, anywhere; Flashduty: Go's RE2
// MatchString, anywhere); "invalid" = the vendor's engine refuses the pattern (check
// rejects it); "cannot" = valid, but not exactly evaluable here (check accepts it, the
// simulator reports "cannot evaluate"). Sources: java.util.regex.Pattern javadoc (J),
// Ruby's Regexp docs / Onigmo doc/RE (R), RE2 syntax wiki (G).
type Row = [pattern: string, value: string, expected: boolean | "invalid" | "cannot", doc: string];

const opsgenie: Row[] = [
  ["(?i).*error.*", "Disk ERROR on db-1", true, "J: embedded flag (?i) CASE_INSENSITIVE"],
  [".*error.*", "Disk ERROR on db-1", false, "J: case-sensitive by default"],
  ["db-\\d+", "db-12", true, "J: \\d digit"],
  ["db-\\d+", "db-12 down", false, "J: Matcher.matches matches the entire region"],
  ["db", "mydb", false, "J: matches is the whole value, not a search"],
  ["\\Aeu-.*\\z", "eu-west-1", true, "J: \\A beginning, \\z end of input"],
  ["eu-.*\\Z\\n", "eu-west-1\n", true, "J: \\Z end but for the final terminator"],
  ["a$", "a\n", false, "J: $ may stop before a final line terminator, but matches needs the whole input"],
  ["a+b", "aaab", true, "J: greedy X+"],
  ["a++a", "aaa", false, "J: possessive X++ never backs off"],
  ["a*+b", "aaab", true, "J: possessive X*+"],
  ["(?>ab|a)b", "ab", false, "J: (?>X) independent (atomic) group"],
  ["(?>ab|a)b", "abb", true, "J: atomic group"],
  ["\\Qa.b\\E", "a.b", true, "J: \\Q…\\E quotes"],
  ["\\Qa.b\\E", "axb", false, "J: \\Q…\\E quotes the dot"],
  ["[a-z&&[^aeiou]]+", "bcd", true, "J: && intersection"],
  ["[a-z&&[^aeiou]]+", "bad", false, "J: && intersection (a is a vowel)"],
  ["[a-c[x-z]]+", "axz", true, "J: [a-d[m-p]] union"],
  ["(?i)[a-c]+", "ABC", true, "J: CASE_INSENSITIVE applies to classes"],
  [".", "\n", false, "J: . excludes line terminators"],
  ["(?s).", "\n", true, "J: DOTALL (?s)"],
  [".", "\r", false, "J: \\r is a line terminator"],
  ["(?d).", "\r", true, "J: UNIX_LINES (?d): only \\n ends a line"],
  ["\\s", "\u00a0", false, "J: \\s is [ \\t\\n\\x0B\\f\\r]"],
  ["\\s", "\u000b", true, "J: \\s includes \\x0B"],
  ["\\w+", "héllo", false, "J: \\w is [a-zA-Z_0-9]"],
  ["\\p{L}+", "héllo", true, "J: \\p{L} Unicode letter"],
  ["\\p{Lu}", "É", true, "J: \\p{Lu} uppercase letter"],
  ["\\p{Alpha}+", "abc", true, "J: POSIX \\p{Alpha} (US-ASCII)"],
  ["\\p{Alpha}", "é", false, "J: POSIX classes are US-ASCII only"],
  ["\\p{IsLatin}+", "abc", true, "J: \\p{IsLatin} script"],
  ["\\p{InGreek}", "α", "cannot", "J: \\p{InGreek} block (no JS equivalent)"],
  ["(a)\\1", "aa", true, "J: \\n back reference"],
  ["(?<n>x)\\k<n>", "xx", true, "J: \\k<name> named back reference"],
  ["(?i)(a)\\1", "aA", "cannot", "J: back reference under CASE_INSENSITIVE"],
  ["(?x) a b # comment", "ab", true, "J: COMMENTS (?x): whitespace and # comments ignored"],
  ["a(?=b).", "ab", true, "J: (?=X) lookahead"],
  ["a(?!c).", "ac", false, "J: (?!X) negative lookahead"],
  [".(?<=a)b", "ab", true, "J: (?<=X) lookbehind"],
  ["P[12]", "P1", true, "opsgenie-facts: priority compared by matches"],
  ["[]a]+", "]a", true, "J: ] first in a class is literal"],
  ["\\x41\\u00e9\\0101", "AéA", true, "J: \\xhh, \\uhhhh, \\0ooo"],
  ["\\x{1F600}", "😀", true, "J: \\x{h…h} code point"],
  ["\\t\\cA", "\t\u0001", true, "J: \\t, \\cx control"],
  ["a{2,3}", "aaa", true, "J: X{n,m}"],
  ["a{2,3}", "aaaa", false, "J: X{n,m} at most m"],
  ["a{2,}?", "aaaa", true, "J: reluctant X{n,}?"],
  ["(?i)é", "É", false, "J: CASE_INSENSITIVE is US-ASCII unless UNICODE_CASE"],
  ["(?iu)é", "É", true, "J: UNICODE_CASE (?u)"],
  ["(?i)a(?-i)b", "Ab", true, "J: (?-i) turns the flag off"],
  ["(?i)a(?-i)b", "AB", false, "J: (?-i) turns the flag off"],
  ["(?i:a)b", "AB", false, "J: (?i:X) applies to X only"],
  ["(?m)a$\\n^b", "a\nb", true, "J: MULTILINE (?m): ^ and $ at line terminators"],
  ["a$\\n^b", "a\nb", false, "J: without MULTILINE ^ is the start of input"],
  ["\\R", "\r\n", true, "J: \\R linebreak"],
  ["\\R\\n", "\r\n", false, "J: \\R is atomic: \\r\\n is not split"],
  ["\\h\\v", " \n", true, "J: \\h horizontal, \\v vertical whitespace"],
  [".*\\bfoo\\b.*", "a foo b", true, "J: \\b word boundary"],
  [".*\\bfoo\\b.*", "afoob", false, "J: \\b word boundary"],
  ["x|y", "y", true, "J: X|Y"],
  ["(?U)\\w", "é", "cannot", "J: UNICODE_CHARACTER_CLASS (?U)"],
  ["\\X", "e\u0301", "cannot", "J: \\X grapheme cluster"],
  ["(", "", "invalid", "J: unclosed group"],
  ["[a-", "", "invalid", "J: unclosed character class"],
  ["*a", "", "invalid", "J: dangling meta character"],
  ["{", "{", "invalid", "J: illegal repetition"],
  ["a{3,2}", "", "invalid", "J: illegal repetition range"],
  ["(?<=a+)b", "", "invalid", "J: lookbehind needs an obvious maximum length"],
  ["\\k<nope>", "", "invalid", "J: named group does not exist"],
  ["\\y", "y", "invalid", "J: a backslash before a letter that is no escape is an error"],
  ["(?z)a", "", "invalid", "J: unknown inline modifier"],
];

const rootly: Row[] = [
  ["\\A(eu|us)-", "eu-west-1", true, "R: \\A beginning of string"],
  ["(?i)^EU-", "eu-west-1", true, "R: (?i) option"],
  ["west-1\\z", "eu-west-1", true, "R: \\z end of string"],
  ["west-1\\Z", "eu-west-1\n", true, "R: \\Z end, before a final newline"],
  ["west-1\\z", "eu-west-1\n", false, "R: \\z is the very end"],
  ["^db", "web\ndb-1", true, "R: ^ is the beginning of a line"],
  ["\\Adb", "web\ndb-1", false, "R: \\A only the string's start"],
  ["prod$", "prod\nx", true, "R: $ is the end of a line"],
  ["a.c", "a\nc", false, "R: . excludes newline"],
  ["(?m)a.c", "a\nc", true, "R: (?m) makes . match newline"],
  ["\\h+", "beef", true, "R: \\h hex digit"],
  ["\\h", "xyz", false, "R: \\h hex digit"],
  ["[[:alpha:]]", "é", true, "R: POSIX brackets are Unicode"],
  ["\\w", "é", false, "R: \\w is [a-zA-Z0-9_]"],
  ["\\d", "٣", false, "R: \\d is [0-9]"],
  ["\\s", "\u00a0", false, "R: \\s is [ \\t\\r\\n\\f\\v]"],
  ["\\bfoo\\b", "a foo b", true, "R: \\b word boundary"],
  ["\\bfoo\\b", "éfooé", true, "R: \\b is ASCII-based like \\w"],
  ["(?<n>a)\\k<n>", "xaa", true, "R: named group and \\k<name>"],
  ["(a)\\1", "baa", true, "R: back reference"],
  ["a++b", "aaab", true, "R: possessive ++"],
  ["a++a", "aaa", false, "R: possessive never backtracks"],
  ["(?>a+)a", "aaa", false, "R: atomic group"],
  ["(?x) a b # c", "ab", true, "R: (?x) extended"],
  ["(?#note)abc", "abc", true, "R: (?#…) comment"],
  ["(?i:ab)c", "ABc", true, "R: (?i:…) scoped option"],
  ["(?i:ab)c", "ABC", false, "R: (?i:…) scoped option"],
  ["a(?i)b", "aB", true, "R: (?i) to the group's end"],
  ["a(?i)b", "AB", false, "R: (?i) to the group's end"],
  ["(?<=\\$)\\d+", "$42", true, "R: lookbehind"],
  ["foo(?!bar)", "foobar", false, "R: negative lookahead"],
  ["foo(?!bar)", "foobaz", true, "R: negative lookahead"],
  ["[a-z&&[^aeiou]]", "e", false, "R: && intersection"],
  ["[a-z&&[^aeiou]]", "b", true, "R: && intersection"],
  ["x{2,3}", "xx", true, "R: {n,m}"],
  ["\\p{Greek}", "α", true, "R: \\p{Greek} script"],
  ["[]a]", "]", true, "R: ] first in a class"],
  ["\\Gfoo", "xfoo", false, "R: \\G where the match starts (the string's start)"],
  ["(?d)\\w", "a", true, "R: (?d) default character set"],
  ["(?a)\\w+", "abc", true, "R: (?a) ASCII character set"],
  ["payments|checkout", "checkout-web", true, "R: alternation, a search"],
  ["a(?~b)c", "axxc", true, "R: (?~…) absence operator"],
  ["a(?~b)c", "abc", false, "R: (?~…) absence operator"],
  ["(?u)\\w", "é", "cannot", "R: (?u) Unicode character set"],
  ["(?(1)a|b)", "b", "cannot", "R: conditional group"],
  ["\\X", "e", "cannot", "R: \\X grapheme cluster"],
  ["(", "", "invalid", "R: end pattern with unmatched parenthesis"],
  ["[a", "", "invalid", "R: premature end of char-class"],
  ["*a", "", "invalid", "R: target of repeat operator is not specified"],
  ["a)", "", "invalid", "R: unmatched close parenthesis"],
  ["(?z)a", "", "invalid", "R: undefined group option"],
  ["\\1(a)", "", "invalid", "R: invalid backref number"],
  ["[[:foo:]]", "", "invalid", "R: invalid POSIX bracket type"],
];

const flashduty: Row[] = [
  ["billing", "old-billing-eu", true, "G: MatchString searches"],
  ["^billing", "old-billing", false, "G: ^ start of text"],
  ["(?i)disk full", "DISK FULL on db", true, "G: (?i) case-insensitive"],
  ["^(prod|staging)$", "staging", true, "G: alternation"],
  ["\\d+", "abc123", true, "G: \\d"],
  ["\\d", "٣", false, "G: \\d is [0-9]"],
  ["\\bfoo\\b", "a foo b", true, "G: \\b ASCII word boundary"],
  ["(?s)a.b", "a\nb", true, "G: (?s) . matches \\n"],
  ["a.b", "a\nb", false, "G: . excludes \\n by default"],
  ["(?m)^b", "a\nb", true, "G: (?m) multi-line"],
  ["^b", "a\nb", false, "G: ^ start of text by default"],
  ["\\Aab", "ab", true, "G: \\A beginning of text"],
  ["ab\\z", "xab", true, "G: \\z end of text"],
  ["\\pL+", "é", true, "G: \\pL Unicode letter"],
  ["\\p{Greek}", "α", true, "G: \\p{Greek} script"],
  ["[[:alpha:]]", "a", true, "G: POSIX class"],
  ["[[:alpha:]]", "1", false, "G: POSIX class"],
  ["\\w", "é", false, "G: \\w is [0-9A-Za-z_]"],
  ["\\s", "\u00a0", false, "G: \\s is [\\t\\n\\f\\r ]"],
  ["(?P<name>x)", "x", true, "G: (?P<name>re) named group"],
  ["x{2,3}", "xx", true, "G: x{n,m}"],
  ["x{2,3}", "x", false, "G: x{n,m}"],
  ["a|b", "b", true, "G: alternation"],
  ["\\x41", "A", true, "G: \\x7F hex"],
  ["\\x{1F600}", "😀", true, "G: \\x{10FFFF} hex"],
  ["[^a-z]", "A", true, "G: negated class"],
  ["\\Q.*\\E", "a.*b", true, "G: \\Q…\\E literal text"],
  ["\\Q.*\\E", "ab", false, "G: \\Q…\\E literal text"],
  ["(?i)é", "É", true, "G: (?i) is Unicode case folding"],
  ["a*?b", "aaab", true, "G: x*? non-greedy"],
  ["(?U)a+", "aaa", true, "G: (?U) ungreedy"],
  ["[\\d\\-]+", "12-3", true, "G: escapes inside a class"],
  ["\\.", "a.b", true, "G: escaped punctuation"],
  ["\\.", "ab", false, "G: escaped punctuation"],
  ["(?i)^EU-", "eu-west-1", true, "G: flags then anchor"],
  ["disk(?=full)", "diskfull", "invalid", "G: no lookahead"],
  ["(?<=a)b", "ab", "invalid", "G: no lookbehind"],
  ["(a)\\1", "aa", "invalid", "G: no backreferences"],
  ["(?>a)", "a", "invalid", "G: no atomic groups"],
  ["a++", "a", "invalid", "G: no possessive quantifiers"],
  ["a{1001}", "a", "invalid", "G: repetition counts up to 1000"],
  ["\\cA", "\u0001", "invalid", "G: no \\cX"],
  ["(", "", "invalid", "G: missing )"],
  ["[a", "", "invalid", "G: missing ]"],
  ["*a", "", "invalid", "G: missing argument to repetition operator"],
];

const checkError: Record<Vendor, (p: string) => string | undefined> = { opsgenie: javaRegexError, rootly: rubyRegexError, flashduty: re2Problem };

describe.each([
  ["opsgenie", opsgenie],
  ["rootly", rootly],
  ["flashduty", flashduty],
] as [Vendor, Row[]][])("%s regular expressions", (vendor, rows) => {
  it("the table has at least 40 patterns", () => expect(new Set(rows.map((r) => r[0])).size).toBeGreaterThanOrEqual(40));

  it.each(rows.map((r) => [r[3], ...r] as const))("%s: %j on %j -> %j", (_doc, pattern, value, expected) => {
    const re = vendorRegex(vendor, pattern);
    if (expected === true || expected === false) {
      expect(re.ok ? re.test(value) : re.message).toBe(expected);
    } else {
      expect(re.ok).toBe(false);
      if (!re.ok) expect(re.invalid ? "invalid" : "cannot").toBe(expected);
    }
    // check agrees with the simulator's engine: it refuses exactly what the engine finds invalid.
    expect(checkError[vendor](pattern) !== undefined).toBe(expected === "invalid");
  });
});

describe("a pattern that cannot be evaluated is never a silent non-match", () => {
  it("Opsgenie: the team's outcome is cannot-evaluate, naming the pattern", () => {
    const routing = routingFromArgs({
      opsgenie: [{ teamName: "Ops", name: "Greek", order: 0, criteria: { type: "match-all-conditions", conditions: [{ field: "message", operation: "matches", expectedValue: "\\p{InGreek}+" }] }, notify: { type: "escalation", name: "E" } }],
    });
    const u = simulate(routing, { opsgenie: { message: "αβ" } }).units[0];
    expect(u.outcome).toBe("cannot-evaluate");
    expect(u.cannotEvaluate?.join()).toContain("\\\\p{InGreek}+");
  });

  it("Opsgenie: a failing AND-ed condition still decides (the rule is skipped)", () => {
    const routing = routingFromArgs({
      opsgenie: [
        {
          teamName: "Ops",
          name: "Greek",
          order: 0,
          criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: "P1" }, { field: "message", operation: "matches", expectedValue: "\\p{InGreek}+" }] },
          notify: { type: "escalation", name: "E" },
        },
      ],
    });
    expect(simulate(routing, { opsgenie: { message: "αβ", priority: "P3" } }).units[0].outcome).toBe("default");
  });

  it("Rootly and Flashduty: cannot-evaluate too", () => {
    const rootlyRouting = routingFromArgs({
      rootly: [{ name: "R", alertsSourceIds: ["s"], rules: [{ name: "u", conditionGroups: [{ conditions: [{ propertyFieldConditionType: "matches_regex", propertyFieldType: "payload", propertyFieldName: "m", propertyFieldValue: "(?u)\\w" }] }], destinations: [{ targetType: "Service", targetId: "x" }] }] }],
    });
    expect(simulate(rootlyRouting, { rootly: { payload: { m: "é" } } }).units[0].outcome).toBe("cannot-evaluate");
    const fdRouting = routingFromArgs({ flashduty: [{ integrationId: 1, cases: [{ if: [{ key: "title", oper: "IN", vals: ["/disk(?=full)/"] }], channelIds: [1] }], default: { channelIds: [2] } }] });
    const u = simulate(fdRouting, { flashduty: { title: "diskfull" } }).units[0];
    expect([u.outcome, u.cannotEvaluate?.[0]]).toEqual(["cannot-evaluate", expect.stringContaining("/disk(?=full)/")]);
  });
});
