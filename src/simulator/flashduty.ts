import type { FlashdutyRouteArgs as RouteArgs } from "../flashduty/route.types";
import { valueKind, valueMatches, valueUnevaluable } from "./flashduty-values";
import { frozenUnit, GuardIndex, pickGuard, ValueMemo } from "./guard";
import { vendorRegex } from "./regex";
import { and3, not3, triText, type Tri } from "./tri";
import type { Check, Declared, FastUnit, FlashdutyAlert, RuleTrace, UnitResult } from "./types";

type Case = NonNullable<RouteArgs["cases"]>[number];
type Condition = Case["if"][number];

export const FLASHDUTY_ASSUMPTIONS = [
  "an absent field matches no value: IN fails and NOTIN holds (docs: `IN *` = field exists)",
  "exact values and wildcards compare case-sensitively; a wildcard covers the whole value",
  "`alert_severity` is read as `severity`; other keys than severity, title, description, data_source_id and labels.<name> are absent",
  "name_mapping: the channel named by the label is resolved by the vendor at alert time (pass channelNames to resolve it here)",
];

export interface FlashdutyOptions {
  /** Channel ids by name, to resolve `name_mapping` cases. */
  channelNames?: Record<string, number>;
}

/** A label by name: own keys only (`labels.constructor` is absent unless the alert has it, not Object.prototype's). */
const label = (alert: FlashdutyAlert, name: string): string | undefined => (alert.labels && Object.hasOwn(alert.labels, name) ? alert.labels[name] : undefined);

export function fieldOf(alert: FlashdutyAlert, key: string): string | undefined {
  if (key === "severity" || key === "alert_severity") return alert.severity;
  if (key === "title" || key === "description") return alert[key];
  if (key === "data_source_id") return alert.data_source_id === undefined ? undefined : String(alert.data_source_id);
  if (key.startsWith("labels.")) return label(alert, key.slice("labels.".length));
  return undefined;
}

/** IN: some value matches (unknown when none does and a pattern cannot be evaluated); NOTIN: the negation. */
function conditionResult(alert: FlashdutyAlert, c: Condition): { held: Tri; hits: string[] } {
  const value = fieldOf(alert, c.key);
  const hits: string[] = [];
  let unknown = false;
  if (value !== undefined)
    for (const v of c.vals) {
      const m = valueMatches(v, value);
      if (m === true) hits.push(v);
      else if (m === undefined) unknown = true;
    }
  const inResult: Tri = hits.length > 0 ? true : unknown ? undefined : false;
  return { held: c.oper === "IN" ? inResult : not3(inResult), hits };
}

export function checkFlashdutyCondition(alert: FlashdutyAlert, c: Condition): Check {
  const value = fieldOf(alert, c.key);
  const { held, hits } = conditionResult(alert, c);
  const bad = c.vals.map(valueUnevaluable).filter((x): x is string => x !== undefined);
  const why = hits.length ? `matched by ${hits.map((h) => JSON.stringify(h)).join(", ")}` : held === undefined ? `cannot evaluate pattern ${bad.join("; ")}` : "no value matches";
  const shown = value === undefined ? "(absent)" : JSON.stringify(value);
  return { held: held === true, unknown: held === undefined || undefined, text: `${c.key} ${c.oper} ${JSON.stringify(c.vals)} -> ${triText(held)} (alert has ${shown}; ${why})` };
}

/** The channels a matched case yields, or a reason it yields none. */
function caseTargets(alert: FlashdutyAlert, c: Case, opts: FlashdutyOptions): { ids: string[]; text: string[] } {
  if (c.routingMode !== "name_mapping") return { ids: (c.channelIds ?? []).map(String), text: (c.channelIds ?? []).map((id) => `channel ${id}`) };
  const label = c.nameMappingLabel ?? "";
  const name = fieldOf(alert, label);
  if (name === undefined || name === "") return { ids: [], text: [] };
  const known = opts.channelNames;
  if (known) {
    const id = known[name];
    return id === undefined ? { ids: [], text: [] } : { ids: [String(id)], text: [`channel ${id} (named ${JSON.stringify(name)} by ${label})`] };
  }
  return { ids: [`name:${name}`], text: [`the channel named ${JSON.stringify(name)} (from ${label}; resolved by Flashduty, assumed to exist)`] };
}

