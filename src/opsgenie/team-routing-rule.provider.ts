import {
  adoptConflictMessage,
  adoptedNotice,
  claim,
  claimedBy,
  createOnce,
  ignoreNotFound,
  isVendorError,
  landedOne,
  letGoIfClaimed,
  processGlobal,
  readConfirmed,
  refuseIfClaimed,
  VendorError,
  type ResourceDefinition,
} from "../core";
import { coordinator, arrange, gatherer, newKey, planMoves, TeamPlan, type Work } from "./placement";
import { notice, warn } from "../core/log";
import { containsUnknown } from "../core/unknown";
import { cloudIdOf, currentTarget, LEGACY_TARGET, resolveAccount, sameTarget } from "./accounts";
import { platformFor, type RulesPlatform } from "./platform";
import { lockPath, withTeamFileLock } from "./team-lock";
import { answeredOk } from "../core/http";
import { carriesCreate, oneRuleNamed, ruleById, ruleOwner } from "./adopt-one";
import { diffNormalized, toInputs, contentChanged, normalize, notifyChanged, orderChanged, targetChanged, timeRestrictionRemoved, type NormalizedArgs, type TeamRoutingRuleOutputs } from "./team-routing-rule.diff";
import { checkSchema, IDENTITY, type ParsedArgs } from "./team-routing-rule.schema";
import {
  declaredContext,
  formatId,
  parseId,
  patchedRule,
  toCreateBody,
  toOutputs,
  toPatchBody,
  type LiveRule,
  type OutputContext,
} from "./wire";
import { routingRulePreflight } from "./preflight";

// Every vendor call goes through the account's platform client (platform.ts): Opsgenie,
// JSM Operations or Compass Operations. Placement, views and locks are keyed by
// `teamKey` (target + team id), so the same team id on two accounts never shares them.
interface TeamRef {
  p: RulesPlatform;
  teamId: string;
}
const teamRefs = () => processGlobal("opsgenie-team-refs.v1", () => new Map<string, TeamRef>());
const keyOf = (target: string, team: string) => `${target}\u0000${team}`;

/** The placement key of a team on a platform (remembered, so a flush finds its client). */
function teamKey(p: RulesPlatform, teamId: string): string {
  const key = keyOf(p.target, teamId);
  teamRefs().set(key, { p, teamId });
  return key;
}
const ref = (key: string): TeamRef => teamRefs().get(key)!;

async function listRules(key: string): Promise<LiveRule[]> {
  const { p, teamId } = ref(key);
  return p.list(teamId);
}

async function getRule(key: string, ruleId: string): Promise<LiveRule | undefined> {
  const { p, teamId } = ref(key);
  return p.get(teamId, ruleId);
}

/** Team name -> id, once per process, platform and name. */
async function resolveTeamId(p: RulesPlatform, a: { teamId?: string; teamName?: string }): Promise<string> {
  if (a.teamId !== undefined) return a.teamId;
  const id = await p.teamId(a.teamName!);
  // What check announced for the team by name is this team's.
  placement().alias(keyOf(p.target, `name:${a.teamName}`), keyOf(p.target, id));
  return id;
}

/** Outputs of a live rule on `key`'s platform (notify names filled in where reads give ids only). */
function outputsOf(key: string, live: LiveRule, ctx: OutputContext): TeamRoutingRuleOutputs {
  const { p, teamId } = ref(key);
  const outs = toOutputs(p.named(teamId, live), ctx);
  outs.target = p.target;
  return outs;
}

/** A create waiting for its team's settle. */
interface PendingCreate {
  n: NormalizedArgs;
  /** The same-named rule this one replaces (create before delete), if any. */
  replacing?: string;
  resolve(r: Created): void;
  reject(e: unknown): void;
}

interface Created {
  ruleId: string;
  /** POSTed by this run (not adopted): checked for a racing writer after the settle. */
  posted: boolean;
  adoptedDefault: boolean;
}

/** How check saw a team: on its account's target, its id, or its name until resolved. */
const teamRef = (n: { teamId?: string; teamName?: string; account?: string }) => keyOf(currentTarget(n.account) ?? "", n.teamId ?? `name:${n.teamName}`);

/**
 * What this process knows of a team between lists: its rules in live order (default
 * last), kept current with this process's own writes, and the plan they follow. Listed
 * again when another process held the team's lock since, or a write failed.
 */
interface TeamView {
  /** The team's placement key (teamKey). */
  key: string;
  rules?: LiveRule[];
  plan?: TeamPlan;
  /** The declared-orders version the plan was made with. */
  version: number;
  /** Rules this process POSTed to the team (id -> name): the team's last list is checked for a racing writer. */
  posted: Map<string, string>;
  /** Rules being replaced: their successor shares the name on purpose. */
  replaced: Set<string>;
}

