import type { RootlyAlertRouteArgs as AlertRouteArgs, RootlyAlertRouteCondition as AlertRouteCondition, RootlyAlertRouteRule as AlertRouteRule } from "../rootly/alert-route.types";
import { frozenUnit, GuardIndex } from "./guard";
import { requiredLiteral, vendorRegex } from "./regex";
import { and3, or3, triText, type Tri } from "./tri";
import type { Check, Declared, FastUnit, RootlyAlert, RuleTrace, UnitResult } from "./types";

export const ROOTLY_ASSUMPTIONS = [
  "condition groups are ORed and the conditions inside a group ANDed (docs silent)",
  "comparisons are case-sensitive; matches_regex is Ruby (Onigmo) syntax and searches anywhere in the value (Ruby's =~; `^`/`$` are line anchors)",
  "a payload field name is a dotted path into the payload (`$.` prefix optional, `[n]` for arrays)",
  "a list value holds for a positive condition when one element does; a negative condition when none does",
];

type Scalar = string | undefined;

/** Looks up `a.b[0].c` (optionally `$.`-prefixed) in a JSON value. */
const pathParts = new Map<string, string[]>();

export function lookupPath(root: unknown, path: string): unknown {
  let parts = pathParts.get(path);
  if (!parts) {
    parts = path.replace(/^\$\.?/, "").split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "");
    pathParts.set(path, parts);
  }
  let cur: unknown = root;
  for (const p of parts) {
    // Own fields only: a path `constructor` or `a.toString` is absent unless the payload has it.
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, p)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function values(v: unknown): Scalar[] {
  if (v === undefined || v === null) return [undefined];
  if (Array.isArray(v)) return v.length === 0 ? [undefined] : v.map((x) => (x === null || x === undefined ? undefined : typeof x === "object" ? JSON.stringify(x) : String(x)));
  if (typeof v === "object") return [JSON.stringify(v)];
  return [String(v)];
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0);

function subject(alert: RootlyAlert, c: AlertRouteCondition): { raw: unknown; label: string } {
  if (c.propertyFieldType === "alert_field") return { raw: alert.alertFields?.[c.conditionableId ?? ""], label: `alert field ${c.conditionableId}` };
  if (c.alertUrgencyIds?.length && !c.propertyFieldName) return { raw: alert.urgencyId, label: "urgency" };
  const name = c.propertyFieldName ?? "";
  if (c.propertyFieldType === "attribute") {
    const raw = name === "urgency" || name === "alert_urgency" ? (alert.attributes?.[name] ?? alert.urgencyId) : lookupPath(alert.attributes ?? {}, name);
    return { raw, label: `attribute ${name}` };
  }
  return { raw: lookupPath(alert.payload ?? {}, name), label: `payload ${name}` };
}

type Pred = (raw: unknown, vs: Scalar[]) => Tri;

export interface CompiledRootlyCondition {
  test(alert: RootlyAlert): Tri;
  check(alert: RootlyAlert): Check;
  unevaluable?: string;
}

