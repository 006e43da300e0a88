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
    // Every inline option Onigmo's Ruby syntax has: i m x on/off, d a u (character sets) on, scoped or to the end.
    "(?a)\\w+",
    "(?u)\\w",
    "(?d)x",
    "(?ia)x",
    "(?imx-imx)a",
    "(?mix:a)b",
    "(?i-:a)",
    "a(?i)",
    "(?i)",
    "((?i)a)b",
    "(?i:(?-i:a))",
    "(?x: a # a comment with ( in a scoped group\n)b",
    "(?x)(a # ( \n)(?-x: )",
  ])("accepts %s", (p) => expect(rubyRegexError(p)).toBeUndefined());

  it.each(["(", "([a-z", "*a", "a)", "[a", "(?i", "a\\", "(?z)a", "(?i)[a-", "(?x:a # )"])("refuses %s", (p) => expect(rubyRegexError(p)).toEqual(expect.any(String)));
});
