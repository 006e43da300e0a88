import {
  adoptConflictMessage,
  adoptedNotice,
  claim,
  claimedBy,
  createOnce,
  ignoreNotFound,
  isVendorError,
  letGoIfClaimed,
  onceCache,
  processGlobal,
  readConfirmed,
  resolveEndpoint,
  VendorClient,
  VendorError,
  type ResourceDefinition,
} from "../core";
import { coordinator, arrange, gatherer, InsertPlan, planMoves } from "./placement";
import { opsgenieProtocol } from "./protocol";
import { lockPath, withTeamFileLock } from "./team-lock";
import { diffNormalized, contentChanged, normalize, notifyChanged, orderChanged, timeRestrictionRemoved, type NormalizedArgs, type TeamRoutingRuleOutputs } from "./team-routing-rule.diff";
import { checkSchema, IDENTITY, type ParsedArgs } from "./team-routing-rule.schema";
import {
  declaredContext,
  formatId,
  fromWireRule,
  parseId,
  patchedRule,
  toCreateBody,
  toOutputs,
  toPatchBody,
  type LiveRule,
  type OutputContext,
  type WireRule,
} from "./wire";

const client = () => new VendorClient(opsgenieProtocol, resolveEndpoint("opsgenie"));
const rulesPath = (teamId: string) => `/v2/teams/${encodeURIComponent(teamId)}/routing-rules`;
const rulePath = (teamId: string, ruleId: string) => `${rulesPath(teamId)}/${encodeURIComponent(ruleId)}`;

interface Envelope<T> {
  data: T;
  result?: string;
  requestId?: string;
}

async function listRules(teamId: string): Promise<LiveRule[]> {
  const r = await client().call<Envelope<WireRule[]>>({ method: "GET", path: rulesPath(teamId) });
  return (r.body.data ?? []).map((w, i) => fromWireRule(w, i));
}

async function getRule(teamId: string, ruleId: string): Promise<LiveRule | undefined> {
  const r = await ignoreNotFound(client().call<Envelope<WireRule>>({ method: "GET", path: rulePath(teamId, ruleId) }));
  return r && fromWireRule(r.body.data);
}

/** Team name -> id via the Team API, once per process and name. */
async function resolveTeamId(a: { teamId?: string; teamName?: string }): Promise<string> {
  if (a.teamId !== undefined) return a.teamId;
  const name = a.teamName!;
  const lookup = () =>
    client()
      .call<Envelope<{ id: string; name: string }>>({ method: "GET", path: `/v2/teams/${encodeURIComponent(name)}`, query: { identifierType: "name" } })
      .then((r) => r.body.data.id);
  try {
    return await onceCache<string>("opsgenie-team-ids.v1")(name, lookup);
  } catch (e) {
    if (isVendorError(e, "not_found")) throw new VendorError({ vendor: "opsgenie", kind: "not_found", message: `team "${name}" (teamName) does not exist` });
    throw e;
  }
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
async function flush(teamId: string, declared: Map<string, number>, creates: PendingCreate[]): Promise<LiveRule[]> {
  if (creates.length) await createAll(teamId, declared, creates);
  const list = await listRules(teamId);
  const movable = list.filter((r) => !r.isDefault);
  const current = movable.map((r) => r.id);
  const present = new Map([...declared].filter(([id]) => current.includes(id)));
  if (!present.size) return list;
  const target = arrange(current, present);
  const moves = planMoves(current, target);
  for (const [ruleId, order] of moves) {
    // change-order is a repeatable "put it at index i": safe to retry.
    await client().call({ method: "POST", path: `${rulePath(teamId, ruleId)}/change-order`, body: { order }, idempotent: true });
  }
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
    await withTeamFileLock(lockPath(resolveEndpoint("opsgenie").baseUrl, teamId), async () => {
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

/** Adopts the same-named rule (PATCH to the declared state). */
async function adopt(n: NormalizedArgs, teamId: string, existing: LiveRule): Promise<string> {
  if (existing.isDefault) {
    if (n.order !== undefined) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "the default routing rule is always last; remove `order` to adopt it" });
    if (n.criteria.type !== "match-all" || n.timeRestriction)
      throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "the default routing rule matches all alerts at all times; leave criteria and timeRestriction unset to adopt it" });
  }
  const changed = contentChanged(toOutputs(existing, declaredContext(n, teamId)), n);
  if (!existing.isDefault && n.order !== undefined && existing.order !== n.order) changed.push("order");
  await client().call({ method: "PATCH", path: rulePath(teamId, existing.id), body: toPatchBody(n, { isDefault: existing.isDefault }) });
  adoptedNotice("opsgenie", `${existing.isDefault ? "the default " : ""}routing rule "${existing.name}" (${existing.id}) of team ${teamId}`, changed);
  return existing.id;
}

