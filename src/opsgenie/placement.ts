import { keyedLock, processGlobal } from "../core";

// Order handling. The engine runs creates/updates of one team's rules in
// parallel and in any order, while Opsgenie `order` is an index that shifts
// with every insert and move. So, per team and per provider process: all work
// is serialized, and rules whose declared order must be applied are collected
// and placed together once the team has been quiet for a moment.

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

/**
 * The fewest `change-order` moves from `current` to `target`: rules on a longest
 * increasing subsequence stay; the rest are moved, ascending by target, to just
 * after their target predecessor. Returns [ruleId, index] in call order.
 */
export function planMoves(current: readonly string[], target: readonly string[]): [string, number][] {
  const pos = new Map(target.map((id, i) => [id, i]));
  const seq = current.map((id) => pos.get(id)!);
  const len = seq.map(() => 1);
  const prev = seq.map(() => -1);
  for (let i = 0; i < seq.length; i++)
    for (let j = 0; j < i; j++)
      if (seq[j] < seq[i] && len[j] + 1 > len[i]) {
        len[i] = len[j] + 1;
        prev[i] = j;
      }
  let best = -1;
  for (let i = 0; i < seq.length; i++) if (best < 0 || len[i] > len[best]) best = i;
  const keep = new Set<string>();
  for (let i = best; i >= 0; i = prev[i]) keep.add(current[i]);
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

/**
 * Where the rules created together go: each new rule is POSTed with an index, in
 * ascending target order, right after its target predecessor, so it lands in place
 * and no change-order is needed for it. The target is the team's arrangement with
 * every declared order (the new rules' included).
 */
export class InsertPlan {
  private model: string[];
  private target: string[];
  /** Existing rules that need a move anyway (out of their slot): a new rule is never placed relative to one. */
  private readonly moving: Set<string>;
  /** `current`: the team's rules (default excluded) in live order; `news`: keys of rules to create, with their declared order. */
  constructor(current: readonly string[], declared: ReadonlyMap<string, number>, news: readonly { key: string; order: number }[]) {
    this.model = [...current];
    const all = new Map([...declared].filter(([id]) => current.includes(id)));
    for (const x of news) all.set(x.key, x.order);
    this.target = arrange([...current, ...news.map((x) => x.key)], all);
    this.moving = new Set(planMoves(current, this.target.filter((id) => current.includes(id))).map(([id]) => id));
  }

  /** The keys in the order to POST them (ascending target index). */
  sequence(keys: readonly string[]): string[] {
    return [...keys].sort((a, b) => this.target.indexOf(a) - this.target.indexOf(b));
  }

  /**
   * The index to POST `key` at: right after its nearest target predecessor in the list
   * that stays where it is, else first. The rules that stay and the new ones then form
   * one increasing run, so the settle moves only the existing rules that needed it anyway.
   */
  indexFor(key: string): number {
    for (let t = this.target.indexOf(key) - 1; t >= 0; t--) {
      if (this.moving.has(this.target[t])) continue;
      const at = this.model.indexOf(this.target[t]);
      if (at >= 0) return at + 1;
    }
    return 0;
  }

  /** Where an id stands in the list now (-1 if absent). */
  indexOf(id: string): number {
    return this.model.indexOf(id);
  }

  /** The rule for `key` was created as `id` at index `at` (undefined: appended). */
  inserted(key: string, id: string, at: number | undefined): void {
    this.model.splice(at === undefined ? this.model.length : Math.min(at, this.model.length), 0, id);
    this.landed(key, id);
  }

  /** The rule for `key` exists as `id` (found after an ambiguous failure; `reset` placed it). */
  landed(key: string, id: string): void {
    const t = this.target.indexOf(key);
    if (t >= 0) this.target[t] = id;
  }

  /** A fresh list of the team (after an ambiguous failure): the model follows it. */
  reset(current: readonly string[]): void {
    this.model = [...current];
  }
}

interface Waiter<L> {
  resolve(v: L): void;
  reject(e: unknown): void;
}

interface TeamState<L, C> {
  active: number;
  /** Creates waiting for the next settle: posted together, in ascending target order. */
  creates: C[];
  waiters: Waiter<L>[];
  /**
   * Every placement declared in this process. Each settle arranges all of them, not
   * only its own batch: a later batch's moves must not undo an earlier batch's order.
   */
  declared: Map<string, number>;
  timer?: NodeJS.Timeout;
}

export interface SettleHooks<L, C> {
  /**
   * Runs under the team lock: create the pending `creates` (each settles its own
   * outcome), then list, move the `declared` rules into place, return the final list.
   * `declared` is this settle's copy; rules placed by the creates are added to it
   * (and to the coordinator, through `place`).
   */
  flush(teamId: string, declared: Map<string, number>, creates: C[]): Promise<L>;
}

function settleDelayMs(): number {
  const v = Number(process.env.OPSGENIE_ORDER_SETTLE_MS);
  return Number.isFinite(v) && v >= 0 && process.env.OPSGENIE_ORDER_SETTLE_MS !== undefined ? v : 150;
}

/** The per-team coordinator shared by every provider copy in this process. */
export class TeamCoordinator<L, C = never> {
  private readonly teams = new Map<string, TeamState<L, C>>();
  private readonly lock: <T>(teamId: string, fn: () => Promise<T>) => Promise<T>;
  constructor(
    private readonly hooks: SettleHooks<L, C>,
    lockName = "opsgenie-team",
  ) {
    this.lock = keyedLock(lockName);
  }

  private state(teamId: string): TeamState<L, C> {
    let s = this.teams.get(teamId);
    if (!s) {
      s = { active: 0, creates: [], waiters: [], declared: new Map() };
      this.teams.set(teamId, s);
    }
    return s;
  }

  /** Runs `fn` alone for this team (FIFO). */
  withLock<T>(teamId: string, fn: () => Promise<T>): Promise<T> {
    return this.lock(teamId, fn);
  }

  /** Marks an operation in flight: no settle runs before it ends. */
  begin(teamId: string): void {
    const s = this.state(teamId);
    s.active++;
    if (s.timer) {
      clearTimeout(s.timer);
      s.timer = undefined;
    }
  }

  end(teamId: string): void {
    const s = this.state(teamId);
    s.active = Math.max(0, s.active - 1);
    this.arm(teamId);
  }

  /**
   * Asks for the next settle of the team (optionally placing `ruleId` at `order`);
   * resolves with the list after it. Call between begin() and end().
   */
  settle(teamId: string, place?: { ruleId: string; order: number }): Promise<L> {
    const s = this.state(teamId);
    if (place) s.declared.set(place.ruleId, place.order);
    const p = new Promise<L>((resolve, reject) => s.waiters.push({ resolve, reject }));
    // Avoid an unhandled rejection if the caller fails before awaiting.
    p.catch(() => undefined);
    return p;
  }

  /**
   * Queues a create for the next settle (it runs inside the flush, with the others
   * that arrive within the quiet period); resolves with the list after it. Call
   * between begin() and end().
   */
  settleCreate(teamId: string, create: C): Promise<L> {
    this.state(teamId).creates.push(create);
    return this.settle(teamId);
  }

  /** Records a placement made inside a flush (a rule just created or adopted). */
  place(teamId: string, ruleId: string, order: number): void {
    this.state(teamId).declared.set(ruleId, order);
  }

  /** Forgets a rule's placement (it is being deleted, or its order is no longer managed). */
  forget(teamId: string, ruleId: string): void {
    const s = this.state(teamId);
    s.declared.delete(ruleId);
  }

  private arm(teamId: string): void {
    const s = this.state(teamId);
    if (s.active > 0 || !s.waiters.length) return;
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      s.timer = undefined;
      if (s.active > 0 || !s.waiters.length) return;
      const waiters = s.waiters.splice(0);
      const creates = s.creates.splice(0);
      this.withLock(teamId, () => this.hooks.flush(teamId, new Map(s.declared), creates)).then(
        (list) => {
          for (const w of waiters) w.resolve(list);
        },
        (e) => {
          for (const w of waiters) w.reject(e);
        },
      );
    }, settleDelayMs());
  }
}