const unevaluables = (c: Case) => c.if.flatMap((cond) => cond.vals.map(valueUnevaluable).filter((x): x is string => x !== undefined).map((x) => `pattern ${x}`));

/** The field a condition reads, as a function of the alert (resolved once, not per alert). */
function getterOf(key: string): (a: FlashdutyAlert) => string | undefined {
  if (key === "severity" || key === "alert_severity") return (a) => a.severity;
  if (key === "title") return (a) => a.title;
  if (key === "description") return (a) => a.description;
  if (key === "data_source_id") return (a) => (a.data_source_id === undefined ? undefined : String(a.data_source_id));
  if (key.startsWith("labels.")) {
    const name = key.slice("labels.".length);
    return (a) => label(a, name);
  }
  return () => undefined;
}

/** One non-exact `vals` entry as a matcher: the pattern compiled once (valueMatches decides the same). */
function compileValue(v: string): (value: string) => Tri {
  if (valueKind(v) === "regex") {
    const re = vendorRegex("flashduty", v.slice(1, -1));
    return re.ok ? re.test : () => undefined;
  }
  return (value) => valueMatches(v, value);
}

/** The vector of a field the alert does not have (conditions then run unmemoized). */
const ABSENT = new Int8Array(0);

type CompiledCondition = (a: FlashdutyAlert, vecs: (Int8Array | undefined)[]) => Tri;

/** A condition compiled once: exact values in a set, the other kinds as matchers; same decision as conditionResult. Results are remembered per field value (ValueMemo). */
function compileFlashdutyCondition(c: Condition, memo: ValueMemo): CompiledCondition {
  const [sid, idx] = memo.add(c.key);
  const test = compileUnmemoized(c);
  const get = getterOf(c.key);
  return (a, vecs) => {
    // The field's vector is looked up once per alert; later conditions on it skip reading the field.
    let vec = vecs[sid];
    if (vec === undefined) {
      const value = get(a);
      vec = vecs[sid] = value === undefined ? ABSENT : memo.vector(sid, value);
    }
    if (vec === ABSENT) return test(a);
    const code = vec[idx];
    if (code !== 0) return code === 1 ? false : code === 2 ? true : undefined;
    const t = test(a);
    vec[idx] = t === false ? 1 : t === true ? 2 : 3;
    return t;
  };
}

function compileUnmemoized(c: Condition): (a: FlashdutyAlert) => Tri {
  const get = getterOf(c.key);
  const exact = new Set(c.vals.filter((v) => valueKind(v) === "exact"));
  const others = c.vals.filter((v) => valueKind(v) !== "exact").map(compileValue);
  const isIn = c.oper === "IN";
  return (a) => {
    const value = get(a);
    let res: Tri = false;
    if (value !== undefined) {
      if (exact.has(value)) res = true;
      else
        for (const v of others) {
          const m = v(value);
          if (m === true) {
            res = true;
            break;
          }
          if (m === undefined) res = undefined;
        }
    }
    return isIn ? res : not3(res);
  };
}

/**
 * A case's conditions in the many-alerts path, interned: cases with equal
 * conditions (in any order: they are ANDed) share one, decided once per alert
 * (routes made from one template repeat their cases).
 */
interface SharedConditions {
  /** Its slot in the per-alert results. */
  slot: number;
  conditions: Condition[];
  conds: CompiledCondition[];
  /** Set when an exact `IN` condition guards it (see guard.ts). */
  guard?: number;
  /** The cases that have it, as bits of the evaluator's `candidates`: word indexes and masks. */
  words: number[];
  masks: number[];
}

/** Equal keys: equal results for every alert. */
const conditionsKey = (conditions: Condition[]) => conditions.map((c) => JSON.stringify([c.key, c.oper, c.vals])).sort().join("\u0000");

/** Codes of a decided Tri in the per-alert results. */
const FALSE = 1;
const TRUE = 2;
const UNKNOWN = 3;

