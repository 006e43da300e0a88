import type { FlashdutyRouteArgs as RouteArgs } from "../../flashduty/route.types";
import { pickGuard, type GuardIndex, type ValueMemo } from "../guard";
import type { Declared, FastUnit } from "../types";
import { compileFlashdutyCondition, type Case, type CompiledCondition, type Condition } from "./conditions";
import { valueKind } from "./values";

/**
 * A case's conditions in the many-alerts path, interned: cases with equal
 * conditions (in any order: they are ANDed) share one, decided once per alert
 * (routes made from one template repeat their cases).
 */
export interface SharedConditions {
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
export const FALSE = 1;
export const TRUE = 2;
export const UNKNOWN = 3;

export interface CompiledRoute {
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

/** Flashduty's routing compiled: the routes, the shared conditions by slot, and the number of candidate words. */
export interface CompiledFlashduty {
  routes: CompiledRoute[];
  shared: SharedConditions[];
  words: number;
}

/** Each route's cases, their conditions interned (compiled with `memo`) and their bits laid out in `candidates`. */
export function compileFlashduty(routes: Declared<RouteArgs>[], memo: ValueMemo): CompiledFlashduty {
  const byKey = new Map<string, SharedConditions>();
  const shared: SharedConditions[] = [];
  let words = 0;
  const compiled = routes.map((route): CompiledRoute => {
    const cases = route.args.cases ?? [];
    const word = words;
    words += Math.ceil(cases.length / 32);
    const slots = cases.map((c, i) => {
      const key = conditionsKey(c.if);
      let sc = byKey.get(key);
      if (!sc) {
        byKey.set(key, (sc = { slot: shared.length, conditions: c.if, conds: c.if.map((cond) => compileFlashdutyCondition(cond, memo)), words: [], masks: [] }));
        shared.push(sc);
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
  return { routes: compiled, shared, words };
}

const exactIn = (cond: Condition) => cond.oper === "IN" && cond.vals.length > 0 && cond.vals.every((v) => valueKind(v) === "exact");

/** Guards: per shared conditions, its exact IN condition on the most selective field. */
export function flashdutyGuards(shared: SharedConditions[], index: GuardIndex, guardSlots: number[]): void {
  const values = new Map<string, Set<string>>();
  for (const sc of shared) for (const cond of sc.conditions.filter(exactIn)) for (const v of cond.vals) (values.get(cond.key) ?? values.set(cond.key, new Set()).get(cond.key)!).add(v);
  const distinct = new Map([...values].map(([k, v]) => [k, v.size]));
  for (const sc of shared) {
    const g = pickGuard(sc.conditions.filter(exactIn).map((cond) => ({ field: cond.key, vals: cond.vals })), distinct);
    if (!g) continue;
    sc.guard = index.id();
    guardSlots[sc.guard] = sc.slot;
    index.guard(sc.guard, g.field, g.vals);
  }
}
