import { createOnce, isVendorError, resolveEndpoint, VendorClient, VendorError, processGlobal, type ResourceDefinition } from "../core";
import { coordinator, arrange, planMoves } from "./placement";
import { opsgenieProtocol } from "./protocol";
import { diffNormalized, contentChanged, normalize, notifyChanged, orderChanged, type NormalizedArgs, type TeamRoutingRuleOutputs } from "./team-routing-rule.diff";
import { checkSchema, parseArgs, type ParsedArgs } from "./team-routing-rule.schema";
import { formatId, fromWireRule, parseId, toCreateBody, toOutputs, toPatchBody, type LiveRule, type WireRule } from "./wire";

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
  try {
    const r = await client().call<Envelope<WireRule>>({ method: "GET", path: rulePath(teamId, ruleId) });
    return fromWireRule(r.body.data);
  } catch (e) {
    if (isVendorError(e, "not_found")) return undefined;
    throw e;
  }
}

/** Team name -> id via the Team API, once per process and name. */
async function resolveTeamId(a: { teamId?: string; teamName?: string }): Promise<string> {
  if (a.teamId !== undefined) return a.teamId;
  const cache = processGlobal("opsgenie-team-ids.v1", () => new Map<string, Promise<string>>());
  const name = a.teamName!;
  let p = cache.get(name);
  if (!p) {
    p = client()
      .call<Envelope<{ id: string; name: string }>>({ method: "GET", path: `/v2/teams/${encodeURIComponent(name)}`, query: { identifierType: "name" } })
      .then((r) => r.body.data.id);
    cache.set(name, p);
    p.catch(() => cache.delete(name));
  }
  try {
    return await p;
  } catch (e) {
    if (isVendorError(e, "not_found")) throw new Error(`opsgenie: team "${name}" (teamName) does not exist`);
    throw e;
  }
}

/**
 * Settles a team: one list, then the fewest change-order calls to put every
 * declared rule at its index (default rule excluded: always last).
 */
