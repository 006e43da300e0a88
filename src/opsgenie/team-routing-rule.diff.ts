import type { DiffResult } from "../core/kit";
import type { ConditionField, ConditionOperation, ParsedArgs, TimeOfDay, WeekdayRestriction } from "./team-routing-rule.schema";
import { sameJson } from "../core/json";

// Pure: normalized inputs and the diff against stored outputs. No I/O.

export interface NCondition {
  field: ConditionField;
  key?: string;
  not: boolean;
  operation: ConditionOperation;
  expectedValue: string;
  order: number;
}

export interface NCriteria {
  type: "match-all" | "match-any-condition" | "match-all-conditions";
  conditions: NCondition[];
}

export type NTimeRestriction =
  | { type: "time-of-day"; restriction: TimeOfDay }
  | { type: "weekday-and-time-of-day"; restrictions: WeekdayRestriction[] };

export interface NNotify {
  type: "schedule" | "escalation" | "none";
  id?: string;
  name?: string;
}

/** Inputs with every default applied. `order`/`timezone` stay undefined when not managed. */
export interface NormalizedArgs {
  teamId?: string;
  teamName?: string;
  name: string;
  order?: number;
  timezone?: string;
  criteria: NCriteria;
  timeRestriction?: NTimeRestriction;
  notify: NNotify;
  adoptExisting: boolean;
  /** The one live rule to adopt, by id: the way to choose among same-named rules. Create-time only, not kept in state. */
  adoptRuleId?: string;
  /** The account (a key of `opsgenie:accounts`); undefined = "default". */
  account?: string;
}

/** What state holds: normalized inputs plus server fields. */
export interface TeamRoutingRuleOutputs extends Omit<NormalizedArgs, "teamId" | "adoptRuleId"> {
  /** Always the resolved team id (also when the team was given by name). */
  teamId: string;
  /** Declared order when managed, else the live index. */
  order?: number;
  /** Declared timezone, or the account default the server applied. */
  timezone?: string;
  ruleId: string;
  isDefault: boolean;
  notifyId?: string;
  notifyName?: string;
  /** Where the rule lives, no credential: `opsgenie <host>` or `<jsm|compass> <host> <cloudId>`. */
  target?: string;
}

export function normalizeCondition(c: { field: ConditionField; key?: string; not?: boolean; operation: ConditionOperation; expectedValue?: string; order?: number }): NCondition {
  const out: NCondition = { field: c.field, not: c.not ?? false, operation: c.operation, expectedValue: c.expectedValue ?? "", order: c.order ?? 0 };
  if (c.key !== undefined) out.key = c.key;
  return out;
}

export function normalizeTimeRestriction(tr: ParsedArgs["timeRestriction"]): NTimeRestriction | undefined {
  if (!tr) return undefined;
  if (tr.type === "time-of-day") {
    const r = tr.restriction!;
    return { type: "time-of-day", restriction: { startHour: r.startHour, startMin: r.startMin, endHour: r.endHour, endMin: r.endMin } };
  }
  return {
    type: "weekday-and-time-of-day",
    restrictions: (tr.restrictions ?? []).map((r) => ({
      startDay: r.startDay,
      startHour: r.startHour,
      startMin: r.startMin,
      endDay: r.endDay,
      endHour: r.endHour,
      endMin: r.endMin,
    })),
  };
}

export function normalize(a: ParsedArgs): NormalizedArgs {
  const type = a.criteria?.type ?? "match-all";
  const n: NormalizedArgs = {
    name: a.name,
    criteria: { type, conditions: type === "match-all" ? [] : (a.criteria?.conditions ?? []).map(normalizeCondition) },
    notify: a.notify.type === "none" ? { type: "none" } : a.notify.id !== undefined ? { type: a.notify.type, id: a.notify.id } : { type: a.notify.type, name: a.notify.name },
    adoptExisting: a.adoptExisting ?? false,
  };
  if (a.adoptRuleId !== undefined) n.adoptRuleId = a.adoptRuleId;
  if (a.teamId !== undefined) n.teamId = a.teamId;
  if (a.teamName !== undefined) n.teamName = a.teamName;
  if (a.order !== undefined) n.order = a.order;
  if (a.account !== undefined && a.account !== "default") n.account = a.account;
  if (a.timezone !== undefined) n.timezone = a.timezone;
  const tr = normalizeTimeRestriction(a.timeRestriction);
  if (tr) n.timeRestriction = tr;
  return n;
}


/** The team differs: by id when the new inputs give one, by name otherwise (a switch between the two can't be resolved purely). */
export function teamChanged(olds: Partial<TeamRoutingRuleOutputs>, n: NormalizedArgs): boolean {
  if (n.teamId !== undefined) return olds.teamId !== n.teamId;
  return olds.teamName === undefined || olds.teamName !== n.teamName;
}

export function notifyChanged(olds: Partial<TeamRoutingRuleOutputs>, n: NormalizedArgs): boolean {
  const o = olds.notify;
  if (!o || o.type !== n.notify.type) return true;
  if (n.notify.type === "none") return false;
  if (n.notify.id !== undefined) return (olds.notifyId ?? o.id) !== n.notify.id;
  return (olds.notifyName ?? o.name) !== n.notify.name;
}

/**
 * A time restriction being removed. Opsgenie's spec accepts only an object for
 * `timeRestriction` (no null, no documented way to clear it), so this is a replace.
 */
