import { adoptConflictMessage, adoptedNotice, claim, claimedBy, createOnce, landedOne, refuseIfClaimed, VendorError } from "../../core";
import { answeredOk } from "../../core/http";
import { carriesCreate, oneRuleNamed, ruleById, ruleOwner } from "../adopt-one";
import { newKey } from "../placement";
import { contentChanged, type NormalizedArgs } from "../team-routing-rule.diff";
import { declaredContext, toCreateBody, toOutputs, toPatchBody, type LiveRule } from "../wire";
import type { Work } from "./batching";
import { placement, type Team } from "./team";

/** A create waiting for its team's settle. */
export interface PendingCreate {
  n: NormalizedArgs;
  /** The same-named rule this one replaces (create before delete), if any. */
  replacing?: string;
  resolve(r: Created): void;
  reject(e: unknown): void;
}

export interface Created {
  ruleId: string;
  /** POSTed by this run (not adopted): checked for a racing writer after the settle. */
  posted: boolean;
  adoptedDefault: boolean;
}

interface Keyed {
  c: PendingCreate;
  /** The create's key in the declared orders: its `newKey`, or a placeholder when it has no order. */
  key: string;
}

/** A create now known as rule `id`: its declared order moves from its key to the id. */
function place(t: Team, work: Work<PendingCreate>, key: string, id: string, order: number | undefined): void {
  if (order === undefined) return;
  work.declared.delete(key);
  work.declared.set(id, order);
  placement().place(t.key, key, id, order);
}

/**
 * The creates of one settle: adopts first (a PATCH, none when the rule already
 * matches; their moves come with the settle), then each POST at its planned index.
 * The name lookup is the view of the team (listed in this batch, or kept current with
 * this process's writes since; another process on this machine makes it list again,
 * and another machine's same-named rule shows in the team's last list: see
 * yieldToOtherWriter). Returns whether the outputs need a list (a server value unknown).
 */
export async function createAll(t: Team, work: Work<PendingCreate>, done: Set<PendingCreate>, posted: Set<string>): Promise<boolean> {
  const keyed = work.creates.map((c, i) => ({ c, key: c.n.order !== undefined ? newKey(c.n.name) : `\u0000unordered:${i}` }));
  let needsList = await adoptAll(t, work, keyed.filter((k) => k.c.n.adoptExisting || k.c.n.adoptRuleId !== undefined), done);
  const pending = keyed.filter((k) => !done.has(k.c));
  if (!pending.length) return needsList;
  const p = t.planFor(work);
  const sequence = [...pending.filter((k) => k.c.n.order !== undefined).sort((a, b) => p.rank(a.key) - p.rank(b.key)), ...pending.filter((k) => k.c.n.order === undefined)];
  for (const { c, key } of sequence) {
    try {
      if (c.replacing !== undefined) t.replaced.add(c.replacing);
      const { id, known } = await post(t, work, c.n, c.replacing, key);
      if (!known) needsList = true;
      if (c.n.timezone === undefined) t.learned.createdWithoutTimezone(id);
      t.posted.set(id, c.n.name);
      posted.add(id);
      claim("opsgenie", id, ruleOwner(c.n, t.id));
      place(t, work, key, id, c.n.order);
      c.resolve({ ruleId: id, posted: true, adoptedDefault: false });
    } catch (e) {
      c.reject(e);
    }
    done.add(c);
  }
  return needsList;
}

/** The creates that adopt an existing rule; returns whether one wrote (its outputs need a list). */
async function adoptAll(t: Team, work: Work<PendingCreate>, adopting: readonly Keyed[], done: Set<PendingCreate>): Promise<boolean> {
  let needsList = false;
  for (const { c, key } of adopting) {
    try {
      // Exactly one rule: the one named by id, or the one of that name; not taken by another resource of this run; before any write.
      const existing = c.n.adoptRuleId !== undefined ? ruleById(t.rules!, c.n.adoptRuleId, t.id) : oneRuleNamed(t.rules!, c.n.name, c.replacing, t.id, true);
      if (!existing) continue;
      // Adoptions of one team run one at a time (this loop, under the team's lock): check, adopt, claim.
      refuseIfClaimed("opsgenie", existing.id, ruleOwner(c.n, t.id), `routing rule "${existing.name}" (${existing.id}) of team ${t.id}`);
      if (await adopt(t, c.n, existing)) needsList = true;
      claim("opsgenie", existing.id, ruleOwner(c.n, t.id));
      if (!existing.isDefault && c.n.order !== undefined) {
        place(t, work, key, existing.id, c.n.order);
        t.version = -1;
      }
      c.resolve({ ruleId: existing.id, posted: false, adoptedDefault: existing.isDefault });
    } catch (e) {
      c.reject(e);
    }
    done.add(c);
  }
  return needsList;
}