interface CompiledRoute {
  route: Declared<RouteArgs>;
  unit: string;
  id: number;
  cases: Case[];
  /** Per case, in order: the slot of its shared conditions. */
  slots: Int32Array;
  /** Its cases' bits in `candidates`: words [word, word + words). */
  word: number;
  words: number;
  defaultUnit?: FastUnit;
}

/** A case without fallthrough matched: the route ends (its result is built from what matched). */
const DONE: FastUnit = Object.freeze({ vendor: "flashduty", unit: "", outcome: "none", matched: [], targetIds: [] });

const exactIn = (cond: Condition) => cond.oper === "IN" && cond.vals.length > 0 && cond.vals.every((v) => valueKind(v) === "exact");

/** Flashduty's routing compiled once (patterns are compiled on first use and cached). */
export class FlashdutyEvaluator {
  private readonly routes: CompiledRoute[];
  private readonly index = new GuardIndex();
  private readonly memo = new ValueMemo();
  private readonly guarded: [string, (a: FlashdutyAlert) => string | undefined][];
  private readonly shared: SharedConditions[] = [];
  /** Per alert, each shared conditions' result (FALSE, TRUE, UNKNOWN), valid while its stamp is the alert's epoch. */
  private readonly stamps: Uint32Array;
  private readonly codes: Int8Array;
  private epoch = 0;
  /** Per alert, one bit per case (route by route): set when its conditions do not fail. */
  private readonly candidates: Int32Array;
  /** The conditions without a guard (decided for every alert), and each guard's conditions (decided when the alert marks it). */
  private unguarded = new Int32Array(0);
  private readonly guardSlots: number[] = [];
  private vecs: (Int8Array | undefined)[] = [];

  constructor(
    routes: Declared<RouteArgs>[],
    private readonly opts: FlashdutyOptions = {},
  ) {
    const byKey = new Map<string, SharedConditions>();
    let words = 0;
    this.routes = routes.map((route) => {
      const cases = route.args.cases ?? [];
      const word = words;
      words += Math.ceil(cases.length / 32);
      const slots = cases.map((c, i) => {
        const key = conditionsKey(c.if);
        let sc = byKey.get(key);
        if (!sc) {
          byKey.set(key, (sc = { slot: this.shared.length, conditions: c.if, conds: c.if.map((cond) => compileFlashdutyCondition(cond, this.memo)), words: [], masks: [] }));
          this.shared.push(sc);
        }
        // Cases are numbered in order: a shared conditions' bits in one word are added one after another.
        const w = word + (i >> 5);
        const bit = 1 << (i & 31);
        if (sc.words[sc.words.length - 1] === w) sc.masks[sc.masks.length - 1] |= bit;
        else {
          sc.words.push(w);
          sc.masks.push(bit);
        }
        return sc.slot;
      });
      return { route, unit: `integration ${route.args.integrationId}${route.resource ? ` (${route.resource})` : ""}`, id: Number(route.args.integrationId), cases, slots: Int32Array.from(slots), word, words: words - word };
    });
    this.stamps = new Uint32Array(this.shared.length);
    this.codes = new Int8Array(this.shared.length);
    this.candidates = new Int32Array(words);
    // Guards: per shared conditions, its exact IN condition on the most selective field.
    const values = new Map<string, Set<string>>();
    for (const sc of this.shared) for (const cond of sc.conditions.filter(exactIn)) for (const v of cond.vals) (values.get(cond.key) ?? values.set(cond.key, new Set()).get(cond.key)!).add(v);
    const distinct = new Map([...values].map(([k, v]) => [k, v.size]));
    for (const sc of this.shared) {
      const g = pickGuard(sc.conditions.filter(exactIn).map((cond) => ({ field: cond.key, vals: cond.vals })), distinct);
      if (!g) continue;
      sc.guard = this.index.id();
      this.guardSlots[sc.guard] = sc.slot;
      this.index.guard(sc.guard, g.field, g.vals);
    }
    this.unguarded = Int32Array.from(this.shared.filter((sc) => sc.guard === undefined).map((sc) => sc.slot));
    this.guarded = this.index.fields().map((f) => [f, getterOf(f)]);
    // Compile every pattern now, so simulate() does no compiling.
    for (const r of routes) for (const c of r.args.cases ?? []) for (const cond of c.if) for (const v of cond.vals) valueUnevaluable(v);
  }

