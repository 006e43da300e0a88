import { keyedLock, processGlobal } from "../../core";

// Batching. The engine runs creates/updates of one team's rules in parallel and in
// any order, a few at a time, while Opsgenie `order` is an index that shifts with
// every insert and move. So, per team and per provider process: all work is
// serialized and gathered in batches (a quiet period); check and diff, which the
// engine runs for each resource a little ahead of its step (about one past its busy
// workers), announce declared orders and which steps are still to come, so each
// batch works to one plan over what is known of the team (placement.ts's TeamPlan).

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
  /** Since when the waiters wait for the team's last check (held: more steps may still come). */
  heldSince?: number;
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
  /** The check was held and nothing came since: it may move any rule (the run's steps are done). */
  final: boolean;
  needsList: boolean;
}

export interface SettleHooks<L, C> {
  /**
   * Runs alone for the team: create the pending `creates` (each settles its own outcome),
   * move rules into place, return the team's list as it stands after; or undefined to
   * hold the waiters for the team's last check (see `hold`).
   */
  flush(teamId: string, work: Work<C>): Promise<L | undefined>;
}

export function settleDelayMs(): number {
  const v = Number(process.env.OPSGENIE_ORDER_SETTLE_MS);
  return Number.isFinite(v) && v >= 0 && process.env.OPSGENIE_ORDER_SETTLE_MS !== undefined ? v : 150;
}

/** How long check/diff activity may hold a batch back (the engine is still announcing work). */
const MAX_DEFER_MS = 2_000;

/**
 * How long a last check that would move a rule waits for more steps first. With nothing
 * announced ahead (steps further apart than the quiet period), the check would place the
 * team by absolute index with only the orders known so far, and a later step could move
 * the same rule again; within this wait the next step joins the batch instead.
 */
const holdMs = (): number => 10 * settleDelayMs();

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

  private arm(teamId: string, delay = settleDelayMs()): void {
    const s = this.state(teamId);
    if (s.active > 0 || !s.waiters.length) return;
    if (s.timer) clearTimeout(s.timer);
    s.since ??= Date.now();
    s.timer = setTimeout(() => this.fire(teamId), delay);
  }

  private fire(teamId: string): void {
    const s = this.state(teamId);
    s.timer = undefined;
    if (s.active > 0 || !s.waiters.length) return;
    // The engine is still announcing resources (check/diff): their orders belong in this plan.
    const quietFor = Date.now() - this.lastObserved;
    if (quietFor < settleDelayMs() && Date.now() - s.since! < MAX_DEFER_MS) {
      s.timer = setTimeout(() => this.fire(teamId), settleDelayMs() - quietFor);
      return;
    }
    const fresh = s.creates.length > 0 || s.arrived.size > 0 || s.needsList;
    const heldFor = s.heldSince === undefined ? 0 : Date.now() - s.heldSince;
    // Held, and nothing new since: wait out the hold before checking again.
    if (!fresh && s.heldSince !== undefined && heldFor < holdMs()) {
      s.timer = setTimeout(() => this.fire(teamId), holdMs() - heldFor);
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
      final: !fresh && s.heldSince !== undefined,
      needsList: s.needsList,
    };
    s.arrived.clear();
    s.needsList = false;
    this.withLock(teamId, () => this.hooks.flush(teamId, work)).then(
      (list) => {
        if (list === undefined) return this.hold(teamId, waiters, fresh);
        s.heldSince = undefined;
        for (const w of waiters) w.resolve(list);
      },
      (e) => {
        s.heldSince = undefined;
        for (const w of waiters) w.reject(e);
      },
    );
  }

  /**
   * The batch is done but its last check would move a rule: its waiters wait for the next
   * batch (a step that comes within the hold joins them) or, when none comes, for the
   * check that then moves what it must.
   */
  private hold(teamId: string, waiters: Waiter<L>[], fresh: boolean): void {
    const s = this.state(teamId);
    s.waiters.unshift(...waiters);
    if (fresh || s.heldSince === undefined) s.heldSince = Date.now();
    this.arm(teamId, holdMs());
  }
}

export function coordinator<L, C>(hooks: SettleHooks<L, C>): TeamCoordinator<L, C> {
  // One per process: every deserialized provider copy must share the locks.
  return processGlobal("opsgenie-team-coordinator.v4", () => new TeamCoordinator<L, C>(hooks));
}
