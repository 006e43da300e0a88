import type { OpsgenieTeamRoutingRuleArgs as TeamRoutingRuleArgs } from "../../opsgenie/team-routing-rule.types";
import { checkTimeRestriction } from "./time";
import { and3, or3, type Tri } from "../tri";
import type { Check, Declared, FastUnit, OpsgenieAlert, RuleTrace, UnitResult } from "../types";
import { wallTime, type WallTime } from "../zoned";
import { OpsgenieBulk } from "./bulk";
import { compileOpsgenie, selectedTeams, unevaluables, type CompiledRule, type CompiledTeam } from "./compiled";
import { contextOf, type Ctx } from "./context";

export function opsgenieAssumptions(caseSensitive: boolean): string[] {
  return [
    caseSensitive
      ? "string comparisons are case-sensitive (as asked: --opsgenie-case-sensitive / opsgenieCaseSensitive: true; the docs are silent)"
      : "string comparisons (contains, equals, starts-with, ends-with, equals-ignore-whitespace, list and map operations) are case-insensitive (docs silent; --opsgenie-case-sensitive or opsgenieCaseSensitive: true flips it)",
    "`matches` is Java's String.matches: the whole value, Java regex syntax, case-sensitive unless the pattern says (?i)",
    "priority compares by its number (P1 < P5), an alert without priority is P3",
    "a time window includes its start minute and excludes its end minute; start = end means always",
    "a rule without timezone uses the account timezone, taken as UTC unless given (accountTimezone)",
  ];
}
export const OPSGENIE_ASSUMPTIONS = opsgenieAssumptions(false);

export interface OpsgenieOptions {
  /** The account's timezone, used by rules without one (default UTC). */
  accountTimezone?: string;
  /**
   * Opsgenie's string operations are taken as case-insensitive (its docs are silent);
   * true compares case-sensitively, for users who learn otherwise. `matches` is not affected.
   */
  opsgenieCaseSensitive?: boolean;
}

/** Opsgenie's routing compiled once: each team's rules in order, conditions as closures, patterns compiled. */
export class OpsgenieEvaluator {
  private readonly teams: CompiledTeam[];
  private readonly assumptions: string[];
  /** The many-alerts path (bulk.ts). */
  private readonly bulk: OpsgenieBulk;

  constructor(rules: Declared<TeamRoutingRuleArgs>[], opts: OpsgenieOptions = {}) {
    const cs = opts.opsgenieCaseSensitive === true;
    this.assumptions = cs ? opsgenieAssumptions(true) : OPSGENIE_ASSUMPTIONS;
    const compiled = compileOpsgenie(rules, cs, opts.accountTimezone ?? "UTC");
    this.teams = compiled.teams;
    this.bulk = new OpsgenieBulk(compiled, cs);
  }

  /** Which rules decide, without explanation text (see OpsgenieBulk.fast). */
  fast(alert: OpsgenieAlert, at: Date, out: FastUnit[] = []): FastUnit[] {
    return this.bulk.fast(alert, at, out);
  }

  /** The full evaluation with its explanation. */
  explain(alert: OpsgenieAlert, at: Date, only?: number): UnitResult[] {
    const ctx = contextOf(alert);
    const times = new Map<string, WallTime>();
    const teams = selectedTeams(this.teams, alert);
    // `only`: the one team (by its place among the alert's) whose explanation is wanted.
    return (only === undefined ? teams : teams.slice(only, only + 1)).map((team) => explainTeam(team, ctx, at, times, this.assumptions));
  }
}

function zoneTime(tz: string, at: Date, times: Map<string, WallTime>): WallTime {
  let wt = times.get(tz);
  if (!wt) {
    wt = wallTime(at, tz);
    times.set(tz, wt);
  }
  return wt;
}

/** One rule's checks and whether it matches (undefined: cannot evaluate); its zone's time text added to `contexts`. */
function explainRule(r: CompiledRule, ctx: Ctx, at: Date, times: Map<string, WallTime>, contexts: Set<string>): { matched: Tri; trace: RuleTrace } {
  const a = r.decl.args;
  const checks: Check[] = [];
  let timeOk = true;
  if (a.timeRestriction && r.tz) {
    const wt = zoneTime(r.tz, at, times);
    contexts.add(wt.text);
    const tc = checkTimeRestriction(a.timeRestriction, wt);
    checks.push(tc);
    timeOk = tc.held;
  }
  const condChecks = r.type === "match-all" ? [] : r.conds.map((c) => c.check(ctx));
  checks.push(...condChecks);
  const tri = (c: Check): Tri => (c.unknown ? undefined : c.held);
  const crit: Tri = r.type === "match-all" ? true : r.type === "match-any-condition" ? or3(condChecks.map(tri)) : and3(condChecks.map(tri));
  const matched: Tri = timeOk ? crit : false;
  const reason = !timeOk
    ? "skipped: outside its time restriction"
    : crit === undefined
      ? `cannot evaluate: ${r.type} depends on a pattern the simulator cannot evaluate exactly`
      : !crit
        ? `skipped: ${r.type} not satisfied`
        : `matched: ${r.type}`;
  return { matched, trace: { label: r.label, name: a.name, matched: matched === true, reason, checks } };
}

function explainTeam(team: CompiledTeam, ctx: Ctx, at: Date, times: Map<string, WallTime>, assumptions: string[]): UnitResult {
  const trace: RuleTrace[] = [];
  const contexts = new Set<string>();
  const base = { vendor: "opsgenie" as const, unit: team.unit, trace, assumptions };
  const context = () => [...contexts].join("; ") || undefined;
  for (const r of team.rules) {
    const { matched, trace: t } = explainRule(r, ctx, at, times, contexts);
    trace.push(t);
    if (matched === true) return { ...base, context: context(), outcome: "rule", matched: [r.decl.args.name], targets: [r.notify.text], targetIds: [r.notify.id] };
    if (matched === undefined) {
      const why = unevaluables(r);
      return { ...base, context: context(), outcome: "cannot-evaluate", matched: [], targets: [`cannot evaluate: ${why.join("; ")}`], targetIds: [], cannotEvaluate: why };
    }
  }
  return {
    ...base,
    context: context(),
    outcome: "default",
    matched: [],
    targets: ["the team's Default Routing Rule (not declared in the program; usually the team's escalation)"],
    targetIds: ["default"],
  };
}

/** Evaluates each team's declared rules for the alert: first match wins, the default rule last. */
export function evaluateOpsgenie(rules: Declared<TeamRoutingRuleArgs>[], alert: OpsgenieAlert, at: Date, opts: OpsgenieOptions = {}): UnitResult[] {
  return new OpsgenieEvaluator(rules, opts).explain(alert, at);
}
