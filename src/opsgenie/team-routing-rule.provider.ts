import {
  isVendorError,
  letGoIfClaimed,
  readConfirmed,
  ignoreNotFound,
  VendorError,
  type ResourceDefinition,
} from "../core";
import { newKey } from "./placement";
import { notice, warn } from "../core/log";
import { containsUnknown } from "../core/unknown";
import { cloudIdOf, currentTarget, LEGACY_TARGET, resolveAccount, sameTarget } from "./accounts";
import { platformFor } from "./platform";
import { diffNormalized, toInputs, contentChanged, normalize, notifyChanged, orderChanged, targetChanged, timeRestrictionRemoved, type TeamRoutingRuleOutputs } from "./team-routing-rule.diff";
import { checkSchema, IDENTITY, type ParsedArgs } from "./team-routing-rule.schema";
import { declaredContext, formatId, parseId, patchedRule, toPatchBody, type LiveRule, type OutputContext } from "./wire";
import { routingRulePreflight } from "./preflight";
import { announce, checkedTeamKey, replacing as recordReplacing, resolveTeam, teamKey, teamOn } from "./team/team";
import { yieldToOtherWriter } from "./team/create";

// The provider's verbs: normalize, get the team (team/team.ts: what this process knows
// of one team on one account), ask it, shape the outputs. Every vendor call goes through
// the account's platform client (platform.ts): Opsgenie, JSM Operations or Compass Operations.

async function create(inputs: ParsedArgs): Promise<{ id: string; outs: TeamRoutingRuleOutputs }> {
  const n = normalize(inputs);
  const t = await resolveTeam(await platformFor(n.account), n);
  const replacing = t.takeReplacement(n.name);
  const { made, settled } = t.queueCreate(n, replacing);
  const { ruleId, posted } = await made;
  let list: LiveRule[];
  try {
    list = await settled;
  } catch (e) {
    // The rule exists: return it with its live index so the next `up` moves it, rather than losing it from state.
    const live = await t.get(ruleId).catch(() => undefined);
    if (!live) throw e;
    return { id: formatId(t.id, ruleId), outs: t.outputs(live, { ...declaredContext(n, t.id), order: live.order }) };
  }
  if (posted) await yieldToOtherWriter(t, n, ruleId, replacing, list);
  const live = list.find((r) => r.id === ruleId);
  if (!live) throw new VendorError({ vendor: "opsgenie", kind: "not_found", message: `routing rule ${ruleId} disappeared from team ${t.id} right after it was created` });
  return { id: formatId(t.id, ruleId), outs: t.outputs(live, declaredContext(n, t.id)) };
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
  const t = await resolveTeam(p, parsed.byName ? { teamName: parsed.team } : { teamId: parsed.team });
  p.remember(t.id, props.notify?.type, props.notifyId, props.notifyName);
  // Served from the team's list when it has the rule. Otherwise one 404 is not proof
  // the rule is gone: read again, then look in a fresh list.
  const listed = (await ignoreNotFound(t.recentList()))?.find((r) => r.id === parsed.ruleId);
  const live = listed ?? await readConfirmed({
    read: () => t.get(parsed.ruleId),
    listed: async () => (await ignoreNotFound(t.list()))?.find((r) => r.id === parsed.ruleId),
  });
  if (!live) return undefined;
  // Shaped like the stored outputs (or, on import, the inputs) say.
  const ctx: OutputContext = {
    teamId: t.id,
    teamName: props.teamName ?? (parsed.byName ? parsed.team : undefined),
    adoptExisting: props.adoptExisting ?? false,
    notifyBy: props.notify?.name !== undefined && props.notify.id === undefined ? "name" : "id",
    order: props.order !== undefined && !live.isDefault && (await t.inPlace(live.id, props.order)) ? props.order : live.order,
    account: props.account,
  };
  return { id: formatId(t.id, parsed.ruleId), outs: t.outputs(live, ctx) };
}

/** What an update cannot do in place. */
function refuseUpdate(olds: TeamRoutingRuleOutputs, n: ReturnType<typeof normalize>): void {
  if (olds.isDefault && n.order !== undefined) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "the default routing rule is always last; remove `order`" });
  // The diff makes this a replace; an update could only send the null the spec does not allow.
  if (timeRestrictionRemoved(olds, n)) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: "removing a time restriction replaces the rule (Opsgenie cannot clear one); run `pulumi up` again" });
}

async function update(_id: string, olds: TeamRoutingRuleOutputs, inputs: ParsedArgs): Promise<TeamRoutingRuleOutputs> {
  const n = normalize(inputs);
  const p = await platformFor(n.account);
  const t = teamOn(p, olds.teamId);
  const ruleId = olds.ruleId;
  // Reads on JSM/Compass carry notify ids only: the stored pair names the unchanged target.
  p.remember(t.id, olds.notify?.type, olds.notifyId, olds.notifyName);
  refuseUpdate(olds, n);
  const moving = orderChanged(olds, n);
  t.writing();
  t.arrived(ruleId);
  // The rule as the PATCH leaves it; a changed notify's id and name come from the server (or an earlier list).
  const patched = patchedRule(olds, n);
  const notify = notifyChanged(olds, n) ? t.learned.resolvedNotify(n.notify) : patched.notify;
  if (notify) patched.notify = notify;
  let settled: Promise<LiveRule[]> | undefined;
  try {
    if (contentChanged(olds, n).length) {
      const body = await p.prepare(t.id, toPatchBody(n, { isDefault: olds.isDefault }));
      // The PATCH's answer is not used (partial or full PATCH alike): the view takes the declared rule.
      await t.patch(patched, body);
    }
    // A rule whose order is no longer declared is no longer placed.
    if (n.order === undefined) t.forget(ruleId);
    if (moving || !notify) settled = t.settle({ ruleId, order: moving ? n.order : undefined, needsList: !notify });
  } finally {
    t.done();
  }
  // Nothing to read back: the rule is as the PATCH left it, at its stored index.
  if (!settled) return t.outputs(patched, { ...declaredContext(n, t.id), order: n.order ?? olds.order });
  const live = (await settled).find((r) => r.id === ruleId);
  if (!live) throw new VendorError({ vendor: "opsgenie", kind: "not_found", message: `routing rule ${ruleId} is gone from team ${t.id}; run \`pulumi refresh\`` });
  return t.outputs(live, declaredContext(n, t.id));
}

const what = (name: string, teamId: string, ruleId: string) => `opsgenie routing rule "${name}" (${ruleId}) of team ${teamId}`;

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
  const t = teamOn(p, props.teamId);
  t.writing();
  try {
    await t.remove(props.ruleId);
  } finally {
    t.done();
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
    announce(checkedTeamKey(n), newKey(n.name), n.order, true);
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
    const key = teamKey(now ?? olds.target ?? "", olds.teamId);
    if (r.replaces?.length) {
      if (!r.deleteBeforeReplace && olds.ruleId && !targetChanged(olds, now, sameTarget, LEGACY_TARGET)) recordReplacing(key, n.name, olds.ruleId);
      announce(checkedTeamKey(n), newKey(n.name), n.order, true);
    } else if (olds.ruleId && olds.teamId && !olds.isDefault) {
      announce(key, olds.ruleId, n.order, orderChanged(olds, n));
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
