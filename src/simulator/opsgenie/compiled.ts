import type { OpsgenieTeamRoutingRuleArgs as TeamRoutingRuleArgs } from "../../opsgenie/team-routing-rule.types";
import { DEFAULT_ACCOUNT } from "../../opsgenie/accounts";
import { ValueMemo } from "../guard";
import { compileTimeRestriction } from "./time";
import type { Declared, FastUnit, OpsgenieAlert } from "../types";
import type { WallTime } from "../zoned";
import { compileCondition, type CompiledCondition } from "./conditions";
import { lc, type Condition } from "./context";

export type CriteriaType = "match-all" | "match-any-condition" | "match-all-conditions";

/**
 * A criteria of the many-alerts path, interned: rules with equal criteria (the
 * same type and the same conditions, in any order, since AND and OR do not
 * depend on it) share one, decided once per alert. Teams made from one
 * template repeat their criteria, so 1,000 rules hold far fewer criteria.
 */
export interface SharedCriteria {
  /** Its slot in the per-alert results. */
  slot: number;
  type: CriteriaType;
  conditions: Condition[];
  /** The conditions' memoized tests. */
  conds: CompiledCondition[];
  /** match-any-condition: one condition decides (match-all has no conditions, all must hold). */
  any: boolean;
  /** Set when an exact condition guards the criteria (see guard.ts). */
  guard?: number;
  /** The rules that have it, as bits of the evaluator's `candidates`: word indexes and masks. */
  words: number[];
  masks: number[];
}

/** A time restriction in its zone, interned like criteria (its result is the same for every rule that has it). */
export interface SharedTime {
  /** Its slot in the per-alert results (after the criteria's). */
  slot: number;
  tz: string;
  inTime: (now: WallTime) => boolean;
}

export interface CompiledRule {
  decl: Declared<TeamRoutingRuleArgs>;
  label: string;
  type: CriteriaType;
  /** The rule's own conditions, in its order, for the explanation. */
  conds: CompiledCondition[];
  tz?: string;
  /** The fast results this rule decides, built once (frozen: shared by every alert). */
  matchedUnit?: FastUnit;
  unevaluableUnit?: FastUnit;
  notify: { text: string; id: string };
}

export interface CompiledTeam {
  defaultUnit?: FastUnit;
  unit: string;
  nameLc: string;
  rules: CompiledRule[];
  /** Per rule, in order: the slot of its shared criteria, and of its shared time restriction (-1: none). */
  critSlots: Int32Array;
  timeSlots: Int32Array;
  /** Its rules' bits in `candidates`: words [word, word + words), rule i at bit i % 32 of word + i / 32. */
  word: number;
  words: number;
}

/** Opsgenie's routing compiled: the teams, the shared criteria then the shared time restrictions by slot, and the number of candidate words. */
export interface CompiledOpsgenie {
  teams: CompiledTeam[];
  criteria: SharedCriteria[];
  timeGates: SharedTime[];
  words: number;
}

/** Codes of a decided Tri in the per-alert results. */
export const FALSE = 1;
export const TRUE = 2;
export const UNKNOWN = 3;

/** Equal keys: equal results for every alert (the fields compileCondition reads; conditions sorted). */
const criteriaKey = (type: CriteriaType, conditions: Condition[]) =>
  type === "match-all" ? type : `${type}\u0000${conditions.map((c) => JSON.stringify([c.field, c.key ?? null, c.operation, c.expectedValue ?? "", c.not === true])).sort().join("\u0001")}`;

/** Rules of one team in evaluation order: declared `order` ascending, rules without order after them in declaration order. */
export function sortRules(rules: Declared<TeamRoutingRuleArgs>[]): Declared<TeamRoutingRuleArgs>[] {
  const ordered = rules.filter((r) => r.args.order !== undefined).sort((a, b) => (a.args.order ?? 0) - (b.args.order ?? 0));
  return [...ordered, ...rules.filter((r) => r.args.order === undefined)];
}

// A team of a named account (JSM / Compass Operations, or another Opsgenie account) is a team
// apart, even under the same name or id: during a migration both may be declared.
const teamName = (a: TeamRoutingRuleArgs) => a.teamId ?? a.teamName ?? "(no team)";
export const teamOf = (a: TeamRoutingRuleArgs) => (a.account === undefined || a.account === DEFAULT_ACCOUNT ? teamName(a) : `${teamName(a)} (account ${a.account})`);

function notifyText(n: TeamRoutingRuleArgs["notify"]): { text: string; id: string } {
  if (n.type === "none") return { text: "none (the alert notifies no one through this rule)", id: "none" };
  const ref = n.id ?? n.name ?? "";
  return { text: `${n.type} ${JSON.stringify(ref)}`, id: ref };
}

export const unevaluables = (r: CompiledRule) => r.conds.flatMap((c) => (c.unevaluable ? [`pattern ${c.unevaluable}`] : []));