const views = () => processGlobal("opsgenie-team-views.v1", () => new Map<string, TeamView>());
function viewOf(key: string): TeamView {
  let v = views().get(key);
  if (!v) views().set(key, (v = { key, version: -1, posted: new Map(), replaced: new Set() }));
  return v;
}

/**
 * Server values that outputs carry and no write answers with: notify targets' ids and
 * names, and the account timezone (given to a rule created without one). Learned from
 * lists; while one is unknown, a create's settle lists the team after its POSTs.
 */
interface Learned {
  notify: Map<string, LiveRule["notify"]>;
  accountTimezone?: string;
  noTimezone: Set<string>;
}
// Per target: a schedule's name and the account timezone belong to one account.
function learned(key: string): Learned {
  const all = processGlobal("opsgenie-learned.v2", () => new Map<string, Learned>());
  const target = ref(key).p.target;
  let l = all.get(target);
  if (!l) all.set(target, (l = { notify: new Map(), noTimezone: new Set() }));
  return l;
}
const notifyKey = (type: string, by: "id" | "name", v: string) => `${type}\u0000${by}\u0000${v}`;

function learn(key: string, list: readonly LiveRule[]): void {
  const l = learned(key);
  const { p, teamId } = ref(key);
  for (const r of list) {
    const { type, id, name } = p.named(teamId, r).notify;
    if (type !== "none" && id !== undefined && name !== undefined) {
      l.notify.set(notifyKey(type, "id", id), { type, id, name });
      l.notify.set(notifyKey(type, "name", name), { type, id, name });
    }
    if (l.noTimezone.has(r.id) && r.timezone !== undefined) l.accountTimezone = r.timezone;
  }
}

function resolvedNotify(key: string, n: NormalizedArgs["notify"]): LiveRule["notify"] | undefined {
  if (n.type === "none") return { type: "none" };
  const hit = learned(key).notify.get(n.id !== undefined ? notifyKey(n.type, "id", n.id) : notifyKey(n.type, "name", n.name ?? ""));
  return hit && { ...hit };
}

/** The rule as a POST of `n` makes it (as a list shows it), or undefined while a server value is unknown. */
function createdRule(key: string, n: NormalizedArgs, id: string, sent?: LiveRule["notify"]): LiveRule | undefined {
  // Where reads give notify ids only (JSM, Compass), the id sent is what a list shows.
  const byId = sent?.id !== undefined ? { type: sent.type, id: sent.id, ...(n.notify.name !== undefined ? { name: n.notify.name } : {}) } : undefined;
  const notify = resolvedNotify(key, n.notify) ?? byId;
  const timezone = n.timezone ?? learned(key).accountTimezone;
  if (!notify || timezone === undefined) return undefined;
  const r: LiveRule = { id, name: n.name, isDefault: false, order: 0, criteria: n.criteria, notify, timezone };
  if (n.timeRestriction) r.timeRestriction = n.timeRestriction;
  return r;
}

const movable = (rules: readonly LiveRule[]) => rules.filter((r) => !r.isDefault).map((r) => r.id);
const indexed = (rules: readonly LiveRule[]) => rules.map((r, i) => ({ ...r, order: i }));

/** A fresh list of the team: the view and its plan follow it. */
function listed(v: TeamView, list: LiveRule[]): LiveRule[] {
  v.rules = [...list];
  learn(v.key, list);
  v.plan?.reset(movable(list));
  return list;
}

/** Puts `rule` at index `at` (as the API does: clamped, never after the default rule; undefined = appended). */
function putRule(v: TeamView, rule: LiveRule, at: number | undefined): void {
  const rules = (v.rules ?? []).filter((r) => r.id !== rule.id);
  const n = rules.filter((r) => !r.isDefault).length;
  rules.splice(at === undefined ? n : Math.min(at, n), 0, rule);
  v.rules = rules;
}

/** A rule this process deleted. */
function dropRule(key: string, ruleId: string): void {
  const v = views().get(key);
  if (!v) return;
  v.rules = v.rules?.filter((r) => r.id !== ruleId);
  v.plan?.removed(ruleId);
  v.posted.delete(ruleId);
}

/**
 * Moves a rule (change-order is a repeatable "put it at index i": safe to retry) and
 * the view with it. A 404 means the view is wrong (another writer deleted the rule):
 * the team is listed again (the plan follows) and false returned.
 */
