import { keyedLock, processGlobal } from "../core";

// Order handling. The engine runs creates/updates of one team's rules in
// parallel and in any order, a few at a time, while Opsgenie `order` is an index
// that shifts with every insert and move. So, per team and per provider process:
// all work is serialized and gathered in batches (a quiet period); check and diff,
// which the engine runs for each resource a little ahead of its step (about one
// past its busy workers), announce declared orders and which steps are still to
// come, so each batch works to one plan over what is known of the team (TeamPlan)
// and no rule is moved twice.

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
   * Every declared order known in this process, by rule id or `newKey`: from check and
   * diff (each resource of the run, changed or not, as the engine reaches it) and from the
   * work itself. Plans arrange all of them, not only the batch at hand.
   */
  declared: Map<string, number>;
  /** Work announced by check/diff (`newKey` for a create, rule id for a move) that has not arrived yet. */
  pending: Set<string>;
  /** Rules whose own update is in this batch (they may be moved now). */
  arrived: Set<string>;
  /** A write in this batch left a server value to learn (a resolved notify, a timezone). */
  needsList: boolean;
  /** Bumped when `declared` changes in a way a plan must see. */
  version: number;
  timer?: NodeJS.Timeout;
  /** When the wait for the current batch began (check/diff activity may extend it, up to a bound). */
  since?: number;
}

/** What a settle is handed. */
export interface Work<C> {
  /** This settle's copy of the declared orders; rules placed by the creates are added to it. */
  declared: Map<string, number>;
  version: number;
  creates: C[];
  arrived: ReadonlySet<string>;
  /** Announced work still to come: a rule with its own step coming is moved by that step. */
  pending: ReadonlySet<string>;
  /** Nothing announced is left for the team: the settle ends with a check against the live list. */
  last: boolean;
  needsList: boolean;
}

export interface SettleHooks<L, C> {
  /**
   * Runs alone for the team: create the pending `creates` (each settles its own outcome),
   * move rules into place, return the team's list as it stands after.
   */
  flush(teamId: string, work: Work<C>): Promise<L>;
}

function settleDelayMs(): number {
  const v = Number(process.env.OPSGENIE_ORDER_SETTLE_MS);
  return Number.isFinite(v) && v >= 0 && process.env.OPSGENIE_ORDER_SETTLE_MS !== undefined ? v : 150;
}

/** How long check/diff activity may hold a batch back (the engine is still announcing work). */
const MAX_DEFER_MS = 2_000;

/** The per-team coordinator shared by every provider copy in this process. */
export class TeamCoordinator<L, C = never> {
  private readonly teams = new Map<string, TeamState<L, C>>();
  /** Team references (`name:<teamName>`) resolved to the team id. */
  private readonly aliases = new Map<string, string>();
  private lastObserved = 0;
  private readonly lock: <T>(teamId: string, fn: () => Promise<T>) => Promise<T>;
  constructor(
    private readonly hooks: SettleHooks<L, C>,
    lockName = "opsgenie-team",
  ) {
    this.lock = keyedLock(lockName);
  }

  private state(team: string): TeamState<L, C> {
    const teamId = this.aliases.get(team) ?? team;
    let s = this.teams.get(teamId);
    if (!s) {
      s = { active: 0, creates: [], waiters: [], declared: new Map(), pending: new Set(), arrived: new Set(), needsList: false, version: 0 };
      this.teams.set(teamId, s);
    }
    return s;
  }

  /** `ref` (how check saw the team, e.g. by name) is team `teamId`: what was announced under it joins the team. */
  alias(ref: string, teamId: string): void {
    if (ref === teamId || this.aliases.get(ref) === teamId) return;
    const from = this.teams.get(ref);
    this.aliases.set(ref, teamId);
    if (!from) return;
    this.teams.delete(ref);
    const to = this.state(teamId);
    for (const [k, o] of from.declared) to.declared.set(k, o);
    for (const k of from.pending) to.pending.add(k);
    to.version++;
  }