function conflict(name: string, teamId: string, existing: { id: string; isDefault?: boolean }): VendorError {
  const message = adoptConflictMessage(`team ${teamId} routing rule "${name}"`, `id ${existing.id}${existing.isDefault ? ", the team's default rule" : ""}`);
  return new VendorError({ vendor: "opsgenie", kind: "conflict", message });
}

/** Adopts the same-named rule: a PATCH to the declared state, none when it already matches. Returns whether it wrote. */
async function adopt(t: Team, n: NormalizedArgs, existing: LiveRule): Promise<boolean> {
  const { p, id: teamId } = t;
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
function post(t: Team, work: Work<PendingCreate>, n: NormalizedArgs, replacing: string | undefined, key: string): Promise<{ id: string; known: boolean }> {
  const sameName = (r: { id: string; name: string }) => r.name === n.name && r.id !== replacing;
  const { p: platform, id: team } = t;
  let body: Record<string, unknown> | undefined;
  let at: number | undefined;
  let known = true;
  return createOnce({
    attempt: async () => {
      // Notify by name becomes an id where the API takes ids only (resolved once per process).
      body ??= await platform.prepare(team, toCreateBody(n));
      const sent = body;
      const returned = await platform.create(team, sent, async () => {
        const existing = oneRuleNamed(t.rules ?? [], n.name, replacing, team, false);
        if (existing) throw conflict(n.name, team, existing);
        const p = t.planFor(work);
        // A replacement goes right above the rule it replaces: alerts match one of the two at every moment.
        const old = replacing !== undefined ? p.indexOf(replacing) : -1;
        at = old >= 0 ? old : n.order !== undefined ? p.indexFor(key) : undefined;
        if (at === undefined) delete sent.order;
        else sent.order = at;
      });
      // No id in the answer (an unknown of JSM's): the rule is the same-named one the view does not know yet.
      const id = returned ?? (await t.list()).find((r) => sameName(r) && !(t.rules ?? []).some((x) => x.id === r.id))?.id;
      if (!id) throw new VendorError({ vendor: "opsgenie", kind: "server", message: `the create of routing rule "${n.name}" answered without an id, and no such rule is listed in team ${team}` });
      t.planFor(work).inserted(key, id, at);
      const rule = t.learned.createdRule(n, id, platform.platform === "opsgenie" ? undefined : (sent.notify as LiveRule["notify"] | undefined));
      known = rule !== undefined;
      // Until a list tells the server's values, the rule holds its place in the view with the declared ones.
      t.put(rule ?? { id, name: n.name, isDefault: false, order: 0, criteria: n.criteria, notify: { ...n.notify } }, at);
      return id;
    },
    // The POST may have landed (reset, timeout, 5xx after send): find it by name before sending again.
    lookup: async (cause) => {
      const before = new Set((t.rules ?? []).map((r) => r.id));
      const list = await t.list();
      // The POST went out only when the view had no rule of the name: a new one that carries what was sent is ours.
      const found = landedOne(cause, list.filter((r) => sameName(r) && !before.has(r.id) && claimedBy("opsgenie", r.id) === undefined), {
        vendor: "opsgenie",
        what: `routing rule "${n.name}" of team ${team}`,
        carries: (r) => carriesCreate(r, n),
        candidate: (r) => ({ id: r.id, position: list.indexOf(r) }),
        committed: answeredOk(cause),
      });
      if (found) t.planFor(work).landed(key, found.id);
      t.listed(list);
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
export async function yieldToOtherWriter(t: Team, n: NormalizedArgs, ruleId: string, replacing: string | undefined, list: readonly LiveRule[]): Promise<void> {
  const other = list.find((r) => r.name === n.name && r.id !== ruleId && r.id !== replacing && claimedBy("opsgenie", r.id) === undefined);
  if (!other) return;
  await t.remove(ruleId);
  throw new VendorError({
    vendor: "opsgenie",
    kind: "conflict",
    message:
      `another writer created routing rule "${n.name}" in team ${t.id} (id ${other.id}) while this one was being created; ` +
      `this run removed its own copy (${ruleId}) so the team keeps one rule with that name. ` +
      `If that rule is this stack's, run \`pulumi up\` again with \`adoptExisting: true\`; otherwise choose another name`,
  });
}
