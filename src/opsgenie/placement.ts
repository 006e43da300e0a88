// Order placement, pure: where each rule of a team should stand (arrange), the fewest
// moves to get there (planMoves), and the plan one team's batches follow (TeamPlan) so
// that no rule is moved twice. No I/O and no process state: the team object
// (team/team.ts) runs the plan, team/batching.ts gathers the work into batches.

/**
 * The target arrangement: placed rules at their declared indices (ascending,
 * clamped so they fit and keep their relative order), every other rule in its
 * current relative order in the remaining slots.
 */
export function arrange(current: readonly string[], declared: ReadonlyMap<string, number>): string[] {
  const n = current.length;
  const placed = current
    .filter((id) => declared.has(id))
    .sort((a, b) => declared.get(a)! - declared.get(b)! || current.indexOf(a) - current.indexOf(b));
  const result: (string | undefined)[] = new Array(n).fill(undefined);
  let prev = -1;
  placed.forEach((id, i) => {
    const slot = Math.max(prev + 1, Math.min(declared.get(id)!, n - (placed.length - i)));
    result[slot] = id;
    prev = slot;
  });
  const others = current.filter((id) => !declared.has(id));
  let k = 0;
  for (let i = 0; i < n; i++) if (result[i] === undefined) result[i] = others[k++];
  return result as string[];
}

/** Indices (ascending) of a longest strictly increasing subsequence of `seq` (O(n log n)). */
export function lisIndices(seq: readonly number[]): number[] {
  const tails: number[] = [];
  const prev: number[] = new Array<number>(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]] < seq[i]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const out: number[] = [];
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) out.push(i);
  return out.reverse();
}

/**
 * The fewest `change-order` moves from `current` to `target`: rules on a longest
 * increasing subsequence stay; the rest are moved, ascending by target, to just
 * after their target predecessor. Returns [ruleId, index] in call order.
 */
export function planMoves(current: readonly string[], target: readonly string[]): [string, number][] {
  const pos = new Map(target.map((id, i) => [id, i]));
  const keep = new Set(lisIndices(current.map((id) => pos.get(id)!)).map((i) => current[i]));
  const moving = current.filter((id) => !keep.has(id)).sort((a, b) => pos.get(a)! - pos.get(b)!);
  const model = [...current];
  const moves: [string, number][] = [];
  for (const id of moving) {
    model.splice(model.indexOf(id), 1);
    const t = pos.get(id)!;
    const at = t === 0 ? 0 : model.indexOf(target[t - 1]) + 1;
    model.splice(at, 0, id);
    moves.push([id, at]);
  }
  return moves;
}

const NEW = "\u0000new:";
/** How a rule not created yet is known in the declared orders: by its name (unique in the team). */
export const newKey = (name: string): string => `${NEW}${name}`;
export const isNewKey = (key: string): boolean => key.startsWith(NEW);

/**
 * Indices (ascending) of a heaviest strictly increasing subsequence of `seq`, whose
 * values are distinct integers in 0..seq.length-1 or more (a Fenwick tree of prefix maxima).
 */
export function heaviestIncreasing(seq: readonly number[], weights: readonly number[]): number[] {
  const size = Math.max(0, ...seq) + 1;
  const tree: { w: number; at: number }[] = Array.from({ length: size + 1 }, () => ({ w: 0, at: -1 }));
  const best: number[] = [];
  const prev: number[] = [];
  for (let i = 0; i < seq.length; i++) {
    let q = { w: 0, at: -1 };
    for (let j = seq[i]; j > 0; j -= j & -j) if (tree[j].w > q.w) q = tree[j];
    best[i] = q.w + weights[i];
    prev[i] = q.at;
    for (let j = seq[i] + 1; j <= size; j += j & -j) if (best[i] > tree[j].w) tree[j] = { w: best[i], at: i };
  }
  let end = -1;
  for (let i = 0; i < seq.length; i++) if (end < 0 || best[i] > best[end]) end = i;
  const out: number[] = [];
  for (let i = end; i >= 0; i = prev[i]) out.push(i);
  return out.reverse();
}

/**
 * One team's placement over the whole team and all pending work. The target is the
 * team's arrangement with every declared order known so far (rules still to create
 * included, by `newKey`). Rules on a longest increasing run of the live list (in
 * target order) are settled and stay; every other declared rule, and every new
 * one, goes right after its nearest settled target predecessor and is settled from
 * then on (rules with no declared order hold their place in the run as a guess). So
 * the settled rules always stand in target order and each rule is written at most
 * once, whatever order the work arrives in: a new rule's POST carries its
 * index (no move), a moved rule needs one change-order. With every order known before
 * the first move that is n - LIS over the whole team. The engine announces work only
 * a few steps ahead of running it (its parallelism), so orders learned later
 * (`redeclare`) keep every declared rule already settled and settle what fits among
 * them. Rules with no declared order are not moved here (the team's last check does).
 */