export function coordinator<L, C>(hooks: SettleHooks<L, C>): TeamCoordinator<L, C> {
  // One per process: every deserialized provider copy must share the locks.
  return processGlobal("opsgenie-team-coordinator.v2", () => new TeamCoordinator<L, C>(hooks));
}

interface Gathering<L> {
  declared: Map<string, number>;
  waiters: Waiter<{ list: L; declared: ReadonlyMap<string, number> }>[];
  timer?: NodeJS.Timeout;
}

/**
 * Gathers the declared orders of the rules read together (one refresh) per team, then
 * lists the team once, after a quiet period, for all of them. Never moves anything.
 */
export class ReadGatherer<L> {
  private readonly teams = new Map<string, Gathering<L>>();
  constructor(private readonly list: (teamId: string) => Promise<L>) {}

  gather(teamId: string, ruleId: string, order: number): Promise<{ list: L; declared: ReadonlyMap<string, number> }> {
    let g = this.teams.get(teamId);
    if (!g) this.teams.set(teamId, (g = { declared: new Map(), waiters: [] }));
    const s = g;
    s.declared.set(ruleId, order);
    const p = new Promise<{ list: L; declared: ReadonlyMap<string, number> }>((resolve, reject) => s.waiters.push({ resolve, reject }));
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      this.teams.delete(teamId);
      const declared = new Map(s.declared);
      this.list(teamId).then(
        (list) => s.waiters.forEach((w) => w.resolve({ list, declared })),
        (e) => s.waiters.forEach((w) => w.reject(e)),
      );
    }, settleDelayMs());
    return p;
  }
}

export function gatherer<L>(list: (teamId: string) => Promise<L>): ReadGatherer<L> {
  return processGlobal("opsgenie-read-gatherer.v1", () => new ReadGatherer<L>(list));
}