  private selected(alert: FlashdutyAlert) {
    return alert.integrationId === undefined ? this.routes : this.routes.filter((r) => r.id === Number(alert.integrationId));
  }

  /**
   * Where the alert goes, without explanation text. Every shared conditions is
   * decided once (a guarded one whose guard fails, without evaluating it), the
   * cases whose conditions do not fail are marked as bits, and each route reads
   * its marked cases in order; an alert with an integrationId walks that route.
   */
  fast(alert: FlashdutyAlert): FastUnit[] {
    const index = this.index;
    index.begin();
    for (const [field, get] of this.guarded) {
      const v = get(alert);
      if (v !== undefined) index.mark(field, v);
    }
    if (++this.epoch === 0xffffffff) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
    this.vecs.length = 0;
    if (alert.integrationId !== undefined) return this.selected(alert).map((r) => this.walk(r, alert));
    const candidates = this.candidates;
    candidates.fill(0);
    // Only the conditions that can hold are decided: those without a guard, and those the alert's
    // values marked; any other fails on its guard. The bits put each case back in its place.
    const shared = this.shared;
    const unguarded = this.unguarded;
    const marked = index.marked;
    for (let k = 0, n = unguarded.length + marked; k < n; k++) {
      const s = k < unguarded.length ? unguarded[k] : this.guardSlots[index.markedIds[k - unguarded.length]];
      if (this.decide(s, alert) === FALSE) continue;
      const { words, masks } = shared[s];
      for (let j = 0; j < words.length; j++) candidates[words[j]] |= masks[j];
    }
    const out: FastUnit[] = [];
    for (const r of this.routes) {
      const matched: string[] = [];
      const ids: string[] = [];
      let unit: FastUnit | undefined;
      for (let w = 0; w < r.words && unit === undefined; w++) {
        let x = candidates[r.word + w];
        while (x !== 0) {
          const low = x & -x;
          x ^= low;
          const i = (w << 5) | (31 - Math.clz32(low));
          unit = this.caseMatched(r, i, this.codes[r.slots[i]], alert, matched, ids);
          if (unit !== undefined) break;
        }
      }
      out.push(unit === undefined || unit === DONE ? this.routeResult(r, matched, ids) : unit);
    }
    return out;
  }

  /** One route's cases in order, each shared conditions decided when first reached. */
  private walk(r: CompiledRoute, alert: FlashdutyAlert): FastUnit {
    const matched: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < r.slots.length; i++) {
      const s = r.slots[i];
      const code = this.stamps[s] === this.epoch ? this.codes[s] : this.decide(s, alert);
      if (code === FALSE) continue;
      const unit = this.caseMatched(r, i, code, alert, matched, ids);
      if (unit !== undefined) return unit === DONE ? this.routeResult(r, matched, ids) : unit;
    }
    return this.routeResult(r, matched, ids);
  }

  /** Case `i` does not fail (`code` TRUE or UNKNOWN): the route's result when it ends here (DONE: no fallthrough), else undefined. */
  private caseMatched(r: CompiledRoute, i: number, code: number, alert: FlashdutyAlert, matched: string[], ids: string[]): FastUnit | undefined {
    const c = r.cases[i];
    if (code === UNKNOWN) return { vendor: "flashduty", unit: r.unit, outcome: "cannot-evaluate", matched: [], targetIds: [], cannotEvaluate: unevaluables(c) };
    matched.push(String(i));
    for (const id of caseTargets(alert, c, this.opts).ids) if (!ids.includes(id)) ids.push(id);
    return c.fallthrough ? undefined : DONE;
  }

  /** The route's result after its matched cases (none, or each with fallthrough, or one without). */
  private routeResult(r: CompiledRoute, matched: string[], ids: string[]): FastUnit {
    if (ids.length > 0) return { vendor: "flashduty", unit: r.unit, outcome: "rule", matched, targetIds: ids };
    const def = r.route.args.default?.channelIds ?? [];
    // The common outcome, nothing matched: one shared frozen result per route.
    if (matched.length === 0) return (r.defaultUnit ??= frozenUnit({ vendor: "flashduty", unit: r.unit, outcome: def.length > 0 ? "default" : "none", matched: [], targetIds: def.map(String) }));
    return { vendor: "flashduty", unit: r.unit, outcome: def.length > 0 ? "default" : "none", matched, targetIds: def.map(String) };
  }

  /** Decides shared conditions `slot` for the current alert and records it. */
  private decide(slot: number, alert: FlashdutyAlert): number {
    const sc = this.shared[slot];
    let code = TRUE;
    // Its guard condition is false: the conditions cannot all hold.
    if (sc.guard !== undefined && !this.index.possible(sc.guard)) code = FALSE;
    else
      for (const cond of sc.conds) {
        const t = cond(alert, this.vecs);
        if (t === false) {
          code = FALSE;
          break;
        }
        if (t === undefined) code = UNKNOWN;
      }
    this.stamps[slot] = this.epoch;
    this.codes[slot] = code;
    return code;
  }

  explain(alert: FlashdutyAlert, only?: number): UnitResult[] {
    const routes = this.selected(alert);
    // `only`: the one integration (by its place among the alert's) whose explanation is wanted.
    return (only === undefined ? routes : routes.slice(only, only + 1)).map((r) => evaluateRoute(r.route, alert, this.opts));
  }
}

