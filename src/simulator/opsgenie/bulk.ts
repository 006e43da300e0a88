import { frozenUnit, GuardIndex } from "../guard";
import type { FastUnit, OpsgenieAlert } from "../types";
import { wallTime } from "../zoned";
import { FALSE, selectedTeams, TRUE, UNKNOWN, unevaluables, type CompiledOpsgenie, type CompiledTeam, type SharedCriteria, type SharedTime } from "./compiled";
import { detailsOf, lc, type Ctx } from "./context";
import { exactGuards, guardMarker, literalGuards } from "./index-guards";

/**
 * The many-alerts path over the compiled routing: which rules decide, without
 * explanation text. Holds the guards and the per-alert results.
 */
export class OpsgenieBulk {
  private readonly teams: CompiledTeam[];
  private readonly index = new GuardIndex();
  private readonly markers: ((ctx: Ctx) => void)[];
  /** The shared criteria, then the shared time restrictions, by slot. */
  private readonly criteria: SharedCriteria[];
  private readonly timeGates: SharedTime[];
  /**
   * Per alert, each slot's result (FALSE, TRUE, UNKNOWN), valid while its stamp
   * is the alert's epoch: starting an alert clears nothing.
   */
  private readonly stamps: Uint32Array;
  private readonly codes: Int8Array;
  private epoch = 0;
  /** The criteria without a guard (decided for every alert), and each guard's criteria (decided when the alert marks it). */
  private unguarded = new Int32Array(0);
  private guardSlots: number[] = [];
  /** Per alert, one bit per rule (team by team): set when the rule's criteria do not fail. */
  private readonly candidates: Int32Array;
  /** The many-alerts path's context, reset for each alert (fast is synchronous: no two alerts share it at once). */
  private readonly ctx: Ctx = { alert: {}, details: {}, norm: new Map(), vecs: [] };

  constructor(compiled: CompiledOpsgenie, cs: boolean) {
    this.teams = compiled.teams;
    this.criteria = compiled.criteria;
    this.timeGates = compiled.timeGates;
    this.candidates = new Int32Array(compiled.words);
    this.stamps = new Uint32Array(this.criteria.length + this.timeGates.length);
    this.codes = new Int8Array(this.stamps.length);
    exactGuards(this.criteria, cs, this.index, this.guardSlots);
    literalGuards(this.criteria, cs, this.index, this.guardSlots);
    this.unguarded = Int32Array.from(this.criteria.filter((c) => c.guard === undefined).map((c) => c.slot));
    const norm = cs ? (x: string) => x : lc;
    this.markers = this.index.fields().map((f) => guardMarker(f, norm, this.index));
  }

  /**
   * Which rules decide, without explanation text. Every shared criteria is
   * decided once (a guarded one whose guard fails, without evaluating it), the
   * rules whose criteria do not fail are marked as bits, and each team's first
   * marked rule inside its time restriction decides; with `routeTo` (a few
   * teams), the selected teams' rules are walked instead.
   */
  fast(alert: OpsgenieAlert, at: Date, out: FastUnit[]): FastUnit[] {
    const ctx = this.ctx;
    ctx.alert = alert;
    ctx.details = detailsOf(alert);
    ctx.priority = undefined;
    ctx.norm.clear();
    ctx.vecs.length = 0;
    const index = this.index;
    index.begin();
    for (const mark of this.markers) mark(ctx);
    if (++this.epoch === 0xffffffff) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
    if (alert.routeTo) return this.walk(selectedTeams(this.teams, alert), ctx, at, out);
    this.markCandidates(ctx, at);
    return this.firstRules(ctx, at, out);
  }

  /**
   * Only the criteria that can hold are decided: those without a guard, and those the alert's
   * values marked; any other fails on its guard. The bits put each rule back in its place.
   */
  private markCandidates(ctx: Ctx, at: Date): void {
    const index = this.index;
    const candidates = this.candidates;
    candidates.fill(0);
    const criteria = this.criteria;
    const unguarded = this.unguarded;
    const marked = index.marked;
    for (let k = 0, n = unguarded.length + marked; k < n; k++) {
      const s = k < unguarded.length ? unguarded[k] : this.guardSlots[index.markedIds[k - unguarded.length]];
      if (this.decide(s, ctx, at) === FALSE) continue;
      const { words, masks } = criteria[s];
      for (let j = 0; j < words.length; j++) candidates[words[j]] |= masks[j];
    }
  }

