import { setting } from "./config";
import { distance } from "./distance";
import { isVendorError } from "./errors";
import { onceCache } from "./idioms";
import type { CheckFailure } from "./kit";
import { warn } from "./log";
import { credentialFingerprint } from "./rate-limit";
import { processGlobal } from "./registry";
import { asBackground, sharedDir, sharedList } from "./shared-lists";

// Preflight: at `check` (so at preview too), the objects a resource refers to (a team, a
// schedule, a channel...) must exist, or the preview fails naming the reference, with a
// did-you-mean from the vendor's own list. Only references that are new or changed against
// the old inputs are checked, so a steady preview makes no call; each collection is listed
// once per provider process (one run) per endpoint and credential.

/** An object of a vendor collection, as listed. */
export interface Known {
  id: string;
  name: string;
}

/** One reference of a resource's inputs to an object that must already exist. */
export interface Reference {
  /** Where it is in the inputs, as check failures name it (`teamName`, `cases[0].channelIds[1]`). */
  property: string;
  /** What it names, singular, for messages: `team`, `schedule`, `channel`. */
  what: string;
  /** The collection it is looked up in (`teams`, `schedules`, `escalations:<teamId>`). */
  collection: string;
  /** Matched against the listed names or ids. */
  by: "name" | "id";
  value: string;
  /** Where it resolves (an account, an endpoint): the same value under another scope is a new reference. */
  scope?: string;
}

/** Where one scope's lists come from. */
export interface ListSource {
  /** For messages, no credential: `account default (api.opsgenie.com)`. */
  where: string;
  /** Distinct per endpoint and credential, without the credential (see `sourceKey`). */
  key: string;
  list(collection: string): Promise<Known[]>;
}

const OFF = new Set(["false", "0", "off", "no"]);

/** `<vendor>:preflight` (stack config) or `<VENDOR>_PREFLIGHT` (env) set to false turns the checks off. */
export function preflightEnabled(vendor: string): boolean {
  const v = setting(vendor, "preflight", `${vendor.toUpperCase()}_PREFLIGHT`);
  return v === undefined || !OFF.has(v.trim().toLowerCase());
}

/** A cache key for an endpoint and credential that does not hold the credential. */
export function sourceKey(baseUrl: string, credential: string): string {
  return `${baseUrl}\u0000${credentialFingerprint(credential)}`;
}

/** The references of `news` that `olds` does not have (same property, value and scope): only these are checked. */
export function changedReferences(news: readonly Reference[], olds: readonly Reference[] | undefined): Reference[] {
  const seen = new Set((olds ?? []).map(refKey));
  return news.filter((r) => !seen.has(refKey(r)));
}

const refKey = (r: Reference) => `${r.property}\u0000${r.by}\u0000${r.value}\u0000${r.scope ?? ""}`;

/**
 * The collection, listed once per process per source and collection (a failed list is tried
 * again next time), and shared for a short time with the machine's other provider processes
 * (`shared-lists.ts`): the update after a preview, parallel stacks on one token. Its calls
 * give way to writes (`asBackground`): a list that would wait long for budget, or meets a 429,
 * fails and the check is skipped with a notice. `fresh` lists anew (and shares that).
 */
export async function listedFrom(vendor: string, source: ListSource, collection: string, fresh = false): Promise<{ known: Known[]; shared: boolean }> {
  const key = `${vendor}\u0000${source.key}\u0000${collection}`;
  return onceCache<{ known: Known[]; shared: boolean }>("preflight-lists.v2")(`${key}${fresh ? "\u0000fresh" : ""}`, async () => {
    const load = () => asBackground(() => source.list(collection));
    const dir = sharedDir();
    if (!dir) return { known: await load(), shared: false };
    const r = await sharedList(dir, key, load, { fresh });
    return { known: r.value, shared: r.shared };
  });
}

export async function listed(vendor: string, source: ListSource, collection: string): Promise<Known[]> {
  return (await listedFrom(vendor, source, collection)).known;
}

