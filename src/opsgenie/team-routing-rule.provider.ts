import {
  adoptConflictMessage,
  adoptedNotice,
  claim,
  claimedBy,
  createOnce,
  ignoreNotFound,
  letGoIfClaimed,
  processGlobal,
  readConfirmed,
  VendorError,
  type ResourceDefinition,
} from "../core";
import { notice } from "../core/log";
import { cloudIdOf, currentTarget, LEGACY_TARGET, resolveAccount, sameTarget } from "./accounts";
import { coordinator, arrange, gatherer, InsertPlan, planMoves } from "./placement";
import { platformFor, type RulesPlatform } from "./platform";
import { lockPath, withTeamFileLock } from "./team-lock";
import { diffNormalized, contentChanged, normalize, notifyChanged, orderChanged, targetChanged, timeRestrictionRemoved, type NormalizedArgs, type TeamRoutingRuleOutputs } from "./team-routing-rule.diff";
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

// Every vendor call goes through the account's platform client (platform.ts): Opsgenie,
// JSM Operations or Compass Operations. The per-team placement is keyed by `teamKey`
// (target + team id), so the same team id on two accounts never shares a settle.
interface TeamRef {
  p: RulesPlatform;
  teamId: string;
}
const teamRefs = () => processGlobal("opsgenie-team-refs.v1", () => new Map<string, TeamRef>());