async function moved(key: string, v: TeamView, ruleId: string, order: number): Promise<boolean> {
  const { p, teamId } = ref(key);
  try {
    await p.move(teamId, ruleId, order);
  } catch (e) {
    if (!isVendorError(e, "not_found")) throw e;
    listed(v, await listRules(key));
    return false;
  }
  const rule = v.rules!.find((r) => r.id === ruleId);
  if (rule) putRule(v, rule, order);
  return true;
}

/**
 * Settles a team: the pending creates first (each POST with its target index, in
 * ascending target order, so each lands in place), then one change-order for each rule
 * out of place whose own step is here (or that has none coming), all to one plan over
 * the whole team (n - LIS moves in all). The team is listed when this process has no
 * view of it, when a server value is still to learn, and at the end of its work (the
 * last batch) to check the view: a difference (another writer) is planned afresh.
 */
async function flush(teamId: string, work: Work<PendingCreate>): Promise<LiveRule[]> {
  // `teamId` is the placement key (teamKey): target and team.
  const v = viewOf(teamId);
  const done = new Set<PendingCreate>();
  try {
    return await withTeamFileLock(lockPath(ref(teamId).p.baseUrl, ref(teamId).teamId), async (lock) => {
      if (lock.othersSince) v.rules = undefined;
      const listedHere = !v.rules;
      if (!v.rules) listed(v, await listRules(teamId));
      const plan = () => {
        if (!v.plan) v.plan = new TeamPlan(movable(v.rules!), work.declared);
        // Orders announced since: the plan keeps what it settled.
        else if (v.version !== work.version) v.plan.redeclare(work.declared);
        v.version = work.version;
        return v.plan;
      };
      const posted = new Set<string>();
      let needsList = work.needsList;
      if (work.creates.length && (await createAll(teamId, v, work, plan, done, posted))) needsList = true;
      const p = plan();
      for (const id of p.unsettled()) {
        if (work.pending.has(id) && !work.arrived.has(id)) continue;
        const at = p.moveFor(id);
        if (at === undefined || !(await moved(teamId, v, id, at))) continue;
        p.moved(id, at);
      }
      // The team's last batch checks a list (unless this one was listed for it and only moved rules).
      if (needsList || (work.last && (posted.size > 0 || !listedHere))) listed(v, await listRules(teamId));
      if (work.last) await placeRest(teamId, v, work.declared, posted);
      return indexed(v.rules!);
    });
  } catch (e) {
    // The view may no longer match the team: the next settle lists it.
    v.rules = undefined;
    v.plan = undefined;
    throw e;
  } finally {
    for (const c of work.creates) if (!done.has(c)) c.reject(new VendorError({ vendor: "opsgenie", kind: "server", message: `routing rule "${c.n.name}" was not created (the team's batch stopped early); run \`pulumi up\` again` }));
  }
}

/**
 * The team's last batch, on a fresh list: moves what is still out of place (rules with
 * no declared order that stand in the way, or another writer's changes), and names
 * same-named rules of another writer beside rules this process created in earlier
 * batches (this batch's creates yield).
 */
async function placeRest(teamId: string, v: TeamView, declared: ReadonlyMap<string, number>, posted: ReadonlySet<string>): Promise<void> {
  // Planned again from a fresh list if a rule turns out to be gone (at most a few times: another writer is busy).
  for (let attempt = 0, again = true; again && attempt < 3; attempt++) {
    again = false;
    const current = movable(v.rules!);
    const present = new Map([...declared].filter(([id]) => current.includes(id)));
    if (!present.size) break;
    for (const [ruleId, order] of planMoves(current, arrange(current, present))) {
      if (!(await moved(teamId, v, ruleId, order))) {
        again = true;
        break;
      }
    }
  }
  v.plan = undefined;
  for (const [id, name] of v.posted) {
    if (posted.has(id)) continue;
    const other = v.rules!.find((r) => r.name === name && r.id !== id && !v.replaced.has(r.id) && claimedBy("opsgenie", r.id) === undefined);
    if (other) warn(`another writer created routing rule "${name}" in team ${ref(teamId).teamId} (id ${other.id}) while this run created its own (${id}); the team now has two rules with that name: remove one`);
    v.posted.delete(id);
  }
}

/**
 * The creates of one settle: adopts first (a PATCH, none when the rule already
 * matches; their moves come with the settle), then each POST at its planned index.
 * The name lookup is the view of the team (listed in this batch, or kept current with
 * this process's writes since; another process on this machine makes it list again,
 * and another machine's same-named rule shows in the team's last list: see
 * yieldToOtherWriter). Returns whether the outputs need a list (a server value unknown).
 */
