import type { NCondition, NCriteria, NNotify, NTimeRestriction, NormalizedArgs, TeamRoutingRuleOutputs } from "./team-routing-rule.diff";
import { normalizeCondition } from "./team-routing-rule.diff";
import type { ConditionField, ConditionOperation } from "./team-routing-rule.schema";

// The one place that maps args <-> the Opsgenie wire format (camelCase JSON, so
// mostly shape: defaults, optional keys).

export interface WireCondition {
  field: string;
  key?: string;
  not?: boolean;
  operation: string;
  expectedValue?: string;
  order?: number;
}

export interface WireRule {
  id: string;
  name?: string;
  isDefault?: boolean;
  order?: number;
  criteria?: { type: string; conditions?: WireCondition[] };
  timezone?: string;
  timeRestriction?: {
    type: string;
    restriction?: { startHour: number; startMin: number; endHour: number; endMin: number };
    restrictions?: { startDay: string; startHour: number; startMin: number; endDay: string; endHour: number; endMin: number }[];
  };
  notify?: { type: string; id?: string; name?: string };
}

/** A rule as read back, normalized. */
export interface LiveRule {
  id: string;
  name: string;
  isDefault: boolean;
  order: number;
  criteria: NCriteria;
  timezone?: string;
  timeRestriction?: NTimeRestriction;
  notify: NNotify & { id?: string; name?: string };
}

function criteriaToWire(c: NCriteria): WireRule["criteria"] {
  if (c.type === "match-all") return { type: "match-all" };
  return {
    type: c.type,
    conditions: c.conditions.map((x) => {
      const w: WireCondition = { field: x.field, not: x.not, operation: x.operation, expectedValue: x.expectedValue, order: x.order };
      if (x.key !== undefined) w.key = x.key;
      return w;
    }),
  };
}

function notifyToWire(n: NNotify): NNotify {
  if (n.type === "none") return { type: "none" };
  return n.id !== undefined ? { type: n.type, id: n.id } : { type: n.type, name: n.name };
}

/** POST body. `order` only when managed (else the rule is appended before the default rule). */
export function toCreateBody(n: NormalizedArgs): Record<string, unknown> {
  const body: Record<string, unknown> = { name: n.name, criteria: criteriaToWire(n.criteria), notify: notifyToWire(n.notify) };
  if (n.order !== undefined) body.order = n.order;
  if (n.timezone !== undefined) body.timezone = n.timezone;
  if (n.timeRestriction) body.timeRestriction = n.timeRestriction;
  return body;
}

/**
 * PATCH body: absent fields are left alone by Opsgenie, so send every managed
 * field. A time restriction is only ever sent as an object (the spec allows no
 * null; removing one is a replace, see the diff). Never `order`: only
 * change-order moves a rule.
 */
export function toPatchBody(n: NormalizedArgs, opts: { isDefault?: boolean } = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { name: n.name, notify: notifyToWire(n.notify) };
  if (!opts.isDefault) {
    body.criteria = criteriaToWire(n.criteria);
    if (n.timeRestriction) body.timeRestriction = n.timeRestriction;
  }
  if (n.timezone !== undefined) body.timezone = n.timezone;
  return body;
}

export function fromWireRule(w: WireRule, index?: number): LiveRule {
  const type = (w.criteria?.type ?? "match-all") as NCriteria["type"];
  const conditions: NCondition[] =
    type === "match-all"
      ? []
      : (w.criteria?.conditions ?? []).map((c) =>
          normalizeCondition({
            field: c.field as ConditionField,
            key: c.key === null || c.key === "" ? undefined : c.key,
            not: c.not,
            operation: c.operation as ConditionOperation,
            expectedValue: c.expectedValue,
            order: c.order,
          }),
        );
  let timeRestriction: NTimeRestriction | undefined;
  const tr = w.timeRestriction;
  if (tr?.type === "time-of-day" && tr.restriction) {
    const r = tr.restriction;
    timeRestriction = { type: "time-of-day", restriction: { startHour: r.startHour, startMin: r.startMin, endHour: r.endHour, endMin: r.endMin } };
  } else if (tr?.type === "weekday-and-time-of-day") {
    timeRestriction = {
      type: "weekday-and-time-of-day",
      restrictions: (tr.restrictions ?? []).map((r) => ({
        startDay: r.startDay as never,
        startHour: r.startHour,
        startMin: r.startMin,
        endDay: r.endDay as never,
        endHour: r.endHour,
        endMin: r.endMin,
      })),
    };
  }
  const notify: LiveRule["notify"] = { type: (w.notify?.type ?? "none") as NNotify["type"] };
  if (w.notify?.id) notify.id = w.notify.id;
  if (w.notify?.name) notify.name = w.notify.name;
  const live: LiveRule = {
    id: w.id,
    name: w.name ?? "",
    isDefault: w.isDefault ?? false,
    order: w.order ?? index ?? 0,
    criteria: { type, conditions },
    notify,
  };
  if (w.timezone) live.timezone = w.timezone;
  if (timeRestriction) live.timeRestriction = timeRestriction;
  return live;
}

