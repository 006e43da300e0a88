// The vendor's documented rules, encoded here from the docs (../shared/vendor-docs/flashduty-*),
// never taken from the provider: if both sides shared a table, a wrong table would pass both.
import { isIP } from "node:net";
import type { RE2JS } from "re2js";
import type { EmuRouteCase, RouteContentWrite } from "./state";

/** Documented limits of the mapping API (flashduty-facts.md, mapping-data-upsert). */
export const MAPPING_LIMITS = {
  docsPerUpsert: 1000,
  valueChars: 2048,
  keysPerDelete: 100,
  listLimit: 100,
  /** Page-number paging stops at p * limit <= 10,000. */
  pageWindow: 10_000,
  /** `total` in a list reply caps at 1,000. */
  listTotalCap: 1000,
  rowsPerSchema: 10_000,
} as const;

/** A MongoDB ObjectID in hex. */
export const SCHEMA_ID = /^[0-9a-f]{24}$/i;

export const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
export const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

// ---------- match values ----------
// Documented kinds: a literal, a wildcard (`*`, `?`), `/regex/` (Go's RE2), `cidr:10.0.0.0/8`, `num:lt:100`.

let re2: typeof RE2JS | undefined;
function re2Error(pattern: string): string | undefined {
  // re2js (a port of RE2) stands in for Go's regexp; loaded on the first regex only.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  re2 ??= (require("re2js") as typeof import("re2js")).RE2JS;
  try {
    re2.compile(pattern);
    return undefined;
  } catch (e) {
    return `is not a valid RE2 pattern (${(e as Error).message})`;
  }
}

function cidrError(prefix: string): string | undefined {
  const [ip = "", bits = "", ...rest] = prefix.split("/");
  const family = isIP(ip);
  const max = family === 4 ? 32 : family === 6 ? 128 : 0;
  return max && !rest.length && /^\d+$/.test(bits) && Number(bits) <= max ? undefined : `cidr:${prefix} is not an IP prefix such as cidr:10.0.0.0/8`;
}

// What Go's strconv.ParseFloat reads as a finite decimal number.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function numError(spec: string): string | undefined {
  const i = spec.indexOf(":");
  const op = spec.slice(0, i);
  return i > 0 && ["gt", "ge", "lt", "le"].includes(op) && DECIMAL.test(spec.slice(i + 1)) ? undefined : `num:${spec} is not num:gt|ge|lt|le:<number>`;
}

/** Why a match value is refused, or undefined: literals and wildcards are any text. */
export function matchValueError(v: string): string | undefined {
  if (v.length >= 2 && v.startsWith("/") && v.endsWith("/")) return re2Error(v.slice(1, -1));
  if (v.startsWith("cidr:")) return cidrError(v.slice(5));
  if (v.startsWith("num:")) return numError(v.slice(4));
  return undefined;
}

// ---------- routing rule ----------

type HasChannel = (id: number) => boolean;

function conditionsError(conds: unknown, at: string): string | undefined {
  if (!Array.isArray(conds) || conds.length === 0) return `${at}.if must have at least one condition`;
  for (let j = 0; j < conds.length; j++) {
    const cond = conds[j] as Record<string, unknown>;
    if (typeof cond.key !== "string" || !cond.key) return `${at}.if[${j}].key is required`;
    if (cond.oper !== "IN" && cond.oper !== "NOTIN") return `${at}.if[${j}].oper must be IN or NOTIN`;
    if (!isStrArr(cond.vals) || cond.vals.length === 0) return `${at}.if[${j}].vals must have at least one value`;
    for (let k = 0; k < cond.vals.length; k++) {
      const p = matchValueError(cond.vals[k]);
      if (p) return `${at}.if[${j}].vals[${k}] ${p}`;
    }
  }
  return undefined;
}

function caseError(c: Record<string, unknown>, at: string, hasChannel: HasChannel): string | undefined {
  const p = conditionsError(c.if, at);
  if (p) return p;
  if (typeof c.fallthrough !== "boolean") return `${at}.fallthrough is required`;
  // Empty routing mode means standard.
  const mode = c.routing_mode ?? "";
  if (mode !== "" && mode !== "standard" && mode !== "name_mapping") return `${at}.routing_mode must be standard or name_mapping`;
  const ch = c.channel_ids ?? [];
  if (!Array.isArray(ch) || !ch.every(isInt)) return `${at}.channel_ids must be a list of ids`;
  if (mode === "name_mapping") {
    if (ch.length) return `${at}.channel_ids must be empty for name_mapping`;
    if (typeof c.name_mapping_label !== "string" || !c.name_mapping_label) return `${at}.name_mapping_label is required for name_mapping`;
    return undefined;
  }
  if (!ch.length) return `${at}.channel_ids is required for standard routing`;
  for (const id of ch) if (!hasChannel(id)) return `${at}.channel_ids: channel ${id} not found`;
  return undefined;
}