export function compileRootlyCondition(c: AlertRouteCondition): CompiledRootlyCondition {
  const t = c.propertyFieldConditionType;
  const list = [...(c.propertyFieldValues ?? []), ...(c.alertUrgencyIds ?? [])];
  const one = c.propertyFieldValue ?? "";
  const any = (vs: Scalar[], f: (v: string) => boolean) => vs.some((v) => v !== undefined && f(v));
  let pred: Pred;
  let expected: string;
  let unevaluable: string | undefined;
  switch (t) {
    case "is_one_of":
      pred = (_, vs) => any(vs, (v) => list.includes(v));
      expected = JSON.stringify(list);
      break;
    case "is_not_one_of":
      pred = (_, vs) => !any(vs, (v) => list.includes(v));
      expected = JSON.stringify(list);
      break;
    case "contains":
      pred = (_, vs) => any(vs, (v) => v.includes(one));
      expected = JSON.stringify(one);
      break;
    case "does_not_contain":
      pred = (_, vs) => !any(vs, (v) => v.includes(one));
      expected = JSON.stringify(one);
      break;
    case "starts_with":
      pred = (_, vs) => any(vs, (v) => v.startsWith(one));
      expected = JSON.stringify(one);
      break;
    case "ends_with":
      pred = (_, vs) => any(vs, (v) => v.endsWith(one));
      expected = JSON.stringify(one);
      break;
    case "matches_regex": {
      const re = vendorRegex("rootly", one);
      expected = `/${one}/`;
      if (re.ok) pred = (_, vs) => any(vs, re.test);
      else {
        unevaluable = `${JSON.stringify(one)}: ${re.invalid ? "not a valid Ruby pattern" : "not exactly evaluable"} (${re.message})`;
        // An absent value matches no pattern, whatever the pattern.
        pred = (_, vs) => (vs.every((v) => v === undefined) ? false : undefined);
      }
      break;
    }
    case "is_empty":
      pred = (raw) => isEmpty(raw);
      expected = "";
      break;
  }
  const test = (alert: RootlyAlert) => {
    const { raw } = subject(alert, c);
    return pred(raw, values(raw));
  };
  return {
    test,
    unevaluable,
    check(alert) {
      const { raw, label } = subject(alert, c);
      const held = pred(raw, values(raw));
      const shown = raw === undefined ? "(absent)" : JSON.stringify(raw);
      const why = held === undefined ? ` (pattern ${unevaluable})` : "";
      return { held: held === true, unknown: held === undefined || undefined, text: `${label} ${t}${expected ? ` ${expected}` : ""} -> ${triText(held)}${why} (alert has ${shown})` };
    },
  };
}

export function checkRootlyCondition(alert: RootlyAlert, c: AlertRouteCondition): Check {
  return compileRootlyCondition(c).check(alert);
}

interface Positioned {
  rule: AlertRouteRule;
  position: number;
  index: number;
}

/** Rules by position (defaulting to list order, from 1); the fallback rule always last. */
export function sortRootlyRules(rules: AlertRouteRule[]): Positioned[] {
  const all = rules.map((rule, index) => ({ rule, index, position: rule.position ?? index + 1 }));
  const normal = all.filter((r) => !r.rule.fallbackRule).sort((a, b) => a.position - b.position || a.index - b.index);
  return [...normal, ...all.filter((r) => r.rule.fallbackRule)];
}

const destText = (r: AlertRouteRule) => r.destinations.map((d) => `${d.targetType} ${d.targetId}`);

interface CompiledRule {
  rule: AlertRouteRule;
  label: string;
  unit?: FastUnit;
  unevaluableUnit?: FastUnit;
  groups: { label: number; conds: CompiledRootlyCondition[] }[];
  /** The slot of its shared condition groups (see SharedGroups). */
  slot: number;
}

/**
 * A rule's condition groups in the many-alerts path, interned: rules with
 * equal groups (equal conditions, in any order, since groups are ORed and
 * their conditions ANDed) share one, decided once per alert (routes made from
 * one template repeat their rules).
 */
interface SharedGroups {
  groups: CompiledRootlyCondition[][];
  /** Set when every group has a guarded condition (see guardOf): unmarked, the groups cannot hold. */
  guard?: number;
  /** The (non-fallback) rules that have it, as bits of the evaluator's `candidates`: word indexes and masks. */
  words: number[];
  masks: number[];
}

/**
 * The exact test a positive payload condition makes, as a guard: `is_one_of` holds only when
 * one of the field's values is listed; `contains` / `starts_with` / `ends_with` (and a pattern
 * with a case-sensitive required literal) only when a value holds the literal, so each of its
 * three-character pieces (the field's pieces are marked). Undefined for any other condition.
 */
