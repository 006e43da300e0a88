// Static findings over the declared routing: dead rules, catch-alls, time windows that never hold,
// coverage gaps. Rules are read as the simulator reads them (see ./conditions.ts); the questions
// are asked of a small satisfiability search (./solver.ts), over a year of 15-minute slots where
// Opsgenie time restrictions make the answer depend on time (./time.ts).
import type { FlashdutyRouteArgs } from "../flashduty/route.types";
import type { OpsgenieTeamRoutingRuleArgs } from "../opsgenie/team-routing-rule.types";
import type { RootlyAlertRouteArgs } from "../rootly/alert-route.types";
import { routingFromArgs, simulate } from "../simulator";
import type { Declared, Routing, Vendor } from "../simulator/types";
import { sortRules, teamOf } from "../simulator/opsgenie";
import { sortRootlyRules } from "../simulator/rootly";
import { Fields, flashdutyAtom, flashdutyLabelPresent, opsgenieAtom, opsgenieDetailKeys, rootlyAtom } from "./conditions";
import { and, describeWitness, FALSE, not, or, solve, TRUE, type FieldSpace, type Formula } from "./solver";
import { timeline, validZone, wall, windows, windowsText, type Timeline } from "./time";

export type Severity = "error" | "warning" | "info";
export type FindingKind = "shadowed" | "may-be-shadowed" | "unreachable-time" | "coverage-gap" | "after-catch-all" | "no-target";

/** A span of the week in a rule's time zone, e.g. `{ from: "monday 18:00", to: "tuesday 08:00", timezone: "Europe/Berlin" }`. */
export interface LintWindow {
  from: string;
  to: string;
  timezone: string;
}

export interface Finding {
  vendor: Vendor;
  /** The team (Opsgenie), route (Rootly) or integration (Flashduty), as the simulator names it. */
  unit: string;
  kind: FindingKind;
  severity: Severity;
  /** The rules involved: the finding's subject first, then the rules that cause it. */
  rules: string[];
  /** The Pulumi resource names of those rules (`Declared.resource`), deduplicated. */
  resources: string[];
  /** When the finding holds, where it depends on time (absent: always). */
  windows?: LintWindow[];
  /** One line: why. */
  why: string;
}