export function timeRestrictionRemoved(olds: Partial<TeamRoutingRuleOutputs>, n: NormalizedArgs): boolean {
  return olds.timeRestriction !== undefined && olds.timeRestriction !== null && n.timeRestriction === undefined;
}

/** Changes PATCH carries (everything but team and order). */
export function contentChanged(olds: Partial<TeamRoutingRuleOutputs>, n: NormalizedArgs): string[] {
  const out: string[] = [];
  if (olds.name !== n.name) out.push("name");
  if (n.timezone !== undefined && olds.timezone !== n.timezone) out.push("timezone");
  if (!sameJson(olds.criteria ?? { type: "match-all", conditions: [] }, n.criteria)) out.push("criteria");
  if (!sameJson(olds.timeRestriction, n.timeRestriction)) out.push("timeRestriction");
  if (notifyChanged(olds, n)) out.push("notify");
  return out;
}

/** An `order` that is declared and differs from the stored one. Undeclared = not managed. */
export function orderChanged(olds: Partial<TeamRoutingRuleOutputs>, n: NormalizedArgs): boolean {
  return n.order !== undefined && olds.order !== n.order;
}

/**
 * The rule's account now resolves to another place than the one it was created in
 * (a platform switch, e.g. Opsgenie -> JSM after Atlassian migrated the team). `now`
 * comes from the config (undefined: unknown, no change); `same` compares two targets.
 * State from before targets were recorded was made on Opsgenie (`legacy`).
 */
export function targetChanged(
  olds: Partial<TeamRoutingRuleOutputs>,
  now: string | undefined,
  same: (a: string, b: string) => boolean = (a, b) => a === b,
  legacy = "opsgenie",
): boolean {
  return olds.ruleId !== undefined && now !== undefined && !same(olds.target ?? legacy, now);
}

/**
 * `target`: what the rule's account resolves to now (see targetChanged). A new target
 * is a replace, create before delete: create adopts the migrated rule there (with
 * `adoptExisting`), and delete leaves the old platform's rule alone.
 */
export function diffNormalized(
  olds: Partial<TeamRoutingRuleOutputs>,
  n: NormalizedArgs,
  target?: { now: string | undefined; same?: (a: string, b: string) => boolean; legacy?: string },
): DiffResult {
  if (target && targetChanged(olds, target.now, target.same, target.legacy)) return { changes: true, replaces: ["account"] };
  if (teamChanged(olds, n)) {
    // Same name in the (maybe same) team would collide with the create-first default.
    return { changes: true, replaces: [n.teamId !== undefined ? "teamId" : "teamName"], deleteBeforeReplace: true };
  }
  // Create-before-delete: the new rule is placed right above the old one, so alerts always match one of them.
  if (timeRestrictionRemoved(olds, n)) return { changes: true, replaces: ["timeRestriction"] };
  const accountRenamed = (olds.account ?? "default") !== (n.account ?? "default");
  return { changes: contentChanged(olds, n).length > 0 || orderChanged(olds, n) || accountRenamed, replaces: [] };
}

/**
 * The inputs a user declares for these outputs (what read hands the engine): the team
 * as it was given (`teamName` stays `teamName`; the resolved `teamId` is an output),
 * no server fields (ruleId, isDefault, notifyId, notifyName; timezone, which the server
 * fills in when none is declared), defaults left out (`not`
 * false, an empty expectedValue, condition orders when all are 0, adoptExisting false),
 * and `target`, where the account resolved to (check adds it, so that a replace caused
 * by config names it). Accepts partial outputs of older versions.
 */
export function toInputs(o: Partial<TeamRoutingRuleOutputs>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (o.teamName !== undefined) out.teamName = o.teamName;
  else out.teamId = o.teamId;
  out.name = o.name;
  // adoptExisting: the shape `alert-routing export` writes (timezone and every order spelled out).
  const exported = o.adoptExisting === true;
  if (o.order !== undefined && !o.isDefault) out.order = o.order;
  if (exported && o.timezone !== undefined) out.timezone = o.timezone;
  if (o.criteria) {
    const conditions = o.criteria.conditions ?? [];
    const ordered = exported || conditions.some((c) => (c.order ?? 0) !== 0);
    const criteria: Record<string, unknown> = { type: o.criteria.type };
    if (o.criteria.type !== "match-all" || conditions.length)
      criteria.conditions = conditions.map((c) => {
        const x: Record<string, unknown> = { field: c.field };
        if (c.key !== undefined) x.key = c.key;
        if (c.not) x.not = true;
        x.operation = c.operation;
        if (c.expectedValue !== undefined && c.expectedValue !== "") x.expectedValue = c.expectedValue;
        if (ordered) x.order = c.order ?? 0;
        return x;
      });
    out.criteria = criteria;
  }
  if (o.timeRestriction) out.timeRestriction = o.timeRestriction;
  if (o.notify) out.notify = o.notify.type === "none" ? { type: "none" } : o.notify.id !== undefined ? { type: o.notify.type, id: o.notify.id } : { type: o.notify.type, name: o.notify.name };
  if (o.adoptExisting) out.adoptExisting = true;
  if (o.account !== undefined) out.account = o.account;
  if (o.target !== undefined) out.target = o.target;
  return out;
}
