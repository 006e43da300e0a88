import { ignoreNotFound, isVendorError, processGlobal } from "../../core";
import { currentTarget } from "../accounts";
import { arrange, newKey, TeamPlan } from "../placement";
import type { RulesPlatform } from "../platform";
import type { NormalizedArgs, TeamRoutingRuleOutputs } from "../team-routing-rule.diff";
import { toOutputs, type LiveRule, type OutputContext } from "../wire";
import { coordinator, type TeamCoordinator } from "./batching";
import { gatherer } from "./reads";
import { learnedOn, type Learned } from "./learned";
import type { Created } from "./create";
import { settle, type PendingCreate } from "./settle";

// What this process knows of one team on one account lives in one Team object: its
// view of the live rules (kept current with this process's own writes), the plan they
// follow, the learned server values, the rules it created and replaces, and its reads.
// Placement, views and locks are keyed by `teamKey` (target + team id), so the same
// team id on two accounts never shares them.

/** The one key of a team: its account's target and its id (or `name:<teamName>` until check resolves it). */
export const teamKey = (target: string, team: string): string => `${target}\u0000${team}`;

/** How check saw a team: on its account's target, by id, or by name until resolved. */
export const checkedTeamKey = (n: { teamId?: string; teamName?: string; account?: string }): string =>
  teamKey(currentTarget(n.account) ?? "", n.teamId ?? `name:${n.teamName}`);

export const movable = (rules: readonly LiveRule[]): string[] => rules.filter((r) => !r.isDefault).map((r) => r.id);

/**
 * The reads of one refresh share the team's list: it carries every field a read
 * needs, so 100 rules cost one list instead of 100 GETs paced at the read limit.
 * Short-lived, and dropped by any write to the team in this process.
 */
const READ_LIST_TTL_MS = 5_000;

/** The per-team batching and lock, shared by every provider copy in the process. */
export const placement = (): TeamCoordinator<LiveRule[], PendingCreate> => coordinator<LiveRule[], PendingCreate>({ flush: (key, work) => settle(teamAt(key), work) });

/**
 * Rules being replaced in this process, by team and name: the diff that decides a
 * create-before-delete replace records the old rule (it knows the team only by key), so
 * that the create lets exactly that one same-named rule stand and goes right above it.
 */
const replacements = () => processGlobal("opsgenie-replacements.v2", () => new Map<string, Map<string, string>>());

/** Check/diff: a resource of the team at `key` declares `order` for `ruleKey` (its id, or `newKey` of a create); `comes`: its step will settle here. */
export function announce(key: string, ruleKey: string, order: number | undefined, comes: boolean): void {
  placement().announce(key, ruleKey, order, comes);
}

/** Diff: the create of `name` in the team at `key`, later in this run, replaces `ruleId`. */
export function replacing(key: string, name: string, ruleId: string): void {
  const m = replacements().get(key) ?? new Map<string, string>();
  replacements().set(key, m.set(name, ruleId));
}

export class Team {
  readonly key: string;
  /** The rules in live order (default last); undefined until listed (or when the view may be stale). */
  rules?: LiveRule[];
  plan?: TeamPlan;
  /** The declared-orders version the plan was made with. */
  version = -1;
  /** Rules this process POSTed to the team (id -> name): the team's last list is checked for a racing writer. */
  readonly posted = new Map<string, string>();
  /** Rules being replaced: their successor shares the name on purpose. */
  readonly replaced = new Set<string>();
  /** The view a held last check saw (every write makes a new one): unchanged, the check needs no second list. */
  checkedView?: LiveRule[];
  private readList?: { at: number; list: Promise<LiveRule[]> };

  constructor(
    /** The account's client (the latest one handed in). */
    public p: RulesPlatform,
    readonly id: string,
  ) {
    this.key = teamKey(p.target, id);
  }

  get learned(): Learned {
    return learnedOn(this.p.target);
  }

  list(): Promise<LiveRule[]> {
    return this.p.list(this.id);
  }

  get(ruleId: string): Promise<LiveRule | undefined> {
    return this.p.get(this.id, ruleId);
  }

  /** Outputs of a live rule of the team (notify names filled in where reads give ids only). */
  outputs(live: LiveRule, ctx: OutputContext): TeamRoutingRuleOutputs {
    const outs = toOutputs(this.p.named(this.id, live), ctx);
    outs.target = this.p.target;
    return outs;
  }

  /** A fresh list of the team: the view and its plan follow it. */
  listed(list: LiveRule[]): LiveRule[] {
    this.rules = [...list];
    this.learned.learn(list.map((r) => this.p.named(this.id, r)));
    this.plan?.reset(movable(list));
    return list;
  }

  /** The plan for a batch's declared orders: made once, then told of orders announced since (it keeps what it settled). */
  planFor(work: { declared: ReadonlyMap<string, number>; version: number }): TeamPlan {
    if (!this.plan) this.plan = new TeamPlan(movable(this.rules!), work.declared);
    else if (this.version !== work.version) this.plan.redeclare(work.declared);
    this.version = work.version;
    return this.plan;
  }

  /** Puts `rule` at index `at` (as the API does: clamped, never after the default rule; undefined = appended). */
  put(rule: LiveRule, at: number | undefined): void {
    const rules = (this.rules ?? []).filter((r) => r.id !== rule.id);
    const n = rules.filter((r) => !r.isDefault).length;
    rules.splice(at === undefined ? n : Math.min(at, n), 0, rule);
    this.rules = rules;
  }