async function createAll(teamId: string, v: TeamView, work: Work<PendingCreate>, plan: () => TeamPlan, done: Set<PendingCreate>, posted: Set<string>): Promise<boolean> {
  const co = placement();
  let needsList = false;
  const keyed = work.creates.map((c, i) => ({ c, key: c.n.order !== undefined ? newKey(c.n.name) : `\u0000unordered:${i}` }));
  const place = (key: string, id: string, order: number | undefined) => {
    if (order === undefined) return;
    work.declared.delete(key);
    work.declared.set(id, order);
    co.place(teamId, key, id, order);
  };
  for (const { c, key } of keyed.filter((k) => k.c.n.adoptExisting || k.c.n.adoptRuleId !== undefined)) {
    try {
      // Exactly one rule: the one named by id, or the one of that name; not taken by another resource of this run; before any write.
      const team = ref(teamId).teamId;
      const existing = c.n.adoptRuleId !== undefined ? ruleById(v.rules!, c.n.adoptRuleId, team) : oneRuleNamed(v.rules!, c.n.name, c.replacing, team, true);
      if (!existing) continue;
      // Adoptions of one team run one at a time (this loop, under the team's lock): check, adopt, claim.
      refuseIfClaimed("opsgenie", existing.id, ruleOwner(c.n, team), `routing rule "${existing.name}" (${existing.id}) of team ${team}`);
      if (await adopt(c.n, teamId, existing)) needsList = true;
      claim("opsgenie", existing.id, ruleOwner(c.n, team));
      if (!existing.isDefault && c.n.order !== undefined) {
        place(key, existing.id, c.n.order);
        v.version = -1;
      }
      c.resolve({ ruleId: existing.id, posted: false, adoptedDefault: existing.isDefault });
    } catch (e) {
      c.reject(e);
    }
    done.add(c);
  }
  const pending = keyed.filter((k) => !done.has(k.c));
  if (!pending.length) return needsList;
  const p = plan();
  const sequence = [...pending.filter((k) => k.c.n.order !== undefined).sort((a, b) => p.rank(a.key) - p.rank(b.key)), ...pending.filter((k) => k.c.n.order === undefined)];
  for (const { c, key } of sequence) {
    try {
      if (c.replacing !== undefined) v.replaced.add(c.replacing);
      const { id, known } = await post(c.n, teamId, c.replacing, key, v, plan);
      if (!known) needsList = true;
      if (c.n.timezone === undefined) learned(teamId).noTimezone.add(id);
      v.posted.set(id, c.n.name);
      posted.add(id);
      claim("opsgenie", id, ruleOwner(c.n, ref(teamId).teamId));
      place(key, id, c.n.order);
      c.resolve({ ruleId: id, posted: true, adoptedDefault: false });
    } catch (e) {
      c.reject(e);
    }
    done.add(c);
  }
  return needsList;
}

/** The per-team lock and order placement, shared by every provider copy in the process. */
const placement = () => coordinator<LiveRule[], PendingCreate>({ flush });

/**
 * The reads of one refresh share the team's list: it carries every field a read
 * needs, so 100 rules cost one list instead of 100 GETs paced at the read limit.
 * Short-lived, and dropped by any write to the team in this process.
 */
const READ_LIST_TTL_MS = 5_000;
const readLists = () => processGlobal("opsgenie-read-lists.v1", () => new Map<string, { at: number; list: Promise<LiveRule[]> }>());

function recentList(teamId: string): Promise<LiveRule[]> {
  const cache = readLists();
  const hit = cache.get(teamId);
  if (hit && Date.now() - hit.at < READ_LIST_TTL_MS) return hit.list;
  const list = listRules(teamId);
  cache.set(teamId, { at: Date.now(), list });
  list.catch(() => cache.get(teamId)?.list === list && cache.delete(teamId));
  return list;
}

/** Marks the start of a write to the team: reads after it must not see the list from before. */
function writing(teamId: string): void {
  readLists().delete(teamId);
  placement().begin(teamId);
}

/**
 * Whether `up` would leave the rule where it is. The API clamps a declared order (5
 * among three rules lands at 0..2), so the live index alone cannot tell: the reads of
 * one refresh are gathered per team, and the team's list is arranged with every
 * declared order they carry, as a settle would. Only a rule that would move shows
 * its live index (real drift).
 */
async function inPlace(teamId: string, ruleId: string, order: number): Promise<boolean> {
  const { list, declared } = await gatherer(recentList).gather(teamId, ruleId, order);
  const current = list.filter((r) => !r.isDefault).map((r) => r.id);
  if (!current.includes(ruleId)) return false;
  const target = arrange(current, new Map([...declared].filter(([id]) => current.includes(id))));
  return target.indexOf(ruleId) === current.indexOf(ruleId);
}