/**
 * How outputs are shaped around a live rule. From the declared inputs for create,
 * update and adopt (`declaredContext`); from the stored outputs for read.
 */
export interface OutputContext {
  /** The resolved team id (also when the team was given by name). */
  teamId: string;
  teamName?: string;
  adoptExisting: boolean;
  /** The shape the user wrote `notify` in, kept so that refresh shows real drift only. */
  notifyBy?: "id" | "name";
  /** A managed order: what the user declared, even where the API clamps it. Else the live index. */
  order?: number;
  /** The account, when declared (absent = "default"). */
  account?: string;
}

export function declaredContext(n: NormalizedArgs, teamId: string): OutputContext {
  return { teamId, teamName: n.teamName, adoptExisting: n.adoptExisting, notifyBy: n.notify.name !== undefined ? "name" : "id", order: n.order, account: n.account };
}

/**
 * The rule as a PATCH of `n` leaves it, for an update that needs no read back: the
 * server fields (index, resolved notify, account timezone) are the stored ones.
 */
export function patchedRule(olds: TeamRoutingRuleOutputs, n: NormalizedArgs): LiveRule {
  const notify: LiveRule["notify"] = { type: n.notify.type };
  const notifyId = olds.notifyId ?? n.notify.id;
  const notifyName = olds.notifyName ?? n.notify.name;
  if (notifyId !== undefined) notify.id = notifyId;
  if (notifyName !== undefined) notify.name = notifyName;
  const live: LiveRule = { id: olds.ruleId, name: n.name, isDefault: olds.isDefault, order: olds.order ?? 0, criteria: n.criteria, notify };
  const timezone = n.timezone ?? olds.timezone;
  if (timezone !== undefined) live.timezone = timezone;
  if (n.timeRestriction) live.timeRestriction = n.timeRestriction;
  return live;
}

/**
 * Outputs from a live rule: the one outputs function of every verb. `notify` keeps
 * the shape the user wrote (by name or by id); both resolved values are outputs.
 */
export function toOutputs(live: LiveRule, ctx: OutputContext): TeamRoutingRuleOutputs {
  let notify: NNotify;
  if (live.notify.type === "none") notify = { type: "none" };
  else if (ctx.notifyBy === "name" && live.notify.name !== undefined) notify = { type: live.notify.type, name: live.notify.name };
  else notify = { type: live.notify.type, id: live.notify.id };
  const outs: TeamRoutingRuleOutputs = {
    teamId: ctx.teamId,
    name: live.name,
    order: ctx.order ?? live.order,
    criteria: live.criteria,
    notify,
    adoptExisting: ctx.adoptExisting,
    ruleId: live.id,
    isDefault: live.isDefault,
  };
  if (ctx.teamName !== undefined) outs.teamName = ctx.teamName;
  if (ctx.account !== undefined) outs.account = ctx.account;
  if (live.timezone !== undefined) outs.timezone = live.timezone;
  if (live.timeRestriction) outs.timeRestriction = live.timeRestriction;
  if (live.notify.id !== undefined) outs.notifyId = live.notify.id;
  if (live.notify.name !== undefined) outs.notifyName = live.notify.name;
  return outs;
}

/** Resource id: `<teamId>/<ruleId>`. */
export function formatId(teamId: string, ruleId: string): string {
  return `${teamId}/${ruleId}`;
}

/** Parses `<teamId>/<ruleId>` (or `name:<teamName>/<ruleId>` for imports by team name). */
export function parseId(id: string): { team: string; byName: boolean; ruleId: string } | undefined {
  const i = id.lastIndexOf("/");
  if (i <= 0 || i === id.length - 1) return undefined;
  const team = id.slice(0, i);
  const ruleId = id.slice(i + 1);
  if (team.startsWith("name:")) return { team: team.slice(5), byName: true, ruleId };
  return { team, byName: false, ruleId };
}

/**
 * A JSM / Compass Operations rule as Opsgenie's wire shape: `isDefault` may be the
 * string "true"/"false" (the docs' example) or a boolean; `notify.type` may come in
 * another case and with `id: ""` for none (what Atlassian's Terraform provider sends).
 */
export function fromAtlassianRule(raw: unknown): WireRule {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const w = { ...r } as unknown as WireRule;
  const d = r.isDefault;
  w.isDefault = d === true || (typeof d === "string" && d.toLowerCase() === "true");
  const n = r.notify as Record<string, unknown> | undefined;
  if (n && typeof n === "object") {
    const notify: WireRule["notify"] = { type: String(n.type ?? "none").toLowerCase() };
    if (typeof n.id === "string" && n.id) notify.id = n.id;
    if (typeof n.name === "string" && n.name) notify.name = n.name;
    w.notify = notify;
  }
  if (r.timeRestriction === null) delete w.timeRestriction;
  return w;
}

/** Condition fields Opsgenie has and JSM / Compass Operations do not (Atlassian's Terraform provider omits them). */
export const OPSGENIE_ONLY_FIELDS: readonly string[] = ["recipients", "teams"];