  /** Each team's first candidate rule inside its time restriction decides; else its default rule. */
  private firstRules(ctx: Ctx, at: Date, out: FastUnit[]): FastUnit[] {
    const candidates = this.candidates;
    const stamps = this.stamps;
    const codes = this.codes;
    const epoch = this.epoch;
    const teams = this.teams;
    for (let t = 0; t < teams.length; t++) {
      const team = teams[t];
      let result: FastUnit | undefined;
      for (let w = 0; w < team.words && result === undefined; w++) {
        let x = candidates[team.word + w];
        while (x !== 0) {
          const low = x & -x;
          x ^= low;
          const i = (w << 5) | (31 - Math.clz32(low));
          // Outside its time restriction: the rule does not match, whatever its criteria.
          const ts = team.timeSlots[i];
          if (ts >= 0 && (stamps[ts] === epoch ? codes[ts] : this.decide(ts, ctx, at)) === FALSE) continue;
          result = this.ruleUnit(team, i, codes[team.critSlots[i]]);
          break;
        }
      }
      out.push(result ?? this.defaultUnit(team));
    }
    return out;
  }

  /** The selected teams' rules in order, each shared criteria and time restriction decided when first reached. */
  private walk(teams: CompiledTeam[], ctx: Ctx, at: Date, out: FastUnit[]): FastUnit[] {
    const epoch = this.epoch;
    const stamps = this.stamps;
    const codes = this.codes;
    for (let t = 0; t < teams.length; t++) {
      const team = teams[t];
      const critSlots = team.critSlots;
      const timeSlots = team.timeSlots;
      let result: FastUnit | undefined;
      for (let i = 0; i < critSlots.length; i++) {
        const c = critSlots[i];
        const m = stamps[c] === epoch ? codes[c] : this.decide(c, ctx, at);
        if (m === FALSE) continue;
        const ts = timeSlots[i];
        if (ts >= 0 && (stamps[ts] === epoch ? codes[ts] : this.decide(ts, ctx, at)) === FALSE) continue;
        result = this.ruleUnit(team, i, m);
        break;
      }
      out.push(result ?? this.defaultUnit(team));
    }
    return out;
  }

  /** Rule `i` of `team` decides, its criteria with `code` (TRUE or UNKNOWN); the result is built once and shared. */
  private ruleUnit(team: CompiledTeam, i: number, code: number): FastUnit {
    const r = team.rules[i];
    return code === TRUE
      ? (r.matchedUnit ??= frozenUnit({ vendor: "opsgenie", unit: team.unit, outcome: "rule", matched: [r.decl.args.name], targetIds: [r.notify.id] }))
      : (r.unevaluableUnit ??= frozenUnit({ vendor: "opsgenie", unit: team.unit, outcome: "cannot-evaluate", matched: [], targetIds: [], cannotEvaluate: unevaluables(r) }));
  }

  private defaultUnit(team: CompiledTeam): FastUnit {
    return (team.defaultUnit ??= frozenUnit({ vendor: "opsgenie", unit: team.unit, outcome: "default", matched: [], targetIds: ["default"] }));
  }

  /** Decides slot `slot` (a shared criteria or time restriction) for the current alert and records it. */
  private decide(slot: number, ctx: Ctx, at: Date): number {
    let code: number;
    if (slot < this.criteria.length) {
      const crit = this.criteria[slot];
      // Its guard condition is false: the criteria cannot hold.
      code = crit.guard !== undefined && !this.index.possible(crit.guard) ? FALSE : criteriaResult(crit, ctx);
    } else {
      const time = this.timeGates[slot - this.criteria.length];
      // Decided once per alert; wallTime remembers the zone's last minute.
      code = time.inTime(wallTime(at, time.tz)) ? TRUE : FALSE;
    }
    this.stamps[slot] = this.epoch;
    this.codes[slot] = code;
    return code;
  }
}

/** The criteria's result for the alert, as a code (FALSE, TRUE, UNKNOWN). */
function criteriaResult(c: SharedCriteria, ctx: Ctx): number {
  const conds = c.conds;
  let unknown = false;
  if (c.any) {
    for (let i = 0; i < conds.length; i++) {
      const t = conds[i].test(ctx);
      if (t === true) return TRUE;
      if (t === undefined) unknown = true;
    }
    return unknown ? UNKNOWN : FALSE;
  }
  // match-all has no conditions: true.
  for (let i = 0; i < conds.length; i++) {
    const t = conds[i].test(ctx);
    if (t === false) return FALSE;
    if (t === undefined) unknown = true;
  }
  return unknown ? UNKNOWN : TRUE;
}
