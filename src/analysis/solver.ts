// A small satisfiability search over alert fields. A rule's match is a boolean formula whose
// atoms are the vendor's conditions, each tested through the simulator itself (so lint and
// simulate never disagree on what a condition means). A question such as "can an alert reach
// rule 3 past rules 1 and 2?" is the formula `m3 AND NOT m1 AND NOT m2`; the search assigns
// each field a value from a finite candidate set and prunes on three-valued evaluation.
//
// A found witness is a real alert, so "satisfiable" is always exact. "Unsatisfiable" is exact
// when every atom's operation is one whose candidate set is complete (equals, one-of, contains,
// starts-with, ends-with, is-empty, negations, numbers, priorities); a regex, a CIDR or a general
// wildcard makes it "may be".

export type Value = unknown;
export type Assignment = Map<string, Value>;

export interface Atom {
  kind: "atom";
  /** The fields whose values decide the atom. */
  fields: string[];
  test: (a: Assignment) => boolean;
  /** False when the candidate sets may miss a value that changes this atom (regexes, CIDRs). */
  exact: boolean;
  /** Memo of test results by the values of `fields`. */
  memo: Map<string, boolean>;
}

export type Formula = { kind: "const"; value: boolean } | Atom | { kind: "and"; xs: Formula[] } | { kind: "or"; xs: Formula[] } | { kind: "not"; x: Formula };

export const TRUE: Formula = { kind: "const", value: true };
export const FALSE: Formula = { kind: "const", value: false };
export const and = (xs: Formula[]): Formula => (xs.length === 1 ? xs[0] : { kind: "and", xs });
export const or = (xs: Formula[]): Formula => (xs.length === 1 ? xs[0] : { kind: "or", xs });
export const not = (x: Formula): Formula => (x.kind === "const" ? { kind: "const", value: !x.value } : x.kind === "not" ? x.x : { kind: "not", x });

export function atom(fields: string[], test: (a: Assignment) => boolean, exact: boolean): Atom {
  return { kind: "atom", fields: [...new Set(fields)], test, exact, memo: new Map() };
}

/** A fresh character: in no constant, no whitespace, not a digit, not an IP. */
export const FRESH = "\uE000";

/** The values tried for one field. `exact`: the set is complete for the atoms on that field. */
export interface FieldSpace {
  candidates: Value[];
  exact: boolean;
}

function key(a: Assignment, fields: string[]): string {
  return JSON.stringify(fields.map((f) => a.get(f) ?? null));
}