function guardOf(c: AlertRouteCondition): { field: string; vals: string[] } | { field: string; pieces: string[] } | undefined {
  if (c.propertyFieldType !== "payload" || c.alertUrgencyIds?.length || !c.propertyFieldName) return undefined;
  const name = c.propertyFieldName;
  const t = c.propertyFieldConditionType;
  if (t === "is_one_of") return { field: `value\u0000${name}`, vals: (c.propertyFieldValues ?? []).map(String) };
  let lit: string | undefined;
  if (t === "contains" || t === "starts_with" || t === "ends_with") lit = c.propertyFieldValue ?? "";
  else if (t === "matches_regex" && vendorRegex("rootly", c.propertyFieldValue ?? "").ok) {
    const r = requiredLiteral(c.propertyFieldValue ?? "");
    if (r && !r.caseInsensitive) lit = r.text;
  }
  if (lit === undefined || lit.length < 3) return undefined;
  const pieces: string[] = [];
  for (let i = 0; i + 3 <= lit.length; i++) pieces.push(lit.slice(i, i + 3));
  return { field: `piece\u0000${name}`, pieces };
}

/** A condition as a key: every field it has, in a fixed order (a field the evaluator ignores only keeps equal conditions apart). */
function conditionKey(c: AlertRouteCondition): string {
  const o = c as unknown as Record<string, unknown>;
  return JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/** Equal keys: equal results for every alert. */
const groupsKey = (rule: AlertRouteRule) =>
  (rule.conditionGroups ?? [])
    .map((g) => JSON.stringify(g.conditions.map(conditionKey).sort()))
    .sort()
    .join("\u0000");

/** Codes of a decided Tri in the per-alert results. */
const FALSE = 1;
const TRUE = 2;
const UNKNOWN = 3;

interface CompiledRoute {
  /** Its rules' bits in `candidates`: words [word, word + words), rule i at bit i % 32 of word + i / 32. */
  word: number;
  words: number;
  /** Its first fallback rule (the fallback rules come last), or -1. */
  fallback: number;
  route: Declared<AlertRouteArgs>;
  unit: string;
  sources: Set<string>;
  rules: CompiledRule[];
  noneUnit?: FastUnit;
}

const ids = (cr: CompiledRule) => cr.rule.destinations.map((d) => d.targetId);

/** Rootly's routing compiled once: rules in position order, conditions as closures, patterns compiled. */
export class RootlyEvaluator {
  private readonly routes: CompiledRoute[];
  private readonly shared: SharedGroups[] = [];
  /** Per alert, each shared groups' result (FALSE, TRUE, UNKNOWN), valid while its stamp is the alert's epoch. */
  private readonly stamps: Uint32Array;
  private readonly codes: Int8Array;
  private epoch = 0;
  private readonly index = new GuardIndex();
  /** The guarded fields: each payload path's values, whole (`value`) or in pieces (`piece`). */
  private readonly markers: { field: string; path: string; pieces: boolean }[];
  /** The groups without a guard (decided for every alert), and each guard's groups (decided when the alert marks it). */
  private unguarded = new Int32Array(0);
  private readonly guardSlots: number[] = [];
  /** Per alert, one bit per rule (route by route): set when its groups do not fail. */
  private readonly candidates: Int32Array;

  constructor(routes: Declared<AlertRouteArgs>[]) {
    const byKey = new Map<string, number>();
    const raw: AlertRouteRule[] = [];
    this.routes = routes.map((route) => {
      const a = route.args;
      return {
        word: 0,
        words: 0,
        fallback: -1,
        route,
        unit: `${JSON.stringify(a.name)}${route.resource ? ` (${route.resource})` : ""}`,
        sources: new Set(a.alertsSourceIds),
        rules: sortRootlyRules(a.rules ?? []).map(({ rule, position }) => {
          const groups = (rule.conditionGroups ?? []).map((g, gi) => ({ label: g.position ?? gi + 1, conds: g.conditions.map(compileRootlyCondition) }));
          const key = groupsKey(rule);
          let slot = byKey.get(key);
          if (slot === undefined) {
            byKey.set(key, (slot = this.shared.length));
            this.shared.push({ groups: groups.map((g) => g.conds), words: [], masks: [] });
            raw.push(rule);
          }
          return { rule, label: `position ${position} ${JSON.stringify(rule.name)}${rule.fallbackRule ? " (fallback)" : ""}`, groups, slot };
        }),
      };
    });
    this.stamps = new Uint32Array(this.shared.length);
    this.codes = new Int8Array(this.shared.length);
    let words = 0;
    for (const r of this.routes) {
      r.word = words;
      r.words = Math.ceil(r.rules.length / 32);
      words += r.words;
      r.fallback = r.rules.findIndex((cr) => cr.rule.fallbackRule);
      r.rules.forEach((cr, i) => {
        if (cr.rule.fallbackRule) return;
        const sh = this.shared[cr.slot];
        const w = r.word + (i >> 5);
        const bit = 1 << (i & 31);
        // Rules are numbered in order: a shared groups' bits in one word are added one after another.
        if (sh.words[sh.words.length - 1] === w) sh.masks[sh.masks.length - 1] |= bit;
        else {
          sh.words.push(w);
          sh.masks.push(bit);
        }
      });
    }
    this.candidates = new Int32Array(words);
    // Guards: groups are ORed, so every group needs a guarded condition (the rarest piece of a
    // literal, or a listed value); the alert's values mark the rule through any of them.
    const frequency = new Map<string, number>();
    const guards = raw.map((rule) => (rule.conditionGroups ?? []).map((g) => g.conditions.map(guardOf).filter((x) => x !== undefined)));
    for (const gs of guards) for (const g of gs) for (const x of g) if ("pieces" in x) for (const p of new Set(x.pieces)) frequency.set(`${x.field}\u0000${p}`, (frequency.get(`${x.field}\u0000${p}`) ?? 0) + 1);
    const markers = new Map<string, { field: string; path: string; pieces: boolean }>();
    guards.forEach((gs, slot) => {
      if (raw[slot].fallbackRule || gs.length === 0 || gs.some((g) => g.length === 0)) return;
      const id = this.index.id();
      this.shared[slot].guard = id;
      this.guardSlots[id] = slot;
      for (const g of gs) {
        const exact = g.find((x) => "vals" in x);
        if (exact && "vals" in exact) this.index.guard(id, exact.field, exact.vals);
        else {
          let best: [string, string] | undefined;
          for (const x of g)
            if ("pieces" in x) for (const p of x.pieces) if (!best || frequency.get(`${x.field}\u0000${p}`)! < frequency.get(`${best[0]}\u0000${best[1]}`)!) best = [x.field, p];
          this.index.guard(id, best![0], [best![1]]);
        }
      }
    });
    for (const field of this.index.fields()) markers.set(field, { field, path: field.slice(field.indexOf("\u0000") + 1), pieces: field.startsWith("piece\u0000") });
    this.markers = [...markers.values()];
    this.unguarded = Int32Array.from(this.shared.flatMap((sh, slot) => (sh.guard === undefined && sh.words.length > 0 ? [slot] : [])));
  }

  private selected(alert: RootlyAlert): CompiledRoute[] {
    return alert.alertsSourceId === undefined ? this.routes : this.routes.filter((r) => r.sources.has(alert.alertsSourceId!));
  }

  /** Where the alert goes, without explanation text; each shared condition groups decided once per alert. */
  fast(alert: RootlyAlert): FastUnit[] {
    if (++this.epoch === 0xffffffff) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    const index = this.index;
    index.begin();
    const payload = alert.payload ?? {};
    for (const m of this.markers)
      for (const v of values(lookupPath(payload, m.path))) {
        if (v === undefined) continue;
        if (!m.pieces) index.mark(m.field, v);
        else for (let i = 0; i + 3 <= v.length; i++) index.mark(m.field, v.slice(i, i + 3));
      }
    if (alert.alertsSourceId === undefined) return this.everyRoute(alert);
    // Each decision's result is built once and shared (frozen) by every alert it applies to.
    return this.selected(alert).map((r): FastUnit => {
      const base = { vendor: "rootly" as const, unit: r.unit };
      if (r.route.args.enabled === false) return (r.noneUnit ??= frozenUnit({ ...base, outcome: "none", matched: [], targetIds: [] }));
      const rules = r.rules;
      for (let i = 0; i < rules.length; i++) {
        const cr = rules[i];
        if (cr.rule.fallbackRule) return (cr.unit ??= frozenUnit({ ...base, outcome: "fallback", matched: [cr.rule.name], targetIds: ids(cr) }));
        const s = cr.slot;
        let code = this.stamps[s] === epoch ? this.codes[s] : 0;
        if (code === 0) {
          const sh = this.shared[s];
          // Unmarked: some condition of every group fails, so the groups cannot hold.
          const t = sh.guard !== undefined && !index.possible(sh.guard) ? false : groupsResult(sh.groups, alert);
          code = t === true ? TRUE : t === false ? FALSE : UNKNOWN;
          this.stamps[s] = epoch;
          this.codes[s] = code;
        }
        if (code === FALSE) continue;
        if (code === TRUE) return (cr.unit ??= frozenUnit({ ...base, outcome: "rule", matched: [cr.rule.name], targetIds: ids(cr) }));
        return (cr.unevaluableUnit ??= frozenUnit({ ...base, outcome: "cannot-evaluate", matched: [], targetIds: [], cannotEvaluate: unevaluables(cr) }));
      }
      return (r.noneUnit ??= frozenUnit({ ...base, outcome: "none", matched: [], targetIds: [] }));
    });
  }

  /**
   * Every route (an alert without a source): only the groups that can hold are decided (those
   * without a guard, and those the alert's values marked), the rules whose groups do not fail
   * are marked as bits, and each route's first marked rule decides, else its fallback rule.
   */
  private everyRoute(alert: RootlyAlert): FastUnit[] {
    const candidates = this.candidates;
    candidates.fill(0);
    const index = this.index;
    const unguarded = this.unguarded;
    const marked = index.marked;
    for (let k = 0, n = unguarded.length + marked; k < n; k++) {
      const s = k < unguarded.length ? unguarded[k] : this.guardSlots[index.markedIds[k - unguarded.length]];
      const sh = this.shared[s];
      const t = groupsResult(sh.groups, alert);
      const code = t === true ? TRUE : t === false ? FALSE : UNKNOWN;
      this.stamps[s] = this.epoch;
      this.codes[s] = code;
      if (code === FALSE) continue;
      for (let j = 0; j < sh.words.length; j++) candidates[sh.words[j]] |= sh.masks[j];
    }
    const out: FastUnit[] = [];
    for (const r of this.routes) {
      const base = { vendor: "rootly" as const, unit: r.unit };
      if (r.route.args.enabled === false) {
        out.push((r.noneUnit ??= frozenUnit({ ...base, outcome: "none", matched: [], targetIds: [] })));
        continue;
      }
      let unit: FastUnit | undefined;
      for (let w = 0; w < r.words && unit === undefined; w++) {
        const x = candidates[r.word + w];
        if (x === 0) continue;
        const i = (w << 5) | (31 - Math.clz32(x & -x));
        const cr = r.rules[i];
        unit =
          this.codes[cr.slot] === TRUE
            ? (cr.unit ??= frozenUnit({ ...base, outcome: "rule", matched: [cr.rule.name], targetIds: ids(cr) }))
            : (cr.unevaluableUnit ??= frozenUnit({ ...base, outcome: "cannot-evaluate", matched: [], targetIds: [], cannotEvaluate: unevaluables(cr) }));
      }
      if (unit === undefined && r.fallback >= 0) {
        const cr = r.rules[r.fallback];
        unit = cr.unit ??= frozenUnit({ ...base, outcome: "fallback", matched: [cr.rule.name], targetIds: ids(cr) });
      }
      out.push(unit ?? (r.noneUnit ??= frozenUnit({ ...base, outcome: "none", matched: [], targetIds: [] })));
    }
    return out;
  }

  explain(alert: RootlyAlert, only?: number): UnitResult[] {
    const routes = this.selected(alert);
    // `only`: the one route (by its place among the alert's) whose explanation is wanted.
    return (only === undefined ? routes : routes.slice(only, only + 1)).map((r) => {
      if (r.route.args.enabled === false) return { vendor: "rootly", unit: r.unit, trace: [], outcome: "none", matched: [], targets: ["nothing: the route is disabled"], targetIds: [], assumptions: ROOTLY_ASSUMPTIONS };
      return explainRoute(r, alert);
    });
  }
}

/** Groups ORed, their conditions ANDed; no group: false. */
function groupsResult(groups: CompiledRootlyCondition[][], alert: RootlyAlert): Tri {
  let unknown = false;
  for (const conds of groups) {
    let all: Tri = true;
    for (const c of conds) {
      const t = c.test(alert);
      if (t === false) {
        all = false;
        break;
      }
      if (t === undefined) all = undefined;
    }
    if (all === true) return true;
    if (all === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

const unevaluables = (cr: CompiledRule) => cr.groups.flatMap((g) => g.conds.flatMap((c) => (c.unevaluable ? [`pattern ${c.unevaluable}`] : [])));

/** Evaluates every route that applies to the alert's source: first matching rule by position wins, the fallback rule last. */
export function evaluateRootly(routes: Declared<AlertRouteArgs>[], alert: RootlyAlert): UnitResult[] {
  return new RootlyEvaluator(routes).explain(alert);
}

function explainRoute(r: CompiledRoute, alert: RootlyAlert): UnitResult {
  const trace: RuleTrace[] = [];
  const base = { vendor: "rootly" as const, unit: r.unit, trace, assumptions: ROOTLY_ASSUMPTIONS };
  for (const cr of r.rules) {
    const rule = cr.rule;
    if (rule.fallbackRule) {
      trace.push({ label: cr.label, name: rule.name, matched: true, reason: "matched: fallback rule (no earlier rule matched)", checks: [] });
      return { ...base, outcome: "fallback", matched: [rule.name], targets: destText(rule), targetIds: rule.destinations.map((d) => d.targetId) };
    }
    const checks: Check[] = [];
    const results: Tri[] = [];
    let hit = -1;
    cr.groups.forEach((g, gi) => {
      const cs = g.conds.map((c) => c.check(alert));
      checks.push(...cs.map((c) => ({ held: c.held, unknown: c.unknown, text: `group ${g.label}: ${c.text}` })));
      const res = and3(cs.map((c) => (c.unknown ? undefined : c.held)));
      results.push(res);
      if (hit < 0 && res === true) hit = gi;
    });
    const matched = or3(results);
    const reason =
      matched === true
        ? `matched: every condition of group ${cr.groups[hit].label} holds`
        : matched === undefined
          ? "cannot evaluate: a condition group depends on a pattern the simulator cannot evaluate exactly"
          : cr.groups.length === 0
            ? "skipped: no condition groups"
            : "skipped: no condition group holds";
    trace.push({ label: cr.label, name: rule.name, matched: matched === true, reason, checks });
    if (matched === true) return { ...base, outcome: "rule", matched: [rule.name], targets: destText(rule), targetIds: rule.destinations.map((d) => d.targetId) };
    if (matched === undefined) {
      const why = unevaluables(cr);
      return { ...base, outcome: "cannot-evaluate", matched: [], targets: [`cannot evaluate: ${why.join("; ")}`], targetIds: [], cannotEvaluate: why };
    }
  }
  return { ...base, outcome: "none", matched: [], targets: ["nothing: no rule matched and the route has no fallback rule"], targetIds: [] };
}