/** One line per process and key (a skipped check is said once, not per resource). */
export function warnOnce(key: string, message: string): void {
  const said = processGlobal("preflight-warned.v1", () => new Set<string>());
  if (said.has(key)) return;
  said.add(key);
  warn(message);
}

/**
 * The listed object a mistyped value most likely meant: an exact match ignoring case, else
 * the nearest by edit distance within about a third of the name (a sixth of an id).
 */
export function didYouMean(value: string, known: readonly Known[], by: "name" | "id"): Known | undefined {
  const field = (k: Known) => (by === "name" ? k.name : k.id);
  const lower = value.toLowerCase();
  const same = known.find((k) => field(k).toLowerCase() === lower);
  if (same) return same;
  const limit = Math.max(1, Math.floor(value.length / (by === "name" ? 3 : 6)));
  let best: { k: Known; d: number } | undefined;
  for (const k of known) {
    const d = distance(lower, field(k).toLowerCase());
    if (d <= limit && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}

const quote = (s: string) => JSON.stringify(s);

/** The failure for a reference the list does not hold, or undefined when it does. */
export function missingReference(ref: Reference, known: readonly Known[], where: string): CheckFailure | undefined {
  if (known.some((k) => (ref.by === "name" ? k.name === ref.value : k.id === ref.value))) return undefined;
  const shown = ref.by === "name" ? quote(ref.value) : ref.value;
  let reason = `${ref.what} ${shown} (${ref.property}) does not exist on ${where}`;
  const guess = didYouMean(ref.value, known, ref.by);
  if (guess) reason += `; did you mean ${ref.by === "name" ? quote(guess.name) : `${guess.id} (${quote(guess.name)})`}?`;
  else if (known.length) {
    const some = known.slice(0, 5).map((k) => (ref.by === "name" ? quote(k.name) : `${k.id} (${quote(k.name)})`));
    reason += `; listed there: ${some.join(", ")}${known.length > 5 ? ` and ${known.length - 5} more` : ""}`;
  } else reason += "; none is listed there";
  return { property: ref.property, reason };
}

/**
 * Checks `refs` (already narrowed to changed ones) against the lists of `source`. A list
 * that cannot be read is said once and skipped: the write at `up` reports what is wrong.
 */
export async function checkReferences(vendor: string, refs: readonly Reference[], source: ListSource): Promise<CheckFailure[]> {
  const failures: CheckFailure[] = [];
  for (const ref of refs) {
    let f: CheckFailure | undefined;
    try {
      const l = await listedFrom(vendor, source, ref.collection);
      f = missingReference(ref, l.known, source.where);
      // Another run's list may predate the object: a reference it lacks is looked for anew.
      if (f && l.shared) f = missingReference(ref, (await listedFrom(vendor, source, ref.collection, true)).known, source.where);
    } catch (e) {
      if (isVendorError(e, "not_found") && ref.collection.includes(":")) continue;
      warnOnce(`${vendor}\u0000${source.key}\u0000${ref.collection}`, `${vendor}: could not list ${ref.what}s on ${source.where} to check that they exist (${e instanceof Error ? e.message : String(e)}); they are checked when written`);
      continue;
    }
    if (f) failures.push(f);
  }
  return failures;
}

/**
 * Runs a vendor's checks unless turned off. A missing credential (a config error) skips
 * them with one warning per process, so preview still works offline; any other failure
 * to check is said once too and never fails the preview (the write reports it).
 */
export async function preflight(vendor: string, what: string, run: () => Promise<CheckFailure[]>): Promise<CheckFailure[]> {
  if (!preflightEnabled(vendor)) return [];
  try {
    return await run();
  } catch (e) {
    const text = (e instanceof Error ? e.message : String(e)).replace(new RegExp(`^${vendor}: `), "");
    if (isVendorError(e, "config"))
      warnOnce(`${vendor}\u0000skipped`, `${vendor}: preview skipped checking that ${what} exist: ${text.split(". ")[0]} (turn these checks off with ${vendor}:preflight false)`);
    else warnOnce(`${vendor}\u0000failed:${text}`, `${vendor}: preview could not check that ${what} exist (${text}); they are checked when written`);
    return [];
  }
}
