import type { RootlyAlertRouteArgs as AlertRouteArgs, RootlyAlertRouteCondition as AlertRouteCondition, RootlyAlertRouteRule as AlertRouteRule } from "../rootly/alert-route.types";
import { frozenUnit } from "./guard";
import { vendorRegex } from "./regex";
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
    if (cur === null || typeof cur !== "object") return undefined;
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
  route: Declared<AlertRouteArgs>;
  unit: string;
  sources: Set<string>;
  rules: CompiledRule[];
  noneUnit?: FastUnit;
}

/** Rootly's routing compiled once: rules in position order, conditions as closures, patterns compiled. */
export class RootlyEvaluator {
  private readonly routes: CompiledRoute[];
  private readonly shared: SharedGroups[] = [];
  /** Per alert, each shared groups' result (FALSE, TRUE, UNKNOWN), valid while its stamp is the alert's epoch. */
  private readonly stamps: Uint32Array;
  private readonly codes: Int8Array;
  private epoch = 0;

  constructor(routes: Declared<AlertRouteArgs>[]) {
    const byKey = new Map<string, number>();
    this.routes = routes.map((route) => {
      const a = route.args;
      return {
        route,
        unit: `${JSON.stringify(a.name)}${route.resource ? ` (${route.resource})` : ""}`,
        sources: new Set(a.alertsSourceIds),
        rules: sortRootlyRules(a.rules ?? []).map(({ rule, position }) => {
          const groups = (rule.conditionGroups ?? []).map((g, gi) => ({ label: g.position ?? gi + 1, conds: g.conditions.map(compileRootlyCondition) }));
          const key = groupsKey(rule);
          let slot = byKey.get(key);
          if (slot === undefined) {
            byKey.set(key, (slot = this.shared.length));
            this.shared.push({ groups: groups.map((g) => g.conds) });
          }
          return { rule, label: `position ${position} ${JSON.stringify(rule.name)}${rule.fallbackRule ? " (fallback)" : ""}`, groups, slot };
        }),
      };
    });
    this.stamps = new Uint32Array(this.shared.length);
    this.codes = new Int8Array(this.shared.length);
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
    // Each decision's result is built once and shared (frozen) by every alert it applies to.
    return this.selected(alert).map((r): FastUnit => {
      const base = { vendor: "rootly" as const, unit: r.unit };
      if (r.route.args.enabled === false) return (r.noneUnit ??= frozenUnit({ ...base, outcome: "none", matched: [], targetIds: [] }));
      for (const cr of r.rules) {
        const ids = () => cr.rule.destinations.map((d) => d.targetId);
        if (cr.rule.fallbackRule) return (cr.unit ??= frozenUnit({ ...base, outcome: "fallback", matched: [cr.rule.name], targetIds: ids() }));
        const s = cr.slot;
        let code = this.stamps[s] === epoch ? this.codes[s] : 0;
        if (code === 0) {
          const t = groupsResult(this.shared[s].groups, alert);
          code = t === true ? TRUE : t === false ? FALSE : UNKNOWN;
          this.stamps[s] = epoch;
          this.codes[s] = code;
        }
        if (code === FALSE) continue;
        if (code === TRUE) return (cr.unit ??= frozenUnit({ ...base, outcome: "rule", matched: [cr.rule.name], targetIds: ids() }));
        return (cr.unevaluableUnit ??= frozenUnit({ ...base, outcome: "cannot-evaluate", matched: [], targetIds: [], cannotEvaluate: unevaluables(cr) }));
      }
      return (r.noneUnit ??= frozenUnit({ ...base, outcome: "none", matched: [], targetIds: [] }));
    });
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