/** Sections: unique names, each starting at an index 0..len(cases). */
function sectionsError(sections: unknown, nCases: number): string | undefined {
  if (!Array.isArray(sections)) return "sections must be a list";
  const names = new Set<string>();
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i] as Record<string, unknown>;
    if (typeof s.name !== "string" || !s.name) return `sections[${i}].name is required`;
    if (names.has(s.name)) return `sections[${i}].name "${s.name}" is not unique`;
    names.add(s.name);
    const pos = s.position ?? 0;
    if (!isInt(pos) || pos < 0 || pos > nCases) return `sections[${i}].position must be between 0 and ${nCases}`;
  }
  return undefined;
}

function defaultError(d: unknown, hasChannel: HasChannel): string | undefined {
  if (d === undefined || d === null) return undefined;
  const ch = (d as Record<string, unknown>).channel_ids ?? [];
  if (!Array.isArray(ch) || !ch.every(isInt)) return "default.channel_ids must be a list of ids";
  for (const id of ch) if (!hasChannel(id)) return `default.channel_ids: channel ${id} not found`;
  return undefined;
}

/** The case as stored: the API returns null for a name_mapping case's channels. */
function storedCase(c: Record<string, unknown>): EmuRouteCase {
  const mode = String(c.routing_mode ?? "");
  const out: EmuRouteCase = {
    if: (c.if as { key: string; oper: string; vals: string[] }[]).map((x) => ({ key: x.key, oper: x.oper, vals: [...x.vals] })),
    channel_ids: mode === "name_mapping" ? null : [...((c.channel_ids as number[]) ?? [])],
    fallthrough: c.fallthrough as boolean,
    routing_mode: mode,
  };
  if (mode === "name_mapping") out.name_mapping_label = String(c.name_mapping_label);
  return out;
}

/** An upsert body's rule as stored, or why it is refused. At least one of cases or default. */
export function validateRoute(b: Record<string, unknown>, hasChannel: HasChannel): string | RouteContentWrite {
  const cases = b.cases ?? [];
  if (!Array.isArray(cases)) return "cases must be a list";
  if (cases.length === 0 && (b.default === undefined || b.default === null)) return "at least one of cases or default must be provided";
  for (let i = 0; i < cases.length; i++) {
    const p = caseError(cases[i] as Record<string, unknown>, `cases[${i}]`, hasChannel);
    if (p) return p;
  }
  const sections = b.sections ?? [];
  const p = sectionsError(sections, cases.length) ?? defaultError(b.default, hasChannel);
  if (p) return p;
  const d = b.default as { channel_ids?: number[] } | null | undefined;
  return {
    cases: (cases as Record<string, unknown>[]).map(storedCase),
    sections: (sections as { name: string; position?: number }[]).map((s) => ({ name: s.name, position: s.position ?? 0 })),
    default: d ? { channel_ids: [...(d.channel_ids ?? [])] } : null,
  };
}

// ---------- mapping data ----------

/** Upsert docs as stored (unknown labels dropped), or why they are refused. */
export function validateDocs(docs: unknown, labels: readonly string[]): string | Record<string, string>[] {
  if (!Array.isArray(docs) || docs.length === 0) return "docs must have at least one row";
  if (docs.length > MAPPING_LIMITS.docsPerUpsert) return `docs must have at most ${MAPPING_LIMITS.docsPerUpsert} rows`;
  const clean: Record<string, string>[] = [];
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i] as Record<string, unknown>;
    if (!d || typeof d !== "object") return `docs[${i}] must be an object`;
    const row: Record<string, string> = {};
    for (const l of labels) {
      const v = d[l];
      if (typeof v !== "string") return `docs[${i}] is missing label ${l}`;
      if (v.length > MAPPING_LIMITS.valueChars) return `docs[${i}].${l} is longer than ${MAPPING_LIMITS.valueChars} characters`;
      row[l] = v;
    }
    clean.push(row);
  }
  return clean;
}

/** Delete keys, or why they are refused. */
export function validateKeys(keys: unknown): string | string[] {
  if (!isStrArr(keys) || keys.length === 0) return "keys must have at least one key";
  if (keys.length > MAPPING_LIMITS.keysPerDelete) return `keys must have at most ${MAPPING_LIMITS.keysPerDelete} keys`;
  return keys;
}