const what = (name: string, teamId: string, ruleId: string) => `opsgenie routing rule "${name}" (${ruleId}) of team ${teamId}`;

function conflict(name: string, teamId: string, existing: { id: string; isDefault?: boolean }): VendorError {
  const message = adoptConflictMessage(`team ${teamId} routing rule "${name}"`, `id ${existing.id}${existing.isDefault ? ", the team's default rule" : ""}`);
  return new VendorError({ vendor: "opsgenie", kind: "conflict", message });
}

/**
 * Rules being replaced in this process, by team and name: the diff that decides a
 * create-before-delete replace records the old rule, so that the create lets exactly
 * that one same-named rule stand (until the engine deletes it) and goes right above it.
 */
const replacements = () => processGlobal("opsgenie-replacements.v1", () => new Map<string, string>());
const replaceKey = (teamId: string, name: string) => `${teamId}\u0000${name}`;

/** Adopts the same-named rule: a PATCH to the declared state, none when it already matches. Returns whether it wrote. */
async function adopt(n: NormalizedArgs, key: string, existing: LiveRule): Promise<boolean> {
  const { p, teamId } = ref(key);
  if (existing.isDefault) {
    if (n.order !== undefined) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "the default routing rule is always last; remove `order` to adopt it" });
    if (n.criteria.type !== "match-all" || n.timeRestriction)
      throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "the default routing rule matches all alerts at all times; leave criteria and timeRestriction unset to adopt it" });
  }
  // Compared by id where the platform's reads carry no notify name (JSM, Compass).
  const m = await p.byId(teamId, n);
  const content = contentChanged(toOutputs(existing, declaredContext(m, teamId)), m);
  const changed = [...content];
  if (!existing.isDefault && n.order !== undefined && existing.order !== n.order) changed.push("order");
  if (content.length) await p.patch(teamId, existing.id, await p.prepare(teamId, toPatchBody(n, { isDefault: existing.isDefault })));
  adoptedNotice("opsgenie", `${existing.isDefault ? "the default " : ""}routing rule "${existing.name}" (${existing.id}) of team ${teamId}${p.platform === "opsgenie" ? "" : ` on ${p.target.split(" ")[0]}`}`, changed);
  return content.length > 0;
}

/**
 * POSTs the rule at its planned index; the name lookup (the team's view) runs inside
 * the write slot, right before the send.
 */
function post(n: NormalizedArgs, teamId: string, replacing: string | undefined, key: string, v: TeamView, plan: () => TeamPlan): Promise<{ id: string; known: boolean }> {
  const sameName = (r: { id: string; name: string }) => r.name === n.name && r.id !== replacing;
  const { p: platform, teamId: team } = ref(teamId);
  let body: Record<string, unknown> | undefined;
  let at: number | undefined;
  let known = true;
  return createOnce({
    attempt: async () => {
      // Notify by name becomes an id where the API takes ids only (resolved once per process).
      body ??= await platform.prepare(team, toCreateBody(n));
      const sent = body;
      const returned = await platform.create(team, sent, async () => {
        const existing = oneRuleNamed(v.rules ?? [], n.name, replacing, team, false);
        if (existing) throw conflict(n.name, team, existing);
        const p = plan();
        // A replacement goes right above the rule it replaces: alerts match one of the two at every moment.
        const old = replacing !== undefined ? p.indexOf(replacing) : -1;
        at = old >= 0 ? old : n.order !== undefined ? p.indexFor(key) : undefined;
        if (at === undefined) delete sent.order;
        else sent.order = at;
      });
      // No id in the answer (an unknown of JSM's): the rule is the same-named one the view does not know yet.
      const id = returned ?? (await listRules(teamId)).find((r) => sameName(r) && !(v.rules ?? []).some((x) => x.id === r.id))?.id;
      if (!id) throw new VendorError({ vendor: "opsgenie", kind: "server", message: `the create of routing rule "${n.name}" answered without an id, and no such rule is listed in team ${team}` });
      plan().inserted(key, id, at);
      const rule = createdRule(teamId, n, id, platform.platform === "opsgenie" ? undefined : (sent.notify as LiveRule["notify"] | undefined));
      known = rule !== undefined;
      // Until a list tells the server's values, the rule holds its place in the view with the declared ones.
      putRule(v, rule ?? { id, name: n.name, isDefault: false, order: 0, criteria: n.criteria, notify: { ...n.notify } }, at);
      return id;
    },
    // The POST may have landed (reset, timeout, 5xx after send): find it by name before sending again.
    lookup: async (cause) => {
      const before = new Set((v.rules ?? []).map((r) => r.id));
      const list = await listRules(teamId);
      // The POST went out only when the view had no rule of the name: a new one that carries what was sent is ours.
      const found = landedOne(cause, list.filter((r) => sameName(r) && !before.has(r.id) && claimedBy("opsgenie", r.id) === undefined), {
        vendor: "opsgenie",
        what: `routing rule "${n.name}" of team ${team}`,
        carries: (r) => carriesCreate(r, n),
        candidate: (r) => ({ id: r.id, position: list.indexOf(r) }),
        committed: answeredOk(cause),
      });
      if (found) plan().landed(key, found.id);
      listed(v, list);
      known = true;
      return found?.id;
    },
  }).then((id) => ({ id, known }));
}

