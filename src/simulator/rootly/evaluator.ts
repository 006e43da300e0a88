import type { RootlyAlertRouteArgs as AlertRouteArgs } from "../../rootly/alert-route.types";
import { frozenUnit, GuardIndex } from "../guard";
import { and3, or3, type Tri } from "../tri";
import type { Check, Declared, FastUnit, RootlyAlert, RuleTrace, UnitResult } from "../types";
import { compileRootly, destText, FALSE, ids, TRUE, UNKNOWN, unevaluables, type CompiledRoute, type SharedGroups } from "./compiled";
import { groupsResult, lookupPath, values } from "./conditions";
import { rootlyGuards, type Marker } from "./index-guards";

export const ROOTLY_ASSUMPTIONS = [
  "condition groups are ORed and the conditions inside a group ANDed (docs silent)",
  "comparisons are case-sensitive; matches_regex is Ruby (Onigmo) syntax and searches anywhere in the value (Ruby's =~; `^`/`$` are line anchors)",
  "a payload field name is a dotted path into the payload (`$.` prefix optional, `[n]` for arrays)",
  "a list value holds for a positive condition when one element does; a negative condition when none does",
];

/** Rootly's routing compiled once: rules in position order, conditions as closures, patterns compiled. */
export class RootlyEvaluator {
  private readonly routes: CompiledRoute[];
  private readonly shared: SharedGroups[];
  /** Per alert, each shared groups' result (FALSE, TRUE, UNKNOWN), valid while its stamp is the alert's epoch. */
  private readonly stamps: Uint32Array;
  private readonly codes: Int8Array;
  private epoch = 0;
  private readonly index = new GuardIndex();
  /** The guarded fields: each payload path's values, whole (`value`) or in pieces (`piece`). */
  private readonly markers: Marker[];
  /** The groups without a guard (decided for every alert), and each guard's groups (decided when the alert marks it). */
  private unguarded = new Int32Array(0);
  private readonly guardSlots: number[] = [];
  /** Per alert, one bit per rule (route by route): set when its groups do not fail. */
  private readonly candidates: Int32Array;

  constructor(routes: Declared<AlertRouteArgs>[]) {
    const compiled = compileRootly(routes);
    this.routes = compiled.routes;
    this.shared = compiled.shared;
    this.stamps = new Uint32Array(this.shared.length);
    this.codes = new Int8Array(this.shared.length);
    this.candidates = new Int32Array(compiled.words);
    this.markers = rootlyGuards(compiled.raw, this.shared, this.index, this.guardSlots);
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
    return this.selected(alert).map((r) => this.walkRoute(r, alert));
  }

  /** One route of the alert's source, its rules in order; each decision's result is built once and shared (frozen) by every alert it applies to. */
  private walkRoute(r: CompiledRoute, alert: RootlyAlert): FastUnit {
    const epoch = this.epoch;
    const index = this.index;
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
