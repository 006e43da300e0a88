// Flashduty matches `/.../` values with Go's RE2. check compiles them with re2js (a port
// of RE2, the same one the emulator uses) so what passes is what Go's regexp takes:
// inline flags `(?i)` yes; lookaround, backreferences, atomic groups, possessive
// quantifiers, `\cX` and counts over 1,000 no. RE2's message is kept, with a hint
// for the constructs people bring from other flavours.
import type { RE2JS } from "re2js";

let re2: typeof RE2JS | undefined;

/** Hints for RE2's refusals of constructs other flavours (PCRE, JS) have. */
const HINTS: [RegExp, string][] = [
  [/`\(\?[=!]/, "lookahead ((?= or (?!) is not supported by RE2"],
  [/`\(\?<[=!]/, "lookbehind ((?<= or (?<!) is not supported by RE2"],
  [/`\(\?>/, "atomic groups ((?>...)) are not supported by RE2"],
  [/escape sequence: `\\[1-9]/, "backreferences (\\1) are not supported by RE2"],
  [/escape sequence: `\\k/, "named backreferences (\\k<name>) are not supported by RE2"],
  [/escape sequence: `\\c/, "control escapes (\\cX) are not supported by RE2; use \\x01-style escapes"],
  [/invalid repeat count/, "repetition counts go up to 1000, and the maximum may not be below the minimum"],
  [/nested repetition operator: `[*+?}]?\+/, "possessive quantifiers (a++) are not supported by RE2"],
  [/`\(\?[^)]/, "RE2 takes the inline flags i, m, s, U ((?i), (?i:...)) and named groups (?P<name>...) / (?<name>...)"],
];

/** Why `src` (the text between the slashes) is not an RE2 pattern, or undefined. */
export function re2Problem(src: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  re2 ??= (require("re2js") as typeof import("re2js")).RE2JS;
  try {
    re2.compile(src);
    return undefined;
  } catch (e) {
    const message = (e as Error).message.replace(/^error parsing regexp: /, "");
    const hint = HINTS.find(([re]) => re.test(message))?.[1];
    return `is not a valid RE2 pattern: ${message}${hint ? ` (${hint})` : ""}`;
  }
}
