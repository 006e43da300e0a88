// Opsgenie's `matches` condition takes a "Java-like" regular expression (its
// regular-expressions doc page) and, being Java's String.matches, must match the
// whole value. JavaScript's RegExp differs from java.util.regex in ways that
// silently change results (inline flags `(?i)`, `\A`/`\z`, possessive
// quantifiers, atomic groups, `\Q…\E`, class intersection, `.`, `$`, `\s`), so we
// translate Java's syntax into an equivalent JS pattern (v flag, no other flags:
// case-insensitivity, dot and anchors are spelled out explicitly so every Java
// flag keeps its Java meaning). Constructs that cannot be translated exactly are
// refused as "unsupported" (the simulator reports "cannot evaluate"); what Java
// itself refuses is "invalid" (check rejects it).

import { JavaRegexError } from "./regex/scanner";
import { Translator } from "./regex/translator";

export { JavaRegexError };

/** The JS source (v flag) of a whole-string match of Java pattern `pattern`; throws JavaRegexError. */
export function javaToJs(pattern: string): string {
  return `^(?:${new Translator(pattern).run()})$`;
}

/** Why Opsgenie (Java) would refuse `pattern`, or undefined. Unsupported-but-valid patterns pass (the simulator says "cannot evaluate"). */
export function javaRegexError(pattern: string): string | undefined {
  try {
    new RegExp(javaToJs(pattern), "v");
    return undefined;
  } catch (e) {
    if (e instanceof JavaRegexError) return e.kind === "invalid" ? e.message : undefined;
    throw e;
  }
}

/** A whole-string matcher for a Java pattern, or a JavaRegexError (invalid, or not exactly evaluable). */
export function compileJavaMatches(pattern: string): { test(value: string): boolean } | JavaRegexError {
  try {
    const re = new RegExp(javaToJs(pattern), "v");
    return { test: (v) => re.test(v) };
  } catch (e) {
    if (e instanceof JavaRegexError) return e;
    return new JavaRegexError("unsupported", `the translated pattern did not compile (${(e as Error).message})`, 0);
  }
}