/** The placement key of a team on a platform (remembered, so a flush finds its client). */
function teamKey(p: RulesPlatform, teamId: string): string {
  const key = `${p.target}\u0000${teamId}`;
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
  return a.teamId ?? p.teamId(a.teamName!);
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

/**
 * Settles a team: the pending creates first (one list, then each POST with its
 * target index, in ascending target order, so each lands in place), then one list
 * and the fewest change-order calls to put every declared rule at its index
 * (default rule excluded: always last), planned over the whole team.
 */
async function flush(key: string, declared: Map<string, number>, creates: PendingCreate[]): Promise<LiveRule[]> {
  if (creates.length) await createAll(key, declared, creates);
  const list = await listRules(key);
  const movable = list.filter((r) => !r.isDefault);
  const current = movable.map((r) => r.id);
  const present = new Map([...declared].filter(([id]) => current.includes(id)));
  if (!present.size) return list;
  const target = arrange(current, present);
  const moves = planMoves(current, target);
  const { p, teamId } = ref(key);
  for (const [ruleId, order] of moves) await p.move(teamId, ruleId, order);
  if (!moves.length) return list;
  const byId = new Map(list.map((r) => [r.id, r]));
  const defaults = list.filter((r) => r.isDefault);
  return [...target.map((id) => byId.get(id)!), ...defaults].map((r, i) => ({ ...r, order: i }));
}

/**
 * The creates of one settle. Other provider processes on this machine (a second
 * stack) wait on the team's lock file for the whole batch; the name lookup is one
 * list, taken inside the first POST's write slot, and kept current with this batch's
 * own writes (a same-named rule from another machine shows in the settle's list
 * after: see yieldToOtherWriter).
 */
async function createAll(teamId: string, declared: Map<string, number>, creates: PendingCreate[]): Promise<void> {
  // `teamId` is the placement key (teamKey).
  const co = placement();
  const keyed = creates.map((c, i) => ({ c, key: `\u0000new:${i}` }));
  const batch: Batch = { teamId, live: undefined, plan: undefined, created: [], news: keyed.filter((k) => k.c.n.order !== undefined).map((k) => ({ key: k.key, order: k.c.n.order! })), declared };
  const place = (id: string, order: number | undefined) => {
    if (order === undefined) return;
    declared.set(id, order);
    co.place(teamId, id, order);
  };
  const done = new Set<PendingCreate>();
  try {
    await withTeamFileLock(lockPath(ref(teamId).p.baseUrl, ref(teamId).teamId), async () => {
      // Adopts first (PATCH only; their moves come with the settle), then the POSTs.
      for (const { c } of keyed.filter((k) => k.c.n.adoptExisting)) {
        try {
          const existing = (await batchLookup(batch)).find((r) => r.name === c.n.name && r.id !== c.replacing);
          if (!existing) continue;
          const id = await adopt(c.n, teamId, existing);
          claim("opsgenie", id, "the resource that adopted it");
          if (!existing.isDefault) place(id, c.n.order);
          c.resolve({ ruleId: id, posted: false, adoptedDefault: existing.isDefault });
        } catch (e) {
          c.reject(e);
        }
        done.add(c);
      }
      const pending = keyed.filter((k) => !done.has(k.c));
      if (!pending.length) return;
      // Ascending target order (needs the list; if it failed, by declared order, and the first POST lists again).
      await batchLookup(batch).catch(() => undefined);
      const withOrder = pending.filter((k) => k.c.n.order !== undefined);
      const keys = batch.plan ? batch.plan.sequence(withOrder.map((k) => k.key)) : [...withOrder].sort((x, y) => x.c.n.order! - y.c.n.order!).map((k) => k.key);
      const sequence = [...keys.map((key) => withOrder.find((k) => k.key === key)!), ...pending.filter((k) => k.c.n.order === undefined)];
      for (const { c, key } of sequence) {
        try {
          const ruleId = await post(c.n, teamId, c.replacing, key, batch);
          claim("opsgenie", ruleId, "the resource that created it");
          place(ruleId, c.n.order);
          c.resolve({ ruleId, posted: true, adoptedDefault: false });
        } catch (e) {
          c.reject(e);
        }
        done.add(c);
      }
    });
  } finally {
    for (const c of creates) if (!done.has(c)) c.reject(new VendorError({ vendor: "opsgenie", kind: "server", message: `routing rule "${c.n.name}" was not created (the team's batch stopped early); run \`pulumi up\` again` }));
  }
}

/** The state of one settle's creates: the lookup list, this batch's own rules, the insert plan. */
interface Batch {
  teamId: string;
  /** The team's list as of the lookup (or the last fresh list). */
  live: LiveRule[] | undefined;
  plan: InsertPlan | undefined;
  /** Rules this batch created since `live` was taken. */
  created: { id: string; name: string }[];
  news: { key: string; order: number }[];
  declared: ReadonlyMap<string, number>;
}

/** A fresh list of the team: the lookup and the insert plan follow it. */
function relisted(batch: Batch, list: LiveRule[]): LiveRule[] {
  batch.live = list;
  batch.created = [];
  const ids = list.filter((r) => !r.isDefault).map((r) => r.id);
  if (batch.plan) batch.plan.reset(ids);
  else batch.plan = new InsertPlan(ids, batch.declared, batch.news);
  return list;
}

/** The batch's lookup list: listed once, at the first need. */
async function batchLookup(batch: Batch): Promise<LiveRule[]> {
  return batch.live ?? relisted(batch, await listRules(batch.teamId));
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

/** Adopts the same-named rule (PATCH to the declared state; nothing to send when it already matches). */
async function adopt(n: NormalizedArgs, key: string, existing: LiveRule): Promise<string> {
  const { p, teamId } = ref(key);
  if (existing.isDefault) {
    if (n.order !== undefined) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "the default routing rule is always last; remove `order` to adopt it" });
    if (n.criteria.type !== "match-all" || n.timeRestriction)
      throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "the default routing rule matches all alerts at all times; leave criteria and timeRestriction unset to adopt it" });
  }
  // Compared by id where the platform's reads carry no notify name (JSM, Compass).
  const m = await p.byId(teamId, n);
  const changed = contentChanged(toOutputs(existing, declaredContext(m, teamId)), m);
  const moving = !existing.isDefault && n.order !== undefined && existing.order !== n.order;
  if (changed.length) await p.patch(teamId, existing.id, await p.prepare(teamId, toPatchBody(n, { isDefault: existing.isDefault })));
  if (moving) changed.push("order");
  adoptedNotice("opsgenie", `${existing.isDefault ? "the default " : ""}routing rule "${existing.name}" (${existing.id}) of team ${teamId}${p.platform === "opsgenie" ? "" : ` on ${p.target.split(" ")[0]}`}`, changed);
  return existing.id;
}

