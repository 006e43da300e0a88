// Time zone names as the IANA tz database spells them, canonical zones and their links
// (`Asia/Kolkata`, `Asia/Calcutta`, `Etc/UTC`, `UTC`, `US/Pacific`), case-sensitive.
// The list comes from the `tzdata` package (the IANA database as JSON, MIT, no
// dependencies): Node's ICU lists canonical ids only (`Intl.supportedValuesOf` has
// `Asia/Calcutta` but not `Asia/Kolkata`) and its DateTimeFormat accepts any case.
// Loaded on the first time zone only. See src/opsgenie/NOTES.md.

let names: ReadonlySet<string> | undefined;
let source: "tzdata" | "icu" | undefined;

function load(): ReadonlySet<string> {
  if (names) return names;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const data = require("tzdata") as { zones: Record<string, unknown> };
    names = new Set(Object.keys(data.zones));
    source = "tzdata";
  } catch {
    // Without the package (it should be installed with us): ICU's canonical ids, the previous behaviour.
    names = new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);
    source = "icu";
  }
  return names;
}

/** True when `tz` is an IANA zone or link, spelled exactly as the tz database does. */
export function isTimeZone(tz: string): boolean {
  if (load().has(tz)) return true;
  if (source === "tzdata") return false;
  try {
    // ICU fallback: a name ICU resolves to itself (same case) is one of its canonical ids.
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone === tz;
  } catch {
    return false;
  }
}

/** Where the names come from: `tzdata` normally, `icu` when that package is missing (links then refused). */
export function timeZoneSource(): "tzdata" | "icu" {
  load();
  return source!;
}