/** The teams the alert goes to: all, or those its `routeTo` names. */
export function selectedTeams(teams: CompiledTeam[], alert: OpsgenieAlert): CompiledTeam[] {
  if (!alert.routeTo) return teams;
  const wanted = new Set(alert.routeTo.map(lc));
  return teams.filter((t) => wanted.has(t.nameLc));
}

/** The interning tables while compiling: criteria and time restrictions by key, and the conditions' value memo. */
interface Interning {
  cs: boolean;
  accountTz: string;
  memo: ValueMemo;
  criteria: Map<string, SharedCriteria>;
  times: Map<string, SharedTime>;
}

/** One team's rules in order, their criteria and time restrictions interned (slots pushed in rule order). */
function compileTeamRules(teamRules: Declared<TeamRoutingRuleArgs>[], t: Interning, critSlots: number[], timeSlots: number[]): CompiledRule[] {
  const { cs, criteria, times } = t;
  return sortRules(teamRules).map((r, i): CompiledRule => {
    const a = r.args;
    const type = a.criteria?.type ?? "match-all";
    const conditions = type === "match-all" ? [] : [...(a.criteria?.conditions ?? [])].sort((x, y) => (x.order ?? 0) - (y.order ?? 0));
    const key = criteriaKey(type, conditions);
    let crit = criteria.get(key);
    if (!crit) criteria.set(key, (crit = { slot: criteria.size, type, conditions, conds: conditions.map((c) => compileCondition(c, cs, t.memo)), any: type === "match-any-condition", words: [], masks: [] }));
    critSlots.push(crit.slot);
    const tz = a.timeRestriction ? (a.timezone ?? t.accountTz) : undefined;
    let time: SharedTime | undefined;
    if (a.timeRestriction && tz) {
      const tkey = `${tz}\u0000${JSON.stringify(a.timeRestriction)}`;
      time = times.get(tkey);
      if (!time) times.set(tkey, (time = { slot: times.size, tz, inTime: compileTimeRestriction(a.timeRestriction) }));
    }
    timeSlots.push(time ? time.slot : -1);
    return { decl: r, label: `#${i} ${JSON.stringify(a.name)}${r.resource ? ` (${r.resource})` : ""}`, type, conds: conditions.map((c) => compileCondition(c, cs)), tz, notify: notifyText(a.notify) };
  });
}

/** Each team's slots, and its rules' bits in `candidates` (each criteria's words and masks); the number of words. */
function layoutBits(teams: CompiledTeam[], teamSlots: [number[], number[]][], criteria: SharedCriteria[]): number {
  let words = 0;
  teams.forEach((team, i) => {
    const [c, t] = teamSlots[i];
    team.critSlots = Int32Array.from(c);
    team.timeSlots = Int32Array.from(t, (s) => (s < 0 ? s : s + criteria.length));
    team.word = words;
    team.words = Math.ceil(c.length / 32);
    words += team.words;
    c.forEach((slot, r) => {
      const crit = criteria[slot];
      const w = team.word + (r >> 5);
      const bit = 1 << (r & 31);
      // Rules are numbered in order: a criteria's bits in one word are added one after another.
      if (crit.words[crit.words.length - 1] === w) crit.masks[crit.masks.length - 1] |= bit;
      else {
        crit.words.push(w);
        crit.masks.push(bit);
      }
    });
  });
  return words;
}

/** Opsgenie's routing compiled once: each team's rules in order, conditions as closures, patterns compiled, criteria and time restrictions shared. */
export function compileOpsgenie(rules: Declared<TeamRoutingRuleArgs>[], cs: boolean, accountTz: string): CompiledOpsgenie {
  const byTeam = new Map<string, Declared<TeamRoutingRuleArgs>[]>();
  for (const r of rules) {
    const list = byTeam.get(teamOf(r.args));
    if (list) list.push(r);
    else byTeam.set(teamOf(r.args), [r]);
  }
  const interning: Interning = { cs, accountTz, memo: new ValueMemo(), criteria: new Map(), times: new Map() };
  const teams: CompiledTeam[] = [];
  const teamSlots: [number[], number[]][] = [];
  for (const [unit, teamRules] of byTeam) {
    const critSlots: number[] = [];
    const timeSlots: number[] = [];
    const compiled = compileTeamRules(teamRules, interning, critSlots, timeSlots);
    teamSlots.push([critSlots, timeSlots]);
    teams.push({ unit, nameLc: lc(teamName(teamRules[0].args)), rules: compiled, critSlots: new Int32Array(0), timeSlots: new Int32Array(0), word: 0, words: 0 });
  }
  // Time restrictions take the slots after the criteria.
  const criteria = [...interning.criteria.values()];
  const timeGates = [...interning.times.values()];
  for (const t of timeGates) t.slot += criteria.length;
  return { teams, criteria, timeGates, words: layoutBits(teams, teamSlots, criteria) };
}