/**
 * POSTs the rule at its planned index; the name lookup (the batch's list, listed in
 * the first POST's write slot) runs inside the write slot, right before the send.
 */
function post(n: NormalizedArgs, teamId: string, replacing: string | undefined, key: string, batch: Batch): Promise<string> {
  const sameName = (r: { id: string; name: string }) => r.name === n.name && r.id !== replacing;
  const { p, teamId: team } = ref(teamId);
  let body: Record<string, unknown> | undefined;
  let at: number | undefined;
  return createOnce({
    attempt: async () => {
      // Notify by name becomes an id where the API takes ids only (resolved once per process).
      body ??= await p.prepare(team, toCreateBody(n));
      const sent = body;
      const returned = await p.create(team, sent, async () => {
          const list = await batchLookup(batch);
          const existing = list.find(sameName) ?? batch.created.find(sameName);
          if (existing) throw conflict(n.name, team, existing);
          const plan = batch.plan!;
          // A replacement goes right above the rule it replaces: alerts match one of the two at every moment.
          const old = replacing !== undefined ? plan.indexOf(replacing) : -1;
          at = old >= 0 ? old : n.order !== undefined ? plan.indexFor(key) : undefined;
          if (at === undefined) delete sent.order;
          else sent.order = at;
      });
      // No id in the answer (an unknown of JSM's): the rule is the same-named one this batch does not know yet.
      const id = returned ?? (await listRules(teamId)).find((r) => sameName(r) && !batch.created.some((c) => c.id === r.id))?.id;
      if (!id) throw new VendorError({ vendor: "opsgenie", kind: "server", message: `the create of routing rule "${n.name}" answered without an id, and no such rule is listed in team ${team}` });
      batch.plan!.inserted(key, id, at);
      batch.created.push({ id, name: n.name });
      return id;
    },
    // The POST may have landed (reset, timeout, 5xx after send): find it by name before sending again.
    lookup: async () => {
      const found = relisted(batch, await listRules(teamId)).find(sameName);
      if (found) batch.plan!.landed(key, found.id);
      return found?.id;
    },
  });
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
  await co.withLock(teamId, () => ignoreNotFound(p.remove(team, ruleId)));
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
    made = new Promise<Created>((resolve, reject) => (settled = co.settleCreate(key, { n, replacing, resolve, reject })));
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
  let settled: Promise<LiveRule[]> | undefined;
  try {
    if (changed.length) {
      const body = await p.prepare(teamId, toPatchBody(n, { isDefault: olds.isDefault }));
      await co.withLock(key, () => p.patch(teamId, ruleId, body));
    }
    // A rule whose order is no longer declared is no longer placed.
    if (n.order === undefined) co.forget(key, ruleId);
    // Resolved notify id/name come from the server; order needs the settle anyway.
    if (moving || notifyChanged(olds, n)) settled = co.settle(key, moving ? { ruleId, order: n.order! } : undefined);
  } finally {
    co.end(key);
  }
  // Nothing to read back: the rule is as the PATCH left it, at its stored index (the PATCH's answer is not used).
  if (!settled) return outputsOf(key, patchedRule(olds, n), { ...declaredContext(n, teamId), order: n.order ?? olds.order });
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
    await co.withLock(key, () => ignoreNotFound(p.remove(props.teamId, props.ruleId)));
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
    } catch {
      // Reported by create/update, with every way to fix it.
    }
    return [];
  },
  diff(olds, news) {
    const n = normalize(asInputs(news));
    // The account's target from config (no call): a switch of platform or tenant is a replace.
    const now = currentTarget(n.account);
    const r = diffNormalized(olds, n, { now, same: sameTarget, legacy: LEGACY_TARGET });
    // Not pure on purpose: create (same process, later in this run) must know which same-named rule it replaces.
    if (r.replaces?.length && !r.deleteBeforeReplace && olds.ruleId && !targetChanged(olds, now, sameTarget, LEGACY_TARGET)) {
      const key = `${olds.target ?? now}\u0000${olds.teamId}`;
      replacements().set(replaceKey(key, n.name), olds.ruleId);
    }
    return r;
  },
  create,
  read,
  update,
  delete: del,
};