/**
 * Another writer (a second stack, a rerun racing an orphan) may have created the same
 * name between our lookup and our POST. Both see each other's rule after their own
 * POST, so each yields: remove our copy and fail. A rerun settles it.
 */
async function yieldToOtherWriter(n: NormalizedArgs, teamId: string, ruleId: string, replacing: string | undefined, list: readonly LiveRule[]): Promise<void> {
  const other = list.find((r) => r.name === n.name && r.id !== ruleId && r.id !== replacing && claimedBy("opsgenie", r.id) === undefined);
  if (!other) return;
  const co = placement();
  co.forget(teamId, ruleId);
  const { p, teamId: team } = ref(teamId);
  await co.withLock(teamId, async () => {
    await ignoreNotFound(p.remove(team, ruleId));
    dropRule(teamId, ruleId);
  });
  throw new VendorError({
    vendor: "opsgenie",
    kind: "conflict",
    message:
      `another writer created routing rule "${n.name}" in team ${team} (id ${other.id}) while this one was being created; ` +
      `this run removed its own copy (${ruleId}) so the team keeps one rule with that name. ` +
      `If that rule is this stack's, run \`pulumi up\` again with \`adoptExisting: true\`; otherwise choose another name`,
  });
}

async function create(inputs: ParsedArgs): Promise<{ id: string; outs: TeamRoutingRuleOutputs }> {
  const n = normalize(inputs);
  const p = await platformFor(n.account);
  const teamId = await resolveTeamId(p, n);
  const key = teamKey(p, teamId);
  const rkey = replaceKey(key, n.name);
  const replacing = replacements().get(rkey);
  const co = placement();
  writing(key);
  let settled: Promise<LiveRule[]>;
  let made!: Promise<Created>;
  try {
    // The creates that arrive together are POSTed together, each at its index, in the next settle.
    made = new Promise<Created>((resolve, reject) => (settled = co.settleCreate(key, { n, replacing, resolve, reject }, newKey(n.name), n.order)));
  } finally {
    co.end(key);
    if (replacing !== undefined) replacements().delete(rkey);
  }
  const { ruleId, posted } = await made;
  let list: LiveRule[];
  try {
    list = await settled!;
  } catch (e) {
    // The rule exists: return it with its live index so the next `up` moves it, rather than losing it from state.
    const live = await getRule(key, ruleId).catch(() => undefined);
    if (!live) throw e;
    return { id: formatId(teamId, ruleId), outs: outputsOf(key, live, { ...declaredContext(n, teamId), order: live.order }) };
  }
  if (posted) await yieldToOtherWriter(n, key, ruleId, replacing, list);
  const live = list.find((r) => r.id === ruleId);
  if (!live) throw new VendorError({ vendor: "opsgenie", kind: "not_found", message: `routing rule ${ruleId} disappeared from team ${teamId} right after it was created` });
  return { id: formatId(teamId, ruleId), outs: outputsOf(key, live, declaredContext(n, teamId)) };
}