/**
 * POSTs the rule at its planned index; the name lookup (the batch's list, listed in
 * the first POST's write slot) runs inside the write slot, right before the send.
 */
function post(n: NormalizedArgs, teamId: string, replacing: string | undefined, key: string, batch: Batch): Promise<string> {
  const sameName = (r: { id: string; name: string }) => r.name === n.name && r.id !== replacing;
  const body = toCreateBody(n);
  let at: number | undefined;
  return createOnce({
    attempt: async () => {
      const r = await client().call<Envelope<{ id: string }>>({
        method: "POST",
        path: rulesPath(teamId),
        body,
        beforeSend: async () => {
          const list = await batchLookup(batch);
          const existing = list.find(sameName) ?? batch.created.find(sameName);
          if (existing) throw conflict(n.name, teamId, existing);
          const plan = batch.plan!;
          // A replacement goes right above the rule it replaces: alerts match one of the two at every moment.
          const old = replacing !== undefined ? plan.indexOf(replacing) : -1;
          at = old >= 0 ? old : n.order !== undefined ? plan.indexFor(key) : undefined;
          if (at === undefined) delete body.order;
          else body.order = at;
        },
      });
      const id = r.body.data.id;
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
  await co.withLock(teamId, () => ignoreNotFound(client().call({ method: "DELETE", path: rulePath(teamId, ruleId) })));
  throw new VendorError({
    vendor: "opsgenie",
    kind: "conflict",
    message:
      `another writer created routing rule "${n.name}" in team ${teamId} (id ${other.id}) while this one was being created; ` +
      `this run removed its own copy (${ruleId}) so the team keeps one rule with that name. ` +
      `If that rule is this stack's, run \`pulumi up\` again with \`adoptExisting: true\`; otherwise choose another name`,
  });
}

async function create(inputs: ParsedArgs): Promise<{ id: string; outs: TeamRoutingRuleOutputs }> {
  const n = normalize(inputs);
  const teamId = await resolveTeamId(n);
  const rkey = replaceKey(teamId, n.name);
  const replacing = replacements().get(rkey);
  const co = placement();
  writing(teamId);
  let settled: Promise<LiveRule[]>;
  let made!: Promise<Created>;
  try {
    // The creates that arrive together are POSTed together, each at its index, in the next settle.
    made = new Promise<Created>((resolve, reject) => (settled = co.settleCreate(teamId, { n, replacing, resolve, reject })));
  } finally {
    co.end(teamId);
    if (replacing !== undefined) replacements().delete(rkey);
  }
  const { ruleId, posted } = await made;
  let list: LiveRule[];
  try {
    list = await settled!;
  } catch (e) {
    // The rule exists: return it with its live index so the next `up` moves it, rather than losing it from state.
    const live = await getRule(teamId, ruleId).catch(() => undefined);
    if (!live) throw e;
    return { id: formatId(teamId, ruleId), outs: toOutputs(live, { ...declaredContext(n, teamId), order: live.order }) };
  }
  if (posted) await yieldToOtherWriter(n, teamId, ruleId, replacing, list);
  const live = list.find((r) => r.id === ruleId);
  if (!live) throw new VendorError({ vendor: "opsgenie", kind: "not_found", message: `routing rule ${ruleId} disappeared from team ${teamId} right after it was created` });
  return { id: formatId(teamId, ruleId), outs: toOutputs(live, declaredContext(n, teamId)) };
}

async function read(id: string, props: Partial<TeamRoutingRuleOutputs>): Promise<{ id: string; outs: TeamRoutingRuleOutputs } | undefined> {
  const parsed = parseId(id);
  if (!parsed) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: `invalid TeamRoutingRule id "${id}"; expected "<teamId>/<ruleId>"` });
  const teamId = parsed.byName ? await resolveTeamId({ teamName: parsed.team }) : parsed.team;
  // Served from the team's list when it has the rule. Otherwise one 404 is not proof
  // the rule is gone: read again, then look in a fresh list.
  const listed = (await ignoreNotFound(recentList(teamId)))?.find((r) => r.id === parsed.ruleId);
  const live = listed ?? await readConfirmed({
    read: () => getRule(teamId, parsed.ruleId),
    listed: async () => (await ignoreNotFound(listRules(teamId)))?.find((r) => r.id === parsed.ruleId),
  });
  if (!live) return undefined;
  // Shaped like the stored outputs (or, on import, the inputs) say.
  const ctx: OutputContext = {
    teamId,
    teamName: props.teamName ?? (parsed.byName ? parsed.team : undefined),
    adoptExisting: props.adoptExisting ?? false,
    notifyBy: props.notify?.name !== undefined && props.notify.id === undefined ? "name" : "id",
    order: props.order !== undefined && !live.isDefault && (await inPlace(teamId, live.id, props.order)) ? props.order : live.order,
  };
  return { id: formatId(teamId, parsed.ruleId), outs: toOutputs(live, ctx) };
}

async function update(_id: string, olds: TeamRoutingRuleOutputs, inputs: ParsedArgs): Promise<TeamRoutingRuleOutputs> {
  const n = normalize(inputs);
  const teamId = olds.teamId;
  const ruleId = olds.ruleId;
  if (olds.isDefault && n.order !== undefined) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "the default routing rule is always last; remove `order`" });
  // The diff makes this a replace; an update could only send the null the spec does not allow.
  if (timeRestrictionRemoved(olds, n)) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "removing a time restriction replaces the rule (Opsgenie cannot clear one); run `pulumi up` again" });
  const changed = contentChanged(olds, n);
  const moving = orderChanged(olds, n);
  const co = placement();
  writing(teamId);
  let settled: Promise<LiveRule[]> | undefined;
  try {
    if (changed.length) {
      await co.withLock(teamId, () => client().call({ method: "PATCH", path: rulePath(teamId, ruleId), body: toPatchBody(n, { isDefault: olds.isDefault }) }));
    }
    // A rule whose order is no longer declared is no longer placed.
    if (n.order === undefined) co.forget(teamId, ruleId);
    // Resolved notify id/name come from the server; order needs the settle anyway.
    if (moving || notifyChanged(olds, n)) settled = co.settle(teamId, moving ? { ruleId, order: n.order! } : undefined);
  } finally {
    co.end(teamId);
  }
  // Nothing to read back: the rule is as the PATCH left it, at its stored index.
  if (!settled) return toOutputs(patchedRule(olds, n), { ...declaredContext(n, teamId), order: n.order ?? olds.order });
  const live = (await settled).find((r) => r.id === ruleId);
  if (!live) throw new VendorError({ vendor: "opsgenie", kind: "not_found", message: `routing rule ${ruleId} is gone from team ${teamId}; run \`pulumi refresh\`` });
  return toOutputs(live, declaredContext(n, teamId));
}

async function del(_id: string, props: TeamRoutingRuleOutputs): Promise<void> {
  // The default rule cannot be deleted: an adopted one is simply let go.
  if (props.isDefault) return;
  // Renamed with adoptExisting: the new resource adopted this rule in this run; keep it.
  if (letGoIfClaimed("opsgenie", props.ruleId, what(props.name, props.teamId, props.ruleId))) return;
  const co = placement();
  writing(props.teamId);
  try {
    co.forget(props.teamId, props.ruleId);
    await co.withLock(props.teamId, () => ignoreNotFound(client().call({ method: "DELETE", path: rulePath(props.teamId, props.ruleId) })));
  } finally {
    co.end(props.teamId);
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
  diff(olds, news) {
    const n = normalize(asInputs(news));
    const r = diffNormalized(olds, n);
    // Not pure on purpose: create (same process, later in this run) must know which same-named rule it replaces.
    if (r.replaces?.length && !r.deleteBeforeReplace && olds.ruleId) replacements().set(replaceKey(olds.teamId, n.name), olds.ruleId);
    return r;
  },
  create,
  read,
  update,
  delete: del,
};
