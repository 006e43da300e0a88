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

export function fieldOf(alert: FlashdutyAlert, key: string): string | undefined {
  if (key === "severity" || key === "alert_severity") return alert.severity;
  if (key === "title" || key === "description") return alert[key];
  if (key === "data_source_id") return alert.data_source_id === undefined ? undefined : String(alert.data_source_id);
  if (key.startsWith("labels.")) return alert.labels?.[key.slice("labels.".length)];
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
    const label = key.slice("labels.".length);
    return (a) => a.labels?.[label];
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

interface CompiledCase {
  c: Case;
  conds: CompiledCondition[];
  /** Set when an exact `IN` condition guards the case (see guard.ts). */
  guard?: number;
}

const exactIn = (cond: Condition) => cond.oper === "IN" && cond.vals.length > 0 && cond.vals.every((v) => valueKind(v) === "exact");

/** Flashduty's routing compiled once (patterns are compiled on first use and cached). */
export class FlashdutyEvaluator {
  private readonly routes: { route: Declared<RouteArgs>; unit: string; id: number; cases: CompiledCase[]; defaultUnit?: FastUnit }[];
  private readonly index = new GuardIndex();
  private readonly memo = new ValueMemo();
  private readonly guarded: [string, (a: FlashdutyAlert) => string | undefined][];

  constructor(
    routes: Declared<RouteArgs>[],
    private readonly opts: FlashdutyOptions = {},
  ) {
    this.routes = routes.map((route) => ({
      route,
      unit: `integration ${route.args.integrationId}${route.resource ? ` (${route.resource})` : ""}`,
      id: Number(route.args.integrationId),
      cases: (route.args.cases ?? []).map((c) => ({ c, conds: c.if.map((cond) => compileFlashdutyCondition(cond, this.memo)) })),
    }));
    // Guards: per case, its exact IN condition on the most selective field.
    const values = new Map<string, Set<string>>();
    for (const r of this.routes) for (const { c } of r.cases) for (const cond of c.if.filter(exactIn)) for (const v of cond.vals) (values.get(cond.key) ?? values.set(cond.key, new Set()).get(cond.key)!).add(v);
    const distinct = new Map([...values].map(([k, v]) => [k, v.size]));
    for (const r of this.routes)
      for (const cc of r.cases) {
        const g = pickGuard(cc.c.if.filter(exactIn).map((cond) => ({ field: cond.key, vals: cond.vals })), distinct);
        if (!g) continue;
        cc.guard = this.index.id();
        this.index.guard(cc.guard, g.field, g.vals);
      }
    this.guarded = this.index.fields().map((f) => [f, getterOf(f)]);
    // Compile every pattern now, so simulate() does no compiling.
    for (const r of routes) for (const c of r.args.cases ?? []) for (const cond of c.if) for (const v of cond.vals) valueUnevaluable(v);
  }

  private selected(alert: FlashdutyAlert) {
    return alert.integrationId === undefined ? this.routes : this.routes.filter((r) => r.id === Number(alert.integrationId));
  }

  fast(alert: FlashdutyAlert): FastUnit[] {
    const index = this.index;
    index.begin();
    for (const [field, get] of this.guarded) {
      const v = get(alert);
      if (v !== undefined) index.mark(field, v);
    }
    const vecs: (Int8Array | undefined)[] = [];
    return this.selected(alert).map((r): FastUnit => {
      const { route, unit, cases } = r;
      const a = route.args;
      const matched: string[] = [];
      const ids: string[] = [];
      for (let i = 0; i < cases.length; i++) {
        const { c, conds, guard } = cases[i];
        // Its guard condition is false: the case cannot match.
        if (guard !== undefined && !index.possible(guard)) continue;
        let ok: Tri = true;
        for (const cond of conds) {
          const t = cond(alert, vecs);
          if (t === false) {
            ok = false;
            break;
          }
          if (t === undefined) ok = undefined;
        }
        if (ok === undefined) return { vendor: "flashduty", unit, outcome: "cannot-evaluate", matched: [], targetIds: [], cannotEvaluate: unevaluables(c) };
        if (!ok) continue;
        matched.push(String(i));
        for (const id of caseTargets(alert, c, this.opts).ids) if (!ids.includes(id)) ids.push(id);
        if (!c.fallthrough) break;
      }
      if (ids.length > 0) return { vendor: "flashduty", unit, outcome: "rule", matched, targetIds: ids };
      const def = a.default?.channelIds ?? [];
      // The common outcome, nothing matched: one shared frozen result per route.
      if (matched.length === 0) return (r.defaultUnit ??= frozenUnit({ vendor: "flashduty", unit, outcome: def.length > 0 ? "default" : "none", matched: [], targetIds: def.map(String) }));
      return { vendor: "flashduty", unit, outcome: def.length > 0 ? "default" : "none", matched, targetIds: def.map(String) };
    });
  }

  explain(alert: FlashdutyAlert): UnitResult[] {
    return this.selected(alert).map((r) => evaluateRoute(r.route, alert, this.opts));
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