async function flush(teamId: string, declared: ReadonlyMap<string, number>): Promise<LiveRule[]> {
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

/** The per-team lock and order placement, shared by every provider copy in the process. */
const placement = () => coordinator<LiveRule[]>({ flush });

function outputsFor(live: LiveRule, n: NormalizedArgs, teamId: string): TeamRoutingRuleOutputs {
  return toOutputs(live, {
    teamId,
    teamName: n.teamName,
    adoptExisting: n.adoptExisting,
    notifyBy: n.notify.name !== undefined ? "name" : "id",
    // A managed order is what the user declared (clamping shows on refresh).
    order: n.order,
  });
}

function conflictMessage(name: string, teamId: string, existing: LiveRule): string {
  return (
    `opsgenie: team ${teamId} already has a routing rule named "${name}" (id ${existing.id}${existing.isDefault ? ", the team's default rule" : ""}). ` +
    `Set \`adoptExisting: true\` to take it over, or choose another name`
  );
}

async function create(raw: ParsedArgs): Promise<{ id: string; outs: TeamRoutingRuleOutputs }> {
  const n = normalize(parseArgs(raw));
  const teamId = await resolveTeamId(n);
  const co = placement();
  co.begin(teamId);
  let settled: Promise<LiveRule[]>;
  let ruleId: string;
  let adoptedDefault = false;
  try {
    ruleId = await co.withLock(teamId, async () => {
      // Natural key = name within the team. A batch reuses one list for its creates.
      let names = co.batchNames(teamId);
      let existing: LiveRule | undefined;
      if (!names || n.adoptExisting) {
        const list = await listRules(teamId);
        existing = list.find((r) => r.name === n.name);
        names = new Set(list.map((r) => r.name));
        co.setBatchNames(teamId, names);
      } else if (names.has(n.name)) {
        existing = (await listRules(teamId)).find((r) => r.name === n.name);
      }
      if (existing) {
        if (!n.adoptExisting) throw new Error(conflictMessage(n.name, teamId, existing));
        if (existing.isDefault) {
          if (n.order !== undefined) throw new Error("opsgenie: the default routing rule is always last; remove `order` to adopt it");
          if (n.criteria.type !== "match-all" || n.timeRestriction) throw new Error("opsgenie: the default routing rule matches all alerts at all times; leave criteria and timeRestriction unset to adopt it");
          adoptedDefault = true;
        }
        await client().call({ method: "PATCH", path: rulePath(teamId, existing.id), body: toPatchBody(n, { isDefault: existing.isDefault }) });
        return existing.id;
      }
      const id = await createOnce({
        attempt: async () => {
          const r = await client().call<Envelope<{ id: string }>>({ method: "POST", path: rulesPath(teamId), body: toCreateBody(n) });
          return r.body.data.id;
        },
        // The POST may have landed (reset, timeout, 5xx after send): find it by name before sending again.
        lookup: async () => {
          const found = (await listRules(teamId)).find((r) => r.name === n.name);
          return found?.id;
        },
      });
      names.add(n.name);
      return id;
    });
    settled = co.settle(teamId, n.order !== undefined && !adoptedDefault ? { ruleId, order: n.order } : undefined);
  } finally {
    co.end(teamId);
  }
  let list: LiveRule[];
  try {
    list = await settled;
  } catch (e) {
    // The rule exists: return it with its live index so the next `up` moves it, rather than losing it from state.
    const live = await getRule(teamId, ruleId).catch(() => undefined);
    if (!live) throw e;
    return { id: formatId(teamId, ruleId), outs: { ...outputsFor(live, n, teamId), order: live.order } };
  }
  const live = list.find((r) => r.id === ruleId);
  if (!live) throw new Error(`opsgenie: routing rule ${ruleId} disappeared from team ${teamId} right after it was created`);
  return { id: formatId(teamId, ruleId), outs: outputsFor(live, n, teamId) };
}

async function read(id: string, props: Partial<TeamRoutingRuleOutputs>): Promise<{ id: string; outs: TeamRoutingRuleOutputs } | undefined> {
  const parsed = parseId(id);
  if (!parsed) throw new Error(`opsgenie: invalid TeamRoutingRule id "${id}"; expected "<teamId>/<ruleId>"`);
  const teamId = parsed.byName ? await resolveTeamId({ teamName: parsed.team }) : parsed.team;
  const live = await getRule(teamId, parsed.ruleId);
  if (!live) return undefined;
  const outs = toOutputs(live, {
    teamId,
    teamName: props.teamName ?? (parsed.byName ? parsed.team : undefined),
    adoptExisting: props.adoptExisting ?? false,
    notifyBy: props.notify?.name !== undefined && props.notify.id === undefined ? "name" : "id",
  });
  return { id: formatId(teamId, parsed.ruleId), outs };
}

async function update(_id: string, olds: TeamRoutingRuleOutputs, raw: ParsedArgs): Promise<TeamRoutingRuleOutputs> {
  const n = normalize(parseArgs(raw));
  const teamId = olds.teamId;
  const ruleId = olds.ruleId;
  if (olds.isDefault && n.order !== undefined) throw new Error("opsgenie: the default routing rule is always last; remove `order`");
  const changed = contentChanged(olds, n);
  const moving = orderChanged(olds, n);
  const co = placement();
  co.begin(teamId);
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
  if (!settled) {
    const outs: TeamRoutingRuleOutputs = {
      teamId,
      name: n.name,
      criteria: n.criteria,
      notify: n.notify,
      adoptExisting: n.adoptExisting,
      ruleId,
      isDefault: olds.isDefault,
    };
    if (n.teamName !== undefined) outs.teamName = n.teamName;
    const order = n.order ?? olds.order;
    if (order !== undefined) outs.order = order;
    const tz = n.timezone ?? olds.timezone;
    if (tz !== undefined) outs.timezone = tz;
    if (n.timeRestriction) outs.timeRestriction = n.timeRestriction;
    if (olds.notifyId !== undefined) outs.notifyId = olds.notifyId;
    if (olds.notifyName !== undefined) outs.notifyName = olds.notifyName;
    return outs;
  }
  const live = (await settled).find((r) => r.id === ruleId);
  if (!live) throw new VendorError({ vendor: "opsgenie", kind: "not_found", message: `routing rule ${ruleId} is gone from team ${teamId}; run \`pulumi refresh\`` });
  const outs = outputsFor(live, n, teamId);
  if (n.order === undefined) outs.order = live.order;
  return outs;
}

async function del(_id: string, props: TeamRoutingRuleOutputs): Promise<void> {
  // The default rule cannot be deleted: an adopted one is simply let go.
  if (props.isDefault) return;
  const co = placement();
  co.begin(props.teamId);
  try {
    co.forget(props.teamId, props.ruleId);
    await co.withLock(props.teamId, async () => {
      try {
        await client().call({ method: "DELETE", path: rulePath(props.teamId, props.ruleId) });
      } catch (e) {
        if (!isVendorError(e, "not_found")) throw e;
      }
    });
  } finally {
    co.end(props.teamId);
  }
}

export const teamRoutingRule: ResourceDefinition<ParsedArgs, TeamRoutingRuleOutputs> = {
  module: "opsgenie",
  type: "TeamRoutingRule",
  schema: checkSchema,
  replaceKeys: ["teamId", "teamName"],
  diff(olds, news) {
    let n: NormalizedArgs;
    try {
      n = normalize(parseArgs(news));
    } catch {
      return { changes: true };
    }
    return diffNormalized(olds, n);
  },
  create,
  read,
  update,
  delete: del,
};