  /** The view takes the rule as a PATCH left it, in its place. */
  patched(rule: LiveRule): void {
    const i = this.rules?.findIndex((r) => r.id === rule.id) ?? -1;
    if (i >= 0) this.rules = this.rules!.map((r, j) => (j === i ? { ...rule, order: i } : r));
  }

  /**
   * Queues a create for the team's next settle (the creates that arrive together are
   * POSTed together, each at its index): `made` resolves with the rule, `settled` with
   * the team's list after the settle.
   */
  queueCreate(n: NormalizedArgs, replacing: string | undefined): { made: Promise<Created>; settled: Promise<LiveRule[]> } {
    let settled!: Promise<LiveRule[]>;
    this.writing();
    try {
      const made = new Promise<Created>((resolve, reject) => (settled = placement().settleCreate(this.key, { n, replacing, resolve, reject }, newKey(n.name), n.order)));
      return { made, settled };
    } finally {
      this.done();
    }
  }

  /** The announced step of rule `ruleId` has arrived (call between `writing` and `done`). */
  arrived(ruleId: string): void {
    placement().arrived(this.key, ruleId);
  }

  /** The rule's order is no longer managed (or it is being deleted). */
  forget(ruleId: string): void {
    placement().forget(this.key, ruleId);
  }

  /** Asks for the next settle (placing `ruleId` at `order`, or a list after the writes): resolves with the list after it. */
  settle(op: { ruleId: string; order?: number; needsList?: boolean }): Promise<LiveRule[]> {
    return placement().settle(this.key, op);
  }

  /** PATCHes a rule in the team's turn; the view takes `rule`, the rule as declared (the answer is not used). */
  async patch(rule: LiveRule, body: Record<string, unknown>): Promise<void> {
    await placement().withLock(this.key, async () => {
      await this.p.patch(this.id, rule.id, body);
      this.patched(rule);
    });
  }

  /** A rule this process deleted. */
  dropped(ruleId: string): void {
    this.rules = this.rules?.filter((r) => r.id !== ruleId);
    this.plan?.removed(ruleId);
    this.posted.delete(ruleId);
  }

  /** Deletes a rule (gone already is fine), in the team's turn. */
  async remove(ruleId: string): Promise<void> {
    this.forget(ruleId);
    await placement().withLock(this.key, async () => {
      await ignoreNotFound(this.p.remove(this.id, ruleId));
      this.dropped(ruleId);
    });
  }

  /**
   * Moves a rule (change-order is a repeatable "put it at index i": safe to retry) and
   * the view with it. A 404 means the view is wrong (another writer deleted the rule):
   * the team is listed again (the plan follows) and false returned.
   */
  async move(ruleId: string, order: number): Promise<boolean> {
    try {
      await this.p.move(this.id, ruleId, order);
    } catch (e) {
      if (!isVendorError(e, "not_found")) throw e;
      this.listed(await this.list());
      return false;
    }
    const rule = this.rules!.find((r) => r.id === ruleId);
    if (rule) this.put(rule, order);
    return true;
  }

  /** The rule the create of `name` replaces (recorded by the diff), taken once. */
  takeReplacement(name: string): string | undefined {
    const m = replacements().get(this.key);
    const old = m?.get(name);
    m?.delete(name);
    return old;
  }

  /** The team's list for reads (shared by the reads of one refresh). */
  recentList(): Promise<LiveRule[]> {
    const hit = this.readList;
    if (hit && Date.now() - hit.at < READ_LIST_TTL_MS) return hit.list;
    const list = this.list();
    const entry = { at: Date.now(), list };
    this.readList = entry;
    list.catch(() => {
      if (this.readList === entry) this.readList = undefined;
    });
    return list;
  }

  /** Marks the start of a write to the team (end with `done`): reads after it must not see the list from before. */
  writing(): void {
    this.readList = undefined;
    placement().begin(this.key);
  }

  done(): void {
    placement().end(this.key);
  }

  /**
   * Whether `up` would leave the rule where it is. The API clamps a declared order (5
   * among three rules lands at 0..2), so the live index alone cannot tell: the reads of
   * one refresh are gathered per team, and the team's list is arranged with every
   * declared order they carry, as a settle would. Only a rule that would move shows
   * its live index (real drift).
   */
  async inPlace(ruleId: string, order: number): Promise<boolean> {
    const { list, declared } = await gatherer((key) => teamAt(key).recentList()).gather(this.key, ruleId, order);
    const current = movable(list);
    if (!current.includes(ruleId)) return false;
    const target = arrange(current, new Map([...declared].filter(([id]) => current.includes(id))));
    return target.indexOf(ruleId) === current.indexOf(ruleId);
  }
}

const teams = () => processGlobal("opsgenie-teams.v2", () => new Map<string, Team>());

/** The team `teamId` on `p`'s account (one object per process; it keeps the latest client). */
export function teamOn(p: RulesPlatform, teamId: string): Team {
  const key = teamKey(p.target, teamId);
  let t = teams().get(key);
  if (!t) teams().set(key, (t = new Team(p, teamId)));
  t.p = p;
  return t;
}

/** The team known by `key` (made by `teamOn` before any work of it is batched). */
export const teamAt = (key: string): Team => teams().get(key)!;

/** The team given by id or by name (resolved once per process and platform). */
export async function resolveTeam(p: RulesPlatform, a: { teamId?: string; teamName?: string }): Promise<Team> {
  if (a.teamId !== undefined) return teamOn(p, a.teamId);
  const id = await p.teamId(a.teamName!);
  // What check announced for the team by name is this team's.
  placement().alias(teamKey(p.target, `name:${a.teamName}`), teamKey(p.target, id));
  return teamOn(p, id);
}