export class TeamPlan {
  private model: string[];
  private target: string[] = [];
  /** Keys with a declared order (ids, and `newKey`s until created). */
  private placed = new Set<string>();
  private settled = new Set<string>();

  /** `current`: the team's rules (default excluded) in live order; `declared`: by rule id, or `newKey` for rules to create. */
  constructor(current: readonly string[], declared: ReadonlyMap<string, number>) {
    this.model = [...current];
    this.redeclare(declared);
  }

  /** The declared orders known now (more of them, as the engine announces them). */
  redeclare(declared: ReadonlyMap<string, number>): void {
    const present = new Set(this.model);
    const placed = new Map([...declared].filter(([k]) => present.has(k) || isNewKey(k)));
    this.target = arrange([...this.model, ...[...placed.keys()].filter((k) => !present.has(k))], placed);
    this.placed = new Set(placed.keys());
    this.choose();
  }

  /**
   * The rules that stay: the heaviest increasing run. A declared rule already settled
   * weighs more than all the rest (it is never written twice); then declared rules; a
   * rule with no declared order (yet) only holds its guessed slot: it is never moved
   * here, and leaves the run when its order, announced later, says otherwise.
   */
  private choose(): void {
    const pos = new Map(this.target.map((k, i) => [k, i]));
    const ids = this.model.filter((id) => pos.has(id));
    const heavy = 2 * ids.length + 1;
    const weights = ids.map((id) => (!this.placed.has(id) ? 1 : this.settled.has(id) ? heavy : 2));
    this.settled = new Set(heaviestIncreasing(ids.map((id) => pos.get(id)!), weights).map((i) => ids[i]));
  }

  /** Where `key` stands in the target (Infinity when it is not placed): POST new rules ascending. */
  rank(key: string): number {
    const t = this.target.indexOf(key);
    return t < 0 ? Infinity : t;
  }

  /** The keys in ascending target order (the order to POST new rules in); unplaced keys last. */
  sequence(keys: readonly string[]): string[] {
    return [...keys].sort((a, b) => this.rank(a) - this.rank(b));
  }

  /** Right after the nearest settled target predecessor of `key` in `list`, else first. */
  private after(key: string, list: readonly string[]): number {
    for (let t = this.target.indexOf(key) - 1; t >= 0; t--) {
      if (!this.settled.has(this.target[t])) continue;
      const at = list.indexOf(this.target[t]);
      if (at >= 0) return at + 1;
    }
    return 0;
  }

  /** The index to POST the rule for `key` at. */
  indexFor(key: string): number {
    return this.after(key, this.model);
  }

  /** The index to move `id` to (it never moves again), or undefined when it stays (or is not placed here). */
  moveFor(id: string): number | undefined {
    if (this.settled.has(id) || !this.placed.has(id) || !this.model.includes(id)) return undefined;
    return this.after(id, this.model.filter((x) => x !== id));
  }

  /** Declared rules not in place yet, ascending by target. */
  unsettled(): string[] {
    const present = new Set(this.model);
    return this.target.filter((k) => this.placed.has(k) && !this.settled.has(k) && present.has(k));
  }

  /** Where an id stands in the list now (-1 if absent). */
  indexOf(id: string): number {
    return this.model.indexOf(id);
  }

  /** The list as this plan's writes leave it. */
  get order(): readonly string[] {
    return this.model;
  }

  /** `id` was moved to `at` (change-order semantics: the index in the list without it). */
  moved(id: string, at: number): void {
    this.model.splice(this.model.indexOf(id), 1);
    this.model.splice(Math.min(at, this.model.length), 0, id);
    this.settled.add(id);
  }

  /** The rule for `key` was created as `id` at index `at` (undefined: appended, its place not managed). */
  inserted(key: string, id: string, at: number | undefined): void {
    this.model.splice(at === undefined ? this.model.length : Math.min(at, this.model.length), 0, id);
    const t = at === undefined ? -1 : this.target.indexOf(key);
    if (t < 0) return;
    this.target[t] = id;
    this.placed.delete(key);
    this.placed.add(id);
    this.settled.add(id);
  }

  /** The rule for `key` exists as `id` (found after an ambiguous failure; `reset` places it). */
  landed(key: string, id: string): void {
    const t = this.target.indexOf(key);
    if (t < 0) return;
    this.target[t] = id;
    this.placed.delete(key);
    this.placed.add(id);
  }

  /** The rule is gone (deleted). */
  removed(id: string): void {
    this.model = this.model.filter((x) => x !== id);
    this.settled.delete(id);
  }

  /** A fresh list of the team: the model follows it, and the rules that stay are chosen again (settled ones first). */
  reset(current: readonly string[]): void {
    this.model = [...current];
    this.choose();
  }
}