async function read(id: string, props: Partial<TeamRoutingRuleOutputs>): Promise<{ id: string; outs: TeamRoutingRuleOutputs } | undefined> {
  const parsed = parseId(id);
  if (!parsed) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: `invalid TeamRoutingRule id "${id}"; expected "<teamId>/<ruleId>"` });
  const p = await platformFor(props.account);
  // The account now points elsewhere (a platform switch not yet applied by `up`): the rule is
  // not there, and "gone" would drop it from state. Keep what state has; `up` moves it.
  if (props.ruleId !== undefined && !sameTarget(props.target ?? LEGACY_TARGET, p.target)) {
    notice(`opsgenie: routing rule "${props.name}" (${props.ruleId}) lives on ${props.target ?? LEGACY_TARGET}, but account "${props.account ?? "default"}" now points at ${p.target}; refresh kept it as it was, \`pulumi up\` moves it (see adoptExisting)`);
    return { id, outs: props as TeamRoutingRuleOutputs };
  }
  const teamId = parsed.byName ? await resolveTeamId(p, { teamName: parsed.team }) : parsed.team;
  const key = teamKey(p, teamId);
  p.remember(teamId, props.notify?.type, props.notifyId, props.notifyName);
  // Served from the team's list when it has the rule. Otherwise one 404 is not proof
  // the rule is gone: read again, then look in a fresh list.
  const listed = (await ignoreNotFound(recentList(key)))?.find((r) => r.id === parsed.ruleId);
  const live = listed ?? await readConfirmed({
    read: () => getRule(key, parsed.ruleId),
    listed: async () => (await ignoreNotFound(listRules(key)))?.find((r) => r.id === parsed.ruleId),
  });
  if (!live) return undefined;
  // Shaped like the stored outputs (or, on import, the inputs) say.
  const ctx: OutputContext = {
    teamId,
    teamName: props.teamName ?? (parsed.byName ? parsed.team : undefined),
    adoptExisting: props.adoptExisting ?? false,
    notifyBy: props.notify?.name !== undefined && props.notify.id === undefined ? "name" : "id",
    order: props.order !== undefined && !live.isDefault && (await inPlace(key, live.id, props.order)) ? props.order : live.order,
    account: props.account,
  };
  return { id: formatId(teamId, parsed.ruleId), outs: outputsOf(key, live, ctx) };
}

async function update(_id: string, olds: TeamRoutingRuleOutputs, inputs: ParsedArgs): Promise<TeamRoutingRuleOutputs> {
  const n = normalize(inputs);
  const p = await platformFor(n.account);
  const teamId = olds.teamId;
  const key = teamKey(p, teamId);
  const ruleId = olds.ruleId;
  // Reads on JSM/Compass carry notify ids only: the stored pair names the unchanged target.
  p.remember(teamId, olds.notify?.type, olds.notifyId, olds.notifyName);
  if (olds.isDefault && n.order !== undefined) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "the default routing rule is always last; remove `order`" });
  // The diff makes this a replace; an update could only send the null the spec does not allow.
  if (timeRestrictionRemoved(olds, n)) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "removing a time restriction replaces the rule (Opsgenie cannot clear one); run `pulumi up` again" });
  const changed = contentChanged(olds, n);
  const moving = orderChanged(olds, n);
  const co = placement();
  writing(key);
  co.arrived(key, ruleId);
  // The rule as the PATCH leaves it; a changed notify's id and name come from the server (or an earlier list).
  const patched = patchedRule(olds, n);
  const notify = notifyChanged(olds, n) ? resolvedNotify(key, n.notify) : patched.notify;
  if (notify) patched.notify = notify;
  let settled: Promise<LiveRule[]> | undefined;
  try {
    if (changed.length) {
      const body = await p.prepare(teamId, toPatchBody(n, { isDefault: olds.isDefault }));
      await co.withLock(key, async () => {
        // The PATCH's answer is not used (partial or full PATCH alike): the view takes the declared rule.
        await p.patch(teamId, ruleId, body);
        const v = views().get(key);
        const i = v?.rules?.findIndex((r) => r.id === ruleId) ?? -1;
        if (i >= 0) v!.rules![i] = { ...patched, order: i };
      });
    }
    // A rule whose order is no longer declared is no longer placed.
    if (n.order === undefined) co.forget(key, ruleId);
    if (moving || !notify) settled = co.settle(key, { ruleId, order: moving ? n.order : undefined, needsList: !notify });
  } finally {
    co.end(key);
  }
  // Nothing to read back: the rule is as the PATCH left it, at its stored index.
  if (!settled) return outputsOf(key, patched, { ...declaredContext(n, teamId), order: n.order ?? olds.order });
  const live = (await settled).find((r) => r.id === ruleId);
  if (!live) throw new VendorError({ vendor: "opsgenie", kind: "not_found", message: `routing rule ${ruleId} is gone from team ${teamId}; run \`pulumi refresh\`` });
  return outputsOf(key, live, declaredContext(n, teamId));
}