export interface LintOptions {
  /** The year analysed for time restrictions starts here (DST changes in it included). Default: now. */
  at?: Date;
  /** The Opsgenie account's time zone, for rules without one (default UTC, as the simulator). */
  accountTimezone?: string;
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function lintRouting(routing: Routing, opts: LintOptions = {}): Finding[] {
  const at = opts.at ?? new Date();
  const out: Finding[] = [];
  out.push(...lintOpsgenie(routing.opsgenie ?? [], at, opts.accountTimezone ?? "UTC"));
  for (const r of routing.rootly ?? []) out.push(...lintRootlyRoute(r));
  for (const r of routing.flashduty ?? []) out.push(...lintFlashdutyRoute(r));
  return out;
}

const resourcesOf = (rs: (string | undefined)[]) => [...new Set(rs.filter((r): r is string => !!r))];
const q = JSON.stringify;

/** The first few rule names, quoted. */
const names = (xs: string[]) => (xs.length <= 3 ? xs.map((x) => q(x)).join(", ") : `${xs.slice(0, 3).map((x) => q(x)).join(", ")} and ${xs.length - 3} more`);

// ================= Opsgenie =================

type OgRule = Declared<OpsgenieTeamRoutingRuleArgs>;


function lintOpsgenie(rules: OgRule[], at: Date, accountTz: string): Finding[] {
  const teams = new Map<string, OgRule[]>();
  for (const r of rules) teams.set(teamOf(r.args), [...(teams.get(teamOf(r.args)) ?? []), r]);
  const out: Finding[] = [];
  for (const [team, rs] of teams) out.push(...lintTeam(team, sortRules(rs), at, accountTz));
  return out;
}

function opsgenieMatch(r: OgRule, fields: Fields, detailKeys: string[], accountTz: string): Formula {
  const type = r.args.criteria?.type ?? "match-all";
  if (type === "match-all") return TRUE;
  const atoms = (r.args.criteria?.conditions ?? []).map((c) => opsgenieAtom(c, fields, detailKeys, accountTz));
  if (type === "match-any-condition") return atoms.length ? or(atoms) : FALSE;
  return atoms.length ? and(atoms) : TRUE;
}

/** Windows whose start equals their end: Opsgenie's docs do not say what they mean. */
function emptyWindows(a: OpsgenieTeamRoutingRuleArgs): string[] {
  const tr = a.timeRestriction;
  if (!tr) return [];
  const hm = (h: number, m: number) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
  if (tr.type === "time-of-day") {
    const r = tr.restriction;
    return r && r.startHour === r.endHour && r.startMin === r.endMin ? [`time-of-day ${hm(r.startHour, r.startMin)}-${hm(r.endHour, r.endMin)}`] : [];
  }
  return (tr.restrictions ?? []).filter((r) => r.startDay === r.endDay && r.startHour === r.endHour && r.startMin === r.endMin).map((r) => `${r.startDay} ${hm(r.startHour, r.startMin)} - ${r.endDay} ${hm(r.endHour, r.endMin)}`);
}

interface SlotVerdict {
  shadowed: boolean;
  exact: boolean;
  /** Earlier active rules whose alerts overlap this rule's. */
  by: number[];
}

function lintTeam(team: string, rules: OgRule[], at: Date, accountTz: string): Finding[] {
  const out: Finding[] = [];
  const zoneOf = (r: OgRule) => r.args.timezone ?? accountTz;
  const base = (kind: FindingKind, severity: Severity, idx: number[], why: string, ws?: LintWindow[]): Finding => ({
    vendor: "opsgenie",
    unit: team,
    kind,
    severity,
    rules: idx.map((i) => rules[i].args.name),
    resources: resourcesOf(idx.map((i) => rules[i].resource)),
    ...(ws ? { windows: ws } : {}),
    why,
  });

  for (const [i, r] of rules.entries()) {
    const n = r.args.notify;
    if (n && n.type !== "none" && !n.id && !n.name) out.push(base("no-target", "error", [i], `notifies a ${n.type} but names none (neither id nor name)`));
    for (const w of emptyWindows(r.args))
      out.push(base("unreachable-time", "warning", [i], `window ${w} starts where it ends: empty as written (the simulator, like an unset window, takes it as always; Opsgenie's docs are silent)`));
    if (r.args.timezone && !validZone(r.args.timezone)) out.push(base("unreachable-time", "error", [i], `unknown time zone ${q(r.args.timezone)}: the restriction cannot be evaluated`));
  }
  const zonesOk = rules.every((r) => validZone(zoneOf(r)));
  if (!zonesOk) return out;

  const fields = new Fields();
  const detailKeys = opsgenieDetailKeys(rules);
  const match = rules.map((r) => opsgenieMatch(r, fields, detailKeys, accountTz));
  const space = fields.space();
  const timed = rules.map((r) => r.args.timeRestriction !== undefined);
  const catchAll = match.map((m, i) => !timed[i] && isCatchAll(m, space));

  // Which rules are active in each slot (only time restrictions vary), grouped by the active set.
  const tl: Timeline | undefined = timed.some(Boolean) ? timeline(at) : undefined;
  const slotCount = tl ? tl.slots.length : 1;
  const activeAt = activity(rules, tl, accountTz);
  const groups = new Map<string, number[]>();
  for (let s = 0; s < slotCount; s++) {
    const k = rules.map((_, i) => (activeAt[i][s] ? "1" : "0")).join("");
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  // Per active set: whether each active rule can be reached past the earlier active ones.
  const verdicts = new Map<string, (SlotVerdict | undefined)[]>();
  for (const k of groups.keys()) {
    const active = [...k].map((c) => c === "1");
    verdicts.set(k, rules.map((_, j) => (active[j] ? reach(j, match, active, space) : undefined)));
  }
  const inReport = (s: number) => !tl || (s >= tl.from && s < tl.to);

  const displayZone = zoneOf(rules.find((r) => r.args.timeRestriction) ?? rules[0]);
  for (const [j, r] of rules.entries()) {
    // Counts over the reported year decide; flags over every slot (padding too) draw whole windows.
    let active = 0;
    let shadowed = 0;
    const shadowFlags = new Array<boolean>(slotCount).fill(false);
    const reachFlags = new Array<boolean>(slotCount).fill(false);
    let exact = true;
    const by = new Set<number>();
    for (const [k, slots] of groups) {
      const v = verdicts.get(k)?.[j];
      if (!v) continue;
      const reported = slots.filter(inReport).length;
      active += reported;
      if (v.shadowed) {
        for (const s of slots) shadowFlags[s] = true;
        if (reported) {
          shadowed += reported;
          if (!v.exact) exact = false;
          v.by.forEach((b) => by.add(b));
        }
      } else for (const s of slots) reachFlags[s] = true;
    }
    const activeSlots = { length: active };
    const shadowSlots = { length: shadowed };
    const zone = r.args.timeRestriction ? zoneOf(r) : displayZone;
    const involved = [j, ...[...by].sort((a, b) => a - b)];
    if (activeSlots.length === 0) {
      out.push(base("unreachable-time", "error", [j], "its time restriction never holds in the year analysed: the rule never applies"));
      continue;
    }
    const firstCatchAll = catchAll.findIndex((c, i) => c && i < j);
    if (firstCatchAll >= 0) {
      out.push(base("after-catch-all", "error", [j, firstCatchAll], `comes after ${q(rules[firstCatchAll].args.name)}, which matches every alert at all times: never evaluated`));
      continue;
    }
    if (shadowSlots.length === activeSlots.length) {
      const who = involved.slice(1).map((i) => rules[i].args.name);
      const whyRules = who.length ? `earlier rules ${names(who)} take every alert it would take` : "no alert satisfies its conditions";
      out.push(base(exact ? "shadowed" : "may-be-shadowed", exact ? "error" : "warning", involved, exact ? `can never match: ${whyRules}${tl ? " whenever it applies" : ""}` : `may never match: ${whyRules} as far as the analysis can tell (a regex, CIDR or wildcard is compared approximately)`));
      continue;
    }
    if (shadowSlots.length > 0 && tl) {
      const ws = windows(tl, shadowFlags, zone);
      const who = involved.slice(1).map((i) => rules[i].args.name);
      out.push(base("unreachable-time", "warning", involved, `${exact ? "shadowed" : "may be shadowed"} at some times: ${names(who)} take every alert it would take during ${windowsText(ws)}`, ws));
    }
    // A reachable `notify: none` rule: some alert ends there and notifies no one.
    if (r.args.notify?.type === "none") {
      const always = !tl || active - shadowed === tl.to - tl.from;
      const ws = always || !tl ? undefined : windows(tl, reachFlags, zone);
      out.push(base("coverage-gap", "warning", [j], `alerts that reach this rule notify no one (notify: none)${ws ? ` during ${windowsText(ws)}` : " at all times"}`, ws));
    }
  }
  return out;
}

/** Per rule, per slot: whether its time restriction holds (the simulator decides, memoized by wall time). */
function activity(rules: OgRule[], tl: Timeline | undefined, accountTz: string): boolean[][] {
  if (!tl) return rules.map(() => [true]);
  return rules.map((r) => {
    if (!r.args.timeRestriction) return tl.slots.map(() => true);
    const tz = r.args.timezone ?? accountTz;
    const one = routingFromArgs({ opsgenie: [{ teamName: "t", name: "r", notify: { type: "none" }, timeRestriction: r.args.timeRestriction, ...(r.args.timezone ? { timezone: r.args.timezone } : {}) }] });
    const memo = new Map<string, boolean>();
    return tl.slots.map((ms) => {
      const k = wall(ms, tz).week;
      let v = memo.get(k);
      if (v === undefined) {
        v = simulate(one, { opsgenie: {} }, { at: new Date(ms), accountTimezone: accountTz }).units[0]?.outcome === "rule";
        memo.set(k, v);
      }
      return v;
    });
  });
}

function isCatchAll(m: Formula, space: Map<string, FieldSpace>): boolean {
  const s = solve(not(m), space);
  return !s.sat && s.exact;
}

/** Can an alert reach rule j past the earlier rules that stop evaluation? */
function reach(j: number, match: Formula[], stops: boolean[], space: Map<string, FieldSpace>): SlotVerdict {
  const earlier = match.map((m, i) => ({ m, i })).filter(({ i }) => i < j && stops[i]);
  const s = solve(and([match[j], ...earlier.map(({ m }) => not(m))]), space);
  if (s.sat) return { shadowed: false, exact: true, by: [] };
  // The rules that overlap it, then only those needed: a why line names the cause, not every neighbour.
  let by = earlier.filter(({ m }) => solve(and([match[j], m]), space).sat).map(({ i }) => i);
  // Later rules are dropped first, so the earliest sufficient rules remain (they take the alerts first).
  for (const drop of [...by].reverse()) {
    const rest = by.filter((i) => i !== drop);
    if (!solve(and([match[j], ...rest.map((i) => not(match[i]))]), space).sat) by = rest;
  }
  return { shadowed: true, exact: s.exact, by };
}

// ================= Rootly =================


function lintRootlyRoute(route: Declared<RootlyAlertRouteArgs>): Finding[] {
  const a = route.args;
  const unit = `${q(a.name)}${route.resource ? ` (${route.resource})` : ""}`;
  // A disabled route takes nothing, on purpose: nothing to say about its rules.
  if (a.enabled === false) return [];
  // The simulator's order: units are named and rules ordered as it evaluates them.
  const rules = sortRootlyRules(a.rules ?? []).map((p) => p.rule);
  const out: Finding[] = [];
  const base = (kind: FindingKind, severity: Severity, rs: string[], why: string): Finding => ({ vendor: "rootly", unit, kind, severity, rules: rs, resources: resourcesOf([route.resource]), why });
  const fields = new Fields();
  const match = rules.map((r) => (r.fallbackRule ? TRUE : (r.conditionGroups ?? []).length === 0 ? FALSE : or((r.conditionGroups ?? []).map((g) => and(g.conditions.map((c) => rootlyAtom(c, fields)))))));
  const space = fields.space();
  for (const r of rules) if ((r.destinations ?? []).length === 0) out.push(base("no-target", "error", [r.name], "matches alerts but has no destinations"));
  const all = rules.map(() => true);
  for (const [j, r] of rules.entries()) {
    if (!r.fallbackRule && (r.conditionGroups ?? []).length === 0) {
      out.push(base("shadowed", "error", [r.name], "has no condition groups: a rule without conditions never matches (only the fallback rule takes every alert)"));
      continue;
    }
    const v = reach(j, match, all, space);
    if (!v.shadowed) continue;
    const who = v.by.map((i) => rules[i].name);
    const catchAll = v.by.find((i) => isCatchAll(match[i], space));
    const why = catchAll !== undefined ? `${q(rules[catchAll].name)} before it matches every alert` : who.length ? `earlier rules ${names(who)} take every alert it would take` : "no alert satisfies its conditions";
    const subject = r.fallbackRule ? "the fallback rule is never used" : "can never match";
    out.push(base(v.exact ? "shadowed" : "may-be-shadowed", v.exact ? "error" : "warning", [r.name, ...who], v.exact ? `${subject}: ${why}` : `may never match: ${why} as far as the analysis can tell (a regex is compared approximately)`));
  }
  if (!rules.some((r) => r.fallbackRule)) {
    const s = solve(and(match.map((m) => not(m))), space);
    if (s.sat) out.push(base("coverage-gap", "warning", [], `an alert no rule matches reaches no one: the route has no fallback rule (e.g. ${describeWitness(s.witness) || "any alert"})`));
  }
  return out;
}

// ================= Flashduty =================

function lintFlashdutyRoute(route: Declared<FlashdutyRouteArgs>): Finding[] {
  const a = route.args;
  const unit = `integration ${a.integrationId}${route.resource ? ` (${route.resource})` : ""}`;
  const cases = a.cases ?? [];
  const name = (i: number) => `case ${i}`;
  const out: Finding[] = [];
  const base = (kind: FindingKind, severity: Severity, rs: string[], why: string): Finding => ({ vendor: "flashduty", unit, kind, severity, rules: rs, resources: resourcesOf([route.resource]), why });
  const fields = new Fields();
  const match = cases.map((c) => and(c.if.map((cond) => flashdutyAtom(cond, fields))));
  const mapping = (c: (typeof cases)[number]) => c.routingMode === "name_mapping";
  const yields: Formula[] = cases.map((c) => (mapping(c) ? (c.nameMappingLabel ? flashdutyLabelPresent(c.nameMappingLabel, fields) : FALSE) : (c.channelIds ?? []).length > 0 ? TRUE : FALSE));
  const space = fields.space();
  for (const [i, c] of cases.entries()) {
    if (mapping(c) && !c.nameMappingLabel) out.push(base("no-target", "error", [name(i)], "routes by name_mapping but names no label"));
    else if (!mapping(c) && (c.channelIds ?? []).length === 0) out.push(base("no-target", "error", [name(i)], "matches alerts but names no channel"));
  }
  const stops = cases.map((c) => !c.fallthrough);
  const catchAll = match.map((m, i) => stops[i] && isCatchAll(m, space));
  for (const j of cases.keys()) {
    const first = catchAll.findIndex((c, i) => c && i < j);
    if (first >= 0) {
      out.push(base("after-catch-all", "error", [name(j), name(first)], `comes after ${name(first)}, which matches every alert without fallthrough: never evaluated`));
      continue;
    }
    const v = reach(j, match, stops, space);
    if (!v.shadowed) continue;
    const who = v.by.map(name);
    const why = who.length ? `earlier cases ${who.join(", ")} (without fallthrough) take every alert it would take` : "no alert satisfies all its conditions";
    out.push(base(v.exact ? "shadowed" : "may-be-shadowed", v.exact ? "error" : "warning", [name(j), ...who], v.exact ? `can never match: ${why}` : `may never match: ${why} as far as the analysis can tell (a regex, CIDR or wildcard is compared approximately)`));
  }
  if ((a.default?.channelIds ?? []).length === 0) {
    // Reaches no one: every case it matches (up to the first without fallthrough) yields no channel.
    let nobody: Formula = TRUE;
    for (let i = cases.length - 1; i >= 0; i--) nobody = or([and([not(match[i]), nobody]), and([match[i], not(yields[i]), stops[i] ? TRUE : nobody])]);
    const s = solve(nobody, space);
    if (s.sat) out.push(base("coverage-gap", "warning", [], `an alert no case routes is discarded: the route has no default channels (e.g. ${describeWitness(s.witness) || "any alert"})`));
  }
  return out;
}