/** Evaluates each integration's route: cases top to bottom, fallthrough continues, the default when nothing yields a channel. */
export function evaluateFlashduty(routes: Declared<RouteArgs>[], alert: FlashdutyAlert, opts: FlashdutyOptions = {}): UnitResult[] {
  return new FlashdutyEvaluator(routes, opts).explain(alert);
}

function evaluateRoute(route: Declared<RouteArgs>, alert: FlashdutyAlert, opts: FlashdutyOptions): UnitResult {
  const a = route.args;
  const unit = `integration ${a.integrationId}${route.resource ? ` (${route.resource})` : ""}`;
  const trace: RuleTrace[] = [];
  const matched: string[] = [];
  const ids: string[] = [];
  const text: string[] = [];
  const cases = a.cases ?? [];
  const base = { vendor: "flashduty" as const, unit, trace, matched, assumptions: FLASHDUTY_ASSUMPTIONS };
  for (const [i, c] of cases.entries()) {
    const checks = c.if.map((cond) => checkFlashdutyCondition(alert, cond));
    const tri = and3(checks.map((ch) => (ch.unknown ? undefined : ch.held)));
    const ok = tri === true;
    let reason = ok ? "matched: every condition holds" : tri === undefined ? "cannot evaluate: a condition depends on a pattern the simulator cannot evaluate" : "skipped: a condition fails";
    if (tri === undefined) {
      trace.push({ label: `case ${i}`, name: String(i), matched: false, reason, checks });
      const why = unevaluables(c);
      return { ...base, matched: [], outcome: "cannot-evaluate", targets: [`cannot evaluate: ${why.join("; ")}`], targetIds: [], cannotEvaluate: why };
    }
    if (ok) {
      const t = caseTargets(alert, c, opts);
      matched.push(String(i));
      for (const [k, id] of t.ids.entries()) {
        if (!ids.includes(id)) {
          ids.push(id);
          text.push(t.text[k]);
        }
      }
      if (t.ids.length === 0) reason = `matched, but yields no channel (name_mapping label ${c.nameMappingLabel} names no known channel)`;
      if (c.fallthrough) reason += "; fallthrough: evaluation continues";
    }
    trace.push({ label: `case ${i}`, name: String(i), matched: ok, reason, checks });
    if (ok && !c.fallthrough) break;
  }
  if (ids.length > 0) return { ...base, outcome: "rule", targets: text, targetIds: ids };
  const def = a.default?.channelIds ?? [];
  if (def.length > 0) return { ...base, outcome: "default", targets: def.map((id) => `default channel ${id}`), targetIds: def.map(String) };
  return { ...base, outcome: "none", targets: ["nothing: no case yields a channel and there is no default (the alert is discarded)"], targetIds: [] };
}
