// An index of necessary conditions, so that many alerts against many rules do
// not evaluate every rule. A rule whose conditions are ANDed and include an
// exact test (Opsgenie `equals` / list `contains`, Flashduty `IN` of exact
// values) is "guarded" by it: when the alert's value is not among the guard's,
// that condition is false, so the rule cannot match (false in an AND decides,
// even beside a pattern that cannot be evaluated). Guarded rules are skipped
// unless the alert marked them; every other rule is evaluated as before.

import type { FastUnit } from "./types";

/** A fast result shared by every alert it applies to (many alerts allocate nothing per decision); frozen, so no caller can change it for the others. */
export function frozenUnit(u: FastUnit): FastUnit {
  Object.freeze(u.matched);
  Object.freeze(u.targetIds);
  if (u.cannotEvaluate) Object.freeze(u.cannotEvaluate);
  return Object.freeze(u);
}

export class GuardIndex {
  private readonly byField = new Map<string, Map<string, number[]>>();
  private stamps = new Uint32Array(0);
  private generation = 0;
  private count = 0;
  /** The ids marked for the current alert, each once, in the order marked (`marked` of them). */
  readonly markedIds: number[] = [];
  marked = 0;

  /** A new rule id, for `guard` and `possible`. */
  id(): number {
    return this.count++;
  }

  /** Rule `id` can only match when the alert's `field` has one of `values`. */
  guard(id: number, field: string, values: Iterable<string>): void {
    let byValue = this.byField.get(field);
    if (!byValue) this.byField.set(field, (byValue = new Map()));
    for (const v of values) {
      const ids = byValue.get(v);
      if (ids) ids.push(id);
      else byValue.set(v, [id]);
    }
  }

  /** The guarded fields: the alert's values of these are marked. */
  fields(): string[] {
    return [...this.byField.keys()];
  }

  /** Starts an alert: nothing marked. */
  begin(): void {
    this.marked = 0;
    if (this.stamps.length < this.count) this.stamps = new Uint32Array(this.count);
    if (++this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.generation = 1;
    }
  }

  /** The alert's `field` has `value`: the rules it guards may match. */
  mark(field: string, value: string): void {
    const ids = this.byField.get(field)?.get(value);
    if (ids)
      for (const id of ids)
        if (this.stamps[id] !== this.generation) {
          this.stamps[id] = this.generation;
          this.markedIds[this.marked++] = id;
        }
  }

  /** Whether a guarded rule was marked for the current alert. */
  possible(id: number): boolean {
    return this.stamps[id] === this.generation;
  }
}

/** Of several candidate guards, the one on the field with the most distinct values overall (the most selective). */
export function pickGuard<G extends { field: string }>(candidates: G[], distinct: Map<string, number>): G | undefined {
  let best: G | undefined;
  for (const g of candidates) if (!best || (distinct.get(g.field) ?? 0) > (distinct.get(best.field) ?? 0)) best = g;
  return best;
}

/**
 * Results of conditions per field value: alerts repeat their values
 * (the same message, source, title, labels), so a value seen before answers every
 * condition on its field from one table lookup. Bounded: a table is dropped
 * when it holds too many values.
 */
export class ValueMemo {
  private readonly slots = new Map<string, number>();
  private readonly counts: number[] = [];
  private tables: Map<string, Int8Array>[] = [];

  /** A place for one condition on `slot` (a field, or details + key): [slot id, index]. */
  add(slot: string): [number, number] {
    let id = this.slots.get(slot);
    if (id === undefined) {
      id = this.counts.length;
      this.slots.set(slot, id);
      this.counts.push(0);
      this.tables.push(new Map());
    }
    return [id, this.counts[id]++];
  }

  /** The results of slot `id`'s conditions for `value` (0 = not computed yet). */
  vector(id: number, value: string): Int8Array {
    let table = this.tables[id];
    let vec = table.get(value);
    if (vec === undefined || vec.length !== this.counts[id]) {
      if (table.size >= 10_000) table = this.tables[id] = new Map();
      vec = new Int8Array(this.counts[id]);
      table.set(value, vec);
    }
    return vec;
  }
}
