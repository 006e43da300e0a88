import { claimedBy, VendorError } from "../../core";
import { warn } from "../../core/log";
import { arrange, planMoves, type TeamPlan } from "../placement";
import { lockPath, withTeamFileLock } from "../team-lock";
import type { LiveRule } from "../wire";
import type { Work } from "./batching";
import { createAll, type PendingCreate } from "./create";
import { movable, type Team } from "./team";

export type { PendingCreate } from "./create";

const indexed = (rules: readonly LiveRule[]) => rules.map((r, i) => ({ ...r, order: i }));

/**
 * Settles a team: the pending creates first (each POST with its target index, in
 * ascending target order, so each lands in place), then one change-order for each rule
 * out of place whose own step is here (or that has none coming), all to one plan over
 * the whole team (n - LIS moves in all), kept for the process's whole run. The team is
 * listed when this process has no view of it, when a server value is still to learn,
 * and at the end of its work (the last batch) to check the view: what is still out of
 * place (a rule with no order known, another writer's change) is moved only once the
 * hold has passed with no step coming (undefined: the waiters are held; see batching).
 */
export async function settle(t: Team, work: Work<PendingCreate>): Promise<LiveRule[] | undefined> {
  const done = new Set<PendingCreate>();
  try {
    return await withTeamFileLock(lockPath(t.p.baseUrl, t.id), async (lock) => {
      if (lock.othersSince) t.rules = undefined;
      // After a hold: nothing was written since the held check's list (only this batch's own moves follow), so no second list.
      const checked = work.final && t.rules !== undefined && t.rules === t.checkedView;
      const listedHere = !t.rules;
      if (!t.rules) t.listed(await t.list());
      const posted = new Set<string>();
      let needsList = work.needsList;
      if (work.creates.length && (await createAll(t, work, done, posted))) needsList = true;
      await moveArrived(t, work, t.planFor(work));
      // The team's last batch checks a list (unless this one was listed for it, or by the held check, and only moved rules).
      if (needsList || (work.last && !checked && (posted.size > 0 || !listedHere || work.final))) t.listed(await t.list());
      if (work.last && !(await placeRest(t, work, posted))) {
        t.checkedView = t.rules;
        return undefined;
      }
      return indexed(t.rules!);
    });
  } catch (e) {
    // The view may no longer match the team: the next settle lists it.
    t.rules = undefined;
    t.plan = undefined;
    throw e;
  } finally {
    for (const c of work.creates) if (!done.has(c)) c.reject(new VendorError({ vendor: "opsgenie", kind: "server", message: `routing rule "${c.n.name}" was not created (the team's batch stopped early); run \`pulumi up\` again` }));
  }
}

/** One change-order for each rule out of place whose own step is here (or that has none coming). */
async function moveArrived(t: Team, work: Work<PendingCreate>, p: TeamPlan): Promise<void> {
  for (const id of p.unsettled()) {
    if (work.pending.has(id) && !work.arrived.has(id)) continue;
    const at = p.moveFor(id);
    if (at === undefined || !(await t.move(id, at))) continue;
    p.moved(id, at);
  }
}

/** Where the team's last check would move rules to put every declared order at its index. */
function checkMoves(t: Team, declared: ReadonlyMap<string, number>): [string, number][] {
  const current = movable(t.rules!);
  const present = new Map([...declared].filter(([id]) => current.includes(id)));
  return present.size ? planMoves(current, arrange(current, present)) : [];
}

/**
 * The team's last batch, on a fresh list: moves what is still out of place (rules with
 * no declared order that stand in the way, or another writer's changes), and names
 * same-named rules of another writer beside rules this process created in earlier
 * batches (this batch's creates yield). Returns false, having written nothing, when it
 * would move a rule before the hold has passed (a later step may still place it).
 */
async function placeRest(t: Team, work: Work<PendingCreate>, posted: ReadonlySet<string>): Promise<boolean> {
  // Planned again from a fresh list if a rule turns out to be gone (at most a few times: another writer is busy).
  for (let attempt = 0, again = true; again && attempt < 3; attempt++) {
    again = false;
    const moves = checkMoves(t, work.declared);
    if (moves.length && !work.final && attempt === 0) return false;
    for (const [ruleId, order] of moves) {
      if (!(await t.move(ruleId, order))) {
        again = true;
        break;
      }
      t.plan?.moved(ruleId, order);
    }
  }
  for (const [id, name] of t.posted) {
    if (posted.has(id)) continue;
    const other = t.rules!.find((r) => r.name === name && r.id !== id && !t.replaced.has(r.id) && claimedBy("opsgenie", r.id) === undefined);
    if (other) warn(`another writer created routing rule "${name}" in team ${t.id} (id ${other.id}) while this run created its own (${id}); the team now has two rules with that name: remove one`);
    t.posted.delete(id);
  }
  return true;
}