  /**
   * Check/diff announce a resource of the team (no I/O): its declared order (undefined:
   * not managed) and, with `comes`, that its step will settle here.
   */
  announce(team: string, key: string, order: number | undefined, comes: boolean): void {
    const s = this.state(team);
    if (order === undefined ? s.declared.delete(key) : s.declared.get(key) !== order) {
      if (order !== undefined) s.declared.set(key, order);
      s.version++;
    }
    if (comes) s.pending.add(key);
    this.lastObserved = Date.now();
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

  /** The announced step for `key` has arrived (whether or not it settles). */
  arrived(teamId: string, key: string): void {
    this.state(teamId).pending.delete(key);
  }

  /**
   * Asks for the next settle of the team (optionally placing `ruleId` at `order`, or
   * asking for a list after the writes: `needsList`); resolves with the list after it.
   * Call between begin() and end().
   */
  settle(teamId: string, op?: { ruleId: string; order?: number; needsList?: boolean }): Promise<L> {
    const s = this.state(teamId);
    if (op) {
      s.pending.delete(op.ruleId);
      if (op.order !== undefined) {
        if (s.declared.get(op.ruleId) !== op.order) s.version++;
        s.declared.set(op.ruleId, op.order);
        s.arrived.add(op.ruleId);
      }
      if (op.needsList) s.needsList = true;
    }
    const p = new Promise<L>((resolve, reject) => s.waiters.push({ resolve, reject }));
    // Avoid an unhandled rejection if the caller fails before awaiting.
    p.catch(() => undefined);
    return p;
  }

  /**
   * Queues a create for the next settle (it runs inside the flush, with the others
   * that arrive within the quiet period); resolves with the list after it. `key` is
   * its `newKey`, `order` its declared order. Call between begin() and end().
   */
  settleCreate(teamId: string, create: C, key: string, order: number | undefined): Promise<L> {
    const s = this.state(teamId);
    s.pending.delete(key);
    if (order !== undefined && s.declared.get(key) !== order) {
      s.declared.set(key, order);
      s.version++;
    }
    s.creates.push(create);
    return this.settle(teamId);
  }

  /** A rule created or adopted inside a flush: its declared order moves from its `newKey` to its id. */
  place(teamId: string, key: string, ruleId: string, order: number): void {
    const s = this.state(teamId);
    s.declared.delete(key);
    s.declared.set(ruleId, order);
  }

  /** Forgets a rule's placement (it is being deleted, or its order is no longer managed). */
  forget(teamId: string, ruleId: string): void {
    const s = this.state(teamId);
    s.pending.delete(ruleId);
    if (s.declared.delete(ruleId)) s.version++;
  }

  private arm(teamId: string): void {
    const s = this.state(teamId);
    if (s.active > 0 || !s.waiters.length) return;
    if (s.timer) clearTimeout(s.timer);
    s.since ??= Date.now();
    const fire = () => {
      s.timer = undefined;
      if (s.active > 0 || !s.waiters.length) return;
      // The engine is still announcing resources (check/diff): their orders belong in this plan.
      const quietFor = Date.now() - this.lastObserved;
      if (quietFor < settleDelayMs() && Date.now() - s.since! < MAX_DEFER_MS) {
        s.timer = setTimeout(fire, settleDelayMs() - quietFor);
        return;
      }
      s.since = undefined;
      const waiters = s.waiters.splice(0);
      const work: Work<C> = {
        declared: new Map(s.declared),
        version: s.version,
        creates: s.creates.splice(0),
        arrived: new Set(s.arrived),
        pending: new Set(s.pending),
        last: s.pending.size === 0,
        needsList: s.needsList,
      };
      s.arrived.clear();
      s.needsList = false;
      this.withLock(teamId, () => this.hooks.flush(teamId, work)).then(
        (list) => {
          for (const w of waiters) w.resolve(list);
        },
        (e) => {
          for (const w of waiters) w.reject(e);
        },
      );
    };
    s.timer = setTimeout(fire, settleDelayMs());
  }
}

export function coordinator<L, C>(hooks: SettleHooks<L, C>): TeamCoordinator<L, C> {
  // One per process: every deserialized provider copy must share the locks.
  return processGlobal("opsgenie-team-coordinator.v3", () => new TeamCoordinator<L, C>(hooks));
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
