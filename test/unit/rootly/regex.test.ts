import { describe, expect, it } from "vitest";
import { rubyRegexError } from "../../../src/rootly/regex";

// Rootly evaluates matches_regex in Ruby: every valid Ruby construct passes check,
// broken patterns still fail.
describe("matches_regex validity (Ruby syntax)", () => {
  it.each([
    "(?i)^db-",
    "(?i:abc)",
    "(?m)a.b",
    "(?mi-x:y)",
    "(?-i)x",
    "(?x) a b # ( a comment may hold anything",
    "(?>a+)b",
    "a++b",
    "a{1,2}+",
    "\\++",
    "\\Aabc\\z",
    "\\h+\\H",
    "[[:alpha:]]+",
    "[^[:space:]]",
    "[:alpha:]",
    "[a-z&&[^aeiou]]",
    "(?<n>a)\\k<n>",
    "(?'n'a)",
    "(?#comment)a",
    "[]a]",
    "[^]a]",
    "(?<=a)b(?!c)",
    "^pay-.*",
  ])("accepts %s", (p) => expect(rubyRegexError(p)).toBeUndefined());

  it.each(["(", "([a-z", "*a", "a)", "[a", "(?i", "a\\"])("refuses %s", (p) => expect(rubyRegexError(p)).toEqual(expect.any(String)));
});