async function del(_id: string, props: TeamRoutingRuleOutputs): Promise<void> {
  // The default rule cannot be deleted: an adopted one is simply let go.
  if (props.isDefault) return;
  // Renamed with adoptExisting: the new resource adopted this rule in this run; keep it.
  if (letGoIfClaimed("opsgenie", props.ruleId, what(props.name, props.teamId, props.ruleId))) return;
  const p = await platformFor(props.account);
  // The account was switched to another platform or tenant (a migration): the old one may
  // still route alerts until it is turned off, so its rule stays; no call goes anywhere.
  if (!sameTarget(props.target ?? LEGACY_TARGET, p.target)) {
    notice(
      `opsgenie: left routing rule "${props.name}" (${props.ruleId}) of team ${props.teamId} on ${props.target ?? LEGACY_TARGET}: account "${props.account ?? "default"}" now points at ${p.target}, ` +
        `and the old platform may still route alerts until it is turned off. Remove it there by hand once the move is done`,
    );
    return;
  }
  const key = teamKey(p, props.teamId);
  const co = placement();
  writing(key);
  try {
    co.forget(key, props.ruleId);
    await co.withLock(key, async () => {
      await ignoreNotFound(p.remove(props.teamId, props.ruleId));
      dropRule(key, props.ruleId);
    });
  } finally {
    co.end(key);
  }
}

/**
 * Read returns both `teamId` (resolved) and `teamName`, and refresh diffs what read
 * returned: with `teamName` present, `teamId` is only the resolved output.
 */
function asInputs(news: ParsedArgs): ParsedArgs {
  const { teamId, ...rest } = news;
  return rest.teamName !== undefined ? rest : { teamId, ...rest };
}

export const teamRoutingRule: ResourceDefinition<ParsedArgs, TeamRoutingRuleOutputs> = {
  ...IDENTITY,
  schema: checkSchema,
  replaceKeys: ["teamId", "teamName"],
  // A site-only JSM/Compass account: its cloud id is looked up here (once per process), so the diff can compare targets.
  async checkRemote(news) {
    try {
      const a = resolveAccount(news.account);
      if (a.platform !== "opsgenie") await cloudIdOf(a);
    } catch (e) {
      // A malformed apiUrl needs no call to see; the rest is reported by create/update, with every way to fix it.
      if (isVendorError(e, "config") && e.code === "bad_endpoint") return [{ property: "account", reason: e.message.replace(/^opsgenie: /, "") }];
    }
    return [];
  },
  // The team and the schedule/escalation must exist: checked at preview when they change.
  preflight: (news, olds) => routingRulePreflight({ ...news }, olds && { ...olds }),
  // The engine checks and diffs each resource a little ahead of its step: placement learns
  // each declared order, and which steps are coming, before it plans their batch.
  checked(news, isNew) {
    if (!isNew) return;
    const n = normalize(news);
    placement().announce(teamRef(n), newKey(n.name), n.order, true);
  },
  // Where the account resolves now, as an input: a replace that config caused (the account
  // switched platform or site) then shows `~target` in the step. State of older versions
  // gets it from its next refresh, so that the first preview after an upgrade stays quiet.
  derivedInputs(news, olds) {
    if (containsUnknown(news.account) || (olds && Object.keys(olds).length && olds.target === undefined)) return {};
    const now = currentTarget(typeof news.account === "string" ? news.account : undefined);
    if (now === undefined) return {};
    return { target: typeof olds?.target === "string" && sameTarget(olds.target, now) ? olds.target : now };
  },
  diff(olds, news) {
    const n = normalize(asInputs(news));
    // The account's target from config (no call): a switch of platform or tenant is a replace.
    const now = currentTarget(n.account);
    const r = diffNormalized(olds, n, { now, same: sameTarget, legacy: LEGACY_TARGET });
    if (now !== undefined && targetChanged(olds, now, sameTarget, LEGACY_TARGET))
      warn(
        `opsgenie: routing rule "${n.name}" is replaced because account "${n.account ?? "default"}" moved: from ${olds.target ?? LEGACY_TARGET} to ${now}. ` +
          `The rule is created there (adoptExisting: true takes over a migrated rule of the same name) and left where it was`,
      );
    // Not pure on purpose (the diff itself is diffNormalized): create, later in this run in
    // this process, must know which same-named rule it replaces; placement, what is declared.
    const key = keyOf(now ?? olds.target ?? "", olds.teamId);
    if (r.replaces?.length) {
      if (!r.deleteBeforeReplace && olds.ruleId && !targetChanged(olds, now, sameTarget, LEGACY_TARGET)) replacements().set(replaceKey(key, n.name), olds.ruleId);
      placement().announce(teamRef(n), newKey(n.name), n.order, true);
    } else if (olds.ruleId && olds.teamId && !olds.isDefault) {
      placement().announce(key, olds.ruleId, n.order, orderChanged(olds, n));
    }
    return r;
  },
  toInputs,
  volatileOutputs: ["notifyId", "notifyName"],
  create,
  read,
  update,
  delete: del,
};
