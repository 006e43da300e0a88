import type { FlashdutyRouteArgs as RouteArgs } from "../../flashduty/route.types";
import { frozenUnit, GuardIndex, ValueMemo } from "../guard";
import { and3 } from "../tri";
import type { Declared, FastUnit, FlashdutyAlert, RuleTrace, UnitResult } from "../types";
import { compileFlashduty, FALSE, flashdutyGuards, TRUE, UNKNOWN, type CompiledRoute, type SharedConditions } from "./compiled";
import { caseTargets, checkFlashdutyCondition, getterOf, unevaluables, type FlashdutyOptions } from "./conditions";
import { valueUnevaluable } from "./values";

export const FLASHDUTY_ASSUMPTIONS = [
  "an absent field matches no value: IN fails and NOTIN holds (docs: `IN *` = field exists)",
  "exact values and wildcards compare case-sensitively; a wildcard covers the whole value",
  "`alert_severity` is read as `severity`; other keys than severity, title, description, data_source_id and labels.<name> are absent",
  "name_mapping: the channel named by the label is resolved by the vendor at alert time (pass channelNames to resolve it here)",
];

/** A case without fallthrough matched: the route ends (its result is built from what matched). */
const DONE: FastUnit = Object.freeze({ vendor: "flashduty", unit: "", outcome: "none", matched: [], targetIds: [] });

/** Flashduty's routing compiled once (patterns are compiled on first use and cached). */
export class FlashdutyEvaluator {
  private readonly routes: CompiledRoute[];
  private readonly index = new GuardIndex();
  private readonly memo = new ValueMemo();
  private readonly guarded: [string, (a: FlashdutyAlert) => string | undefined][];
  private readonly shared: SharedConditions[];
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
    const compiled = compileFlashduty(routes, this.memo);
    this.routes = compiled.routes;
    this.shared = compiled.shared;
    this.stamps = new Uint32Array(this.shared.length);
    this.codes = new Int8Array(this.shared.length);
    this.candidates = new Int32Array(compiled.words);
    flashdutyGuards(this.shared, this.index, this.guardSlots);
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
    this.markCandidates(alert);
    const candidates = this.candidates;
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

  /**
   * Only the conditions that can hold are decided: those without a guard, and those the alert's
   * values marked; any other fails on its guard. The bits put each case back in its place.
   */
  private markCandidates(alert: FlashdutyAlert): void {
    const index = this.index;
    const candidates = this.candidates;
    candidates.fill(0);
    const shared = this.shared;
    const unguarded = this.unguarded;
    const marked = index.marked;
    for (let k = 0, n = unguarded.length + marked; k < n; k++) {
      const s = k < unguarded.length ? unguarded[k] : this.guardSlots[index.markedIds[k - unguarded.length]];
      if (this.decide(s, alert) === FALSE) continue;
      const { words, masks } = shared[s];
      for (let j = 0; j < words.length; j++) candidates[words[j]] |= masks[j];
    }
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