/** true / false / undefined (not decided by the fields assigned so far). */
export function eval3(f: Formula, a: Assignment): boolean | undefined {
  switch (f.kind) {
    case "const":
      return f.value;
    case "atom": {
      if (!f.fields.every((x) => a.has(x))) return undefined;
      const k = key(a, f.fields);
      let r = f.memo.get(k);
      if (r === undefined) {
        r = f.test(a);
        f.memo.set(k, r);
      }
      return r;
    }
    case "not": {
      const r = eval3(f.x, a);
      return r === undefined ? undefined : !r;
    }
    case "and": {
      let unknown = false;
      for (const x of f.xs) {
        const r = eval3(x, a);
        if (r === false) return false;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case "or": {
      let unknown = false;
      for (const x of f.xs) {
        const r = eval3(x, a);
        if (r === true) return true;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
  }
}

function atomsOf(f: Formula, out: Atom[] = []): Atom[] {
  if (f.kind === "atom") out.push(f);
  else if (f.kind === "not") atomsOf(f.x, out);
  else if (f.kind === "and" || f.kind === "or") for (const x of f.xs) atomsOf(x, out);
  return out;
}

export type Solution = { sat: true; witness: Assignment } | { sat: false; exact: boolean };

/** Search budget: assignments tried before giving up (then the answer is an inexact "unsat"). */
const BUDGET = 200_000;

/** Finds an assignment of the formula's fields (from `space`) that makes it true. */
export function solve(f: Formula, space: Map<string, FieldSpace>): Solution {
  const atoms = atomsOf(f);
  let exact = atoms.every((a) => a.exact);
  const count = new Map<string, number>();
  for (const a of atoms) for (const x of a.fields) count.set(x, (count.get(x) ?? 0) + 1);
  // Most-used fields first: they decide the most atoms early.
  const fields = [...count.keys()].sort((x, y) => (count.get(y) ?? 0) - (count.get(x) ?? 0));
  for (const x of fields) if (space.get(x)?.exact === false) exact = false;
  const a: Assignment = new Map();
  let steps = 0;
  let exhausted = false;
  const go = (i: number): boolean => {
    const r = eval3(f, a);
    if (r === true) return true;
    if (r === false || i >= fields.length) return false;
    for (const v of space.get(fields[i])?.candidates ?? [undefined]) {
      if (++steps > BUDGET) {
        exhausted = true;
        return false;
      }
      a.set(fields[i], v);
      if (go(i + 1)) return true;
      if (exhausted) return false;
    }
    a.delete(fields[i]);
    return false;
  };
  if (go(0)) {
    for (const x of fields) if (!a.has(x)) a.set(x, space.get(x)?.candidates[0]);
    return { sat: true, witness: a };
  }
  return { sat: false, exact: exact && !exhausted };
}

// ---- candidate sets ----

/** What the atoms on one field compare with. */
export interface Hints {
  kind: "string" | "list" | "map" | "priority";
  eq: Set<string>;
  prefix: Set<string>;
  suffix: Set<string>;
  contains: Set<string>;
  /** Further values worth trying (regex literals, wildcard instances, CIDR addresses). */
  other: Set<string>;
  nums: Set<number>;
  exact: boolean;
}

export const newHints = (kind: Hints["kind"] = "string"): Hints => ({ kind, eq: new Set(), prefix: new Set(), suffix: new Set(), contains: new Set(), other: new Set(), nums: new Set(), exact: true });

/** Every subset of `xs` when small; else singletons, pairs and the whole (then inexact). */
function subsets(xs: string[], max = 4): { sets: string[][]; complete: boolean } {
  if (xs.length <= max) {
    const sets: string[][] = [];
    for (let m = 0; m < 1 << xs.length; m++) sets.push(xs.filter((_, i) => m & (1 << i)));
    return { sets, complete: true };
  }
  const sets: string[][] = [[], ...xs.map((x) => [x])];
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length && sets.length < 400; j++) sets.push([xs[i], xs[j]]);
  sets.push(xs);
  return { sets, complete: false };
}

const CAP = 800;

function numCandidates(nums: Set<number>): string[] {
  const sorted = [...nums].sort((a, b) => a - b);
  const out = new Set<number>();
  for (const [i, n] of sorted.entries()) {
    out.add(n).add(n - 1).add(n + 1);
    if (i + 1 < sorted.length) out.add((n + sorted[i + 1]) / 2);
  }
  return [...out].map(String);
}

/**
 * String candidates: absent, "", a fresh value, every constant, and for every choice of a
 * prefix, a subset of the contained strings and a suffix, `p F c1 F c2 F s` (F fresh). For a
 * satisfiable conjunction of these operations one of them is a witness: F occurs in no
 * constant, so the separators create no new occurrence that a negated condition could see.
 */
function stringCandidates(h: Hints): FieldSpace {
  const out = new Set<string | undefined>([undefined, "", FRESH, ...h.eq, ...h.other, ...numCandidates(h.nums)]);
  for (const e of h.eq) out.add(e.replace(/\s+/g, ""));
  const cs = subsets([...h.contains]);
  let exact = h.exact && cs.complete;
  for (const p of ["", ...h.prefix])
    for (const s of ["", ...h.suffix])
      for (const c of cs.sets) {
        if (out.size > CAP) {
          exact = false;
          break;
        }
        out.add([p, ...c, s].join(FRESH));
      }
  return { candidates: [...out], exact };
}

function listCandidates(h: Hints): FieldSpace {
  const elems = [...new Set([...h.eq, ...h.other])];
  const s = subsets(elems);
  return { candidates: [...s.sets, [FRESH], ...s.sets.filter((x) => x.length > 0).map((x) => [...x, FRESH])], exact: h.exact && s.complete };
}

function mapCandidates(h: Hints): FieldSpace {
  const c: Record<string, string>[] = [{}, { [FRESH]: FRESH }];
  for (const k of [...h.eq, ...h.contains]) c.push({ [k]: FRESH });
  for (const v of [...h.other, ...h.contains]) c.push({ [FRESH]: v });
  // Map-wide operations (contains-key/-value/contains) mix with keyed fields: never exact.
  return { candidates: c, exact: false };
}

export function candidates(h: Hints): FieldSpace {
  switch (h.kind) {
    case "priority":
      return { candidates: ["P1", "P2", "P3", "P4", "P5"], exact: true };
    case "list":
      return listCandidates(h);
    case "map":
      return mapCandidates(h);
    default:
      return stringCandidates(h);
  }
}

/** A witness as `field=value` text for a why line (fresh values read as "(other)"). */
export function describeWitness(w: Assignment, label: (field: string) => string = (f) => f): string {
  const show = (v: Value): string => {
    if (v === undefined) return "(absent)";
    if (typeof v === "string") return v.includes(FRESH) ? (v === FRESH ? "(any other value)" : JSON.stringify(v.split(FRESH).join("…"))) : JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
    if (v && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${show(k)}: ${show(x)}`).join(", ")}}`;
    return JSON.stringify(v);
  };
  return [...w.entries()].map(([f, v]) => `${label(f)}=${show(v)}`).join(", ");
}
