import type { RootlyAlertRouteArgs as AlertRouteArgs, RootlyAlertRouteCondition as AlertRouteCondition, RootlyAlertRouteRule as AlertRouteRule } from "../../rootly/alert-route.types";
import type { Declared, FastUnit } from "../types";
import { compileRootlyCondition, type CompiledRootlyCondition } from "./conditions";

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

export const destText = (r: AlertRouteRule) => r.destinations.map((d) => `${d.targetType} ${d.targetId}`);

export interface CompiledRule {
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
export interface SharedGroups {
  groups: CompiledRootlyCondition[][];
  /** Set when every group has a guarded condition (see guardOf): unmarked, the groups cannot hold. */
  guard?: number;
  /** The (non-fallback) rules that have it, as bits of the evaluator's `candidates`: word indexes and masks. */
  words: number[];
  masks: number[];
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
export const FALSE = 1;
export const TRUE = 2;
export const UNKNOWN = 3;

export interface CompiledRoute {
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

/** Rootly's routing compiled: the routes, the shared groups by slot (with the first rule that has each), and the number of candidate words. */
export interface CompiledRootly {
  routes: CompiledRoute[];
  shared: SharedGroups[];
  /** Per shared slot, the first rule that has it (its conditions give the guards). */
  raw: AlertRouteRule[];
  words: number;
}

export const ids = (cr: CompiledRule) => cr.rule.destinations.map((d) => d.targetId);

export const unevaluables = (cr: CompiledRule) => cr.groups.flatMap((g) => g.conds.flatMap((c) => (c.unevaluable ? [`pattern ${c.unevaluable}`] : [])));

/** Each route's rules' bits in `candidates` (each shared groups' words and masks; fallback rules have none); the number of words. */
function layoutBits(routes: CompiledRoute[], shared: SharedGroups[]): number {
  let words = 0;
  for (const r of routes) {
    r.word = words;
    r.words = Math.ceil(r.rules.length / 32);
    words += r.words;
    r.fallback = r.rules.findIndex((cr) => cr.rule.fallbackRule);
    r.rules.forEach((cr, i) => {
      if (cr.rule.fallbackRule) return;
      const sh = shared[cr.slot];
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
  return words;
}

/** Rootly's routing compiled once: rules in position order, conditions as closures, patterns compiled, equal condition groups shared. */
export function compileRootly(routes: Declared<AlertRouteArgs>[]): CompiledRootly {
  const byKey = new Map<string, number>();
  const shared: SharedGroups[] = [];
  const raw: AlertRouteRule[] = [];
  const compiled = routes.map((route): CompiledRoute => {
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
          byKey.set(key, (slot = shared.length));
          shared.push({ groups: groups.map((g) => g.conds), words: [], masks: [] });
          raw.push(rule);
        }
        return { rule, label: `position ${position} ${JSON.stringify(rule.name)}${rule.fallbackRule ? " (fallback)" : ""}`, groups, slot };
      }),
    };
  });
  return { routes: compiled, shared, raw, words: layoutBits(compiled, shared) };
}
