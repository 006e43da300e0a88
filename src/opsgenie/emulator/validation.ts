import { isTimeZone } from "../../core/timezones";
import type { EmuCondition, EmuEntity, EmuRule } from "./state";

// The Team Routing Rule API's rules as the emulator enforces them, written here from
// the docs (../shared/vendor-docs/opsgenie-*.md) and never taken from the provider:
// a wrong table on one side must fail a test, not pass on both.

// Sentences of the docs page, verbatim; the tables below are read from them.
const DOCS_FIELDS =
  "message, alias, description, source, entity, tags, actions, extra-properties, recipients, teams or priority";
const DOCS_OPERATIONS =
  "matches, contains, starts-with, ends-with, equals, contains-key, contains-value, greater-than, less-than, is-empty and equals-ignore-whitespace";
const DOCS_OPERATIONS_BY_TYPE =
  "String Operations: contains , equals , starts-with , ends-with , matches , is-empty , equals-ignore-whitespace " +
  "List Operations: contains , is-empty Map Operations: contains , contains-key , contains-value ,is-empty " +
  "Number Operations: matches , equals , greater-than , less-than * Boolean Operations: equals";

const words = (sentence: string) => sentence.split(/,| and | or /).map((w) => w.trim()).filter(Boolean);

/** Condition fields: the docs page's, plus `details` and `responders` from the OpenAPI spec. */
export const CONDITION_FIELDS: readonly string[] = [...words(DOCS_FIELDS), "details", "responders"];
export const CONDITION_OPERATIONS: readonly string[] = words(DOCS_OPERATIONS);

export type EmuFieldType = "String" | "List" | "Map" | "Number" | "Boolean";
/** "Available operations changes according to the fields type". */
export const OPERATIONS_OF_TYPE: Readonly<Record<EmuFieldType, readonly string[]>> = (() => {
  const table: Record<EmuFieldType, readonly string[]> = { String: [], List: [], Map: [], Number: [], Boolean: [] };
  for (const [, type, ops] of DOCS_OPERATIONS_BY_TYPE.matchAll(/(String|List|Map|Number|Boolean) Operations: ([^A-Z*]+)/g)) table[type as EmuFieldType] = words(ops);
  return table;
})();

/** The docs name no field's type: the assumption of NOTES.md, as the emulator's own table. */
const TYPE_OF_FIELD: Record<string, EmuFieldType> = Object.fromEntries([
  ...["message", "alias", "description", "source", "entity"].map((f) => [f, "String"] as const),
  ...["tags", "actions", "recipients", "teams", "responders"].map((f) => [f, "List"] as const),
  ...["extra-properties", "details"].map((f) => [f, "Map"] as const),
  ["priority", "Number"] as const,
]);

export const CRITERIA = ["match-all", "match-any-condition", "match-all-conditions"] as const;
export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export const NOTIFY_TARGETS = ["schedule", "escalation", "none"] as const;
export const RESTRICTION_KINDS = ["time-of-day", "weekday-and-time-of-day"] as const;
/** A weekday-and-time-of-day restriction holds 1 to 15 intervals. */
export const MAX_WEEKDAY_RESTRICTIONS = 15;

/** The operations a condition may use: extra-properties with a `key` compares that key's (string) value. */
export function allowedOperations(field: string, key: string | undefined): readonly string[] {
  if (field === "extra-properties" && key !== undefined) return OPERATIONS_OF_TYPE.String;
  const type = TYPE_OF_FIELD[field];
  return type ? OPERATIONS_OF_TYPE[type] : [];
}

/** A supported locale id: Opsgenie takes IANA zones and their links, spelled exactly (tz database names). */
export function supportedTimezone(tz: string): boolean {
  return isTimeZone(tz);
}

/** A 422: the field and what is wrong with it. */
export class Invalid extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

export const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
export const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const oneOf = (values: readonly string[], v: unknown): v is string => typeof v === "string" && values.includes(v);

function validCondition(c: unknown, at: string): EmuCondition {
  if (!isObj(c)) throw new Invalid(at, "should be an object");
  if (!oneOf(CONDITION_FIELDS, c.field)) throw new Invalid(`${at}.field`, `should be one of: ${CONDITION_FIELDS.join(", ")}`);
  if (!oneOf(CONDITION_OPERATIONS, c.operation)) throw new Invalid(`${at}.operation`, `should be one of: ${CONDITION_OPERATIONS.join(", ")}`);
  const key = c.key === undefined || c.key === null || c.key === "" ? undefined : c.key;
  if (key !== undefined && typeof key !== "string") throw new Invalid(`${at}.key`, "should be a string");
  if (key !== undefined && c.field !== "extra-properties") throw new Invalid(`${at}.key`, "can only be used with field extra-properties");
  if (!allowedOperations(c.field, key).includes(c.operation)) throw new Invalid(`${at}.operation`, `${c.operation} is not applicable for field ${c.field}`);
  if (c.not !== undefined && typeof c.not !== "boolean") throw new Invalid(`${at}.not`, "should be a boolean");
  if (c.expectedValue !== undefined && typeof c.expectedValue !== "string") throw new Invalid(`${at}.expectedValue`, "should be a string");
  if (c.order !== undefined && !isInt(c.order)) throw new Invalid(`${at}.order`, "should be an integer");
  // Reads return every condition with its defaults filled in.
  const out: EmuCondition = { field: c.field, not: c.not ?? false, operation: c.operation, expectedValue: c.expectedValue ?? "", order: c.order ?? 0 };
  if (key !== undefined) out.key = key;
  return out;
}

export function validCriteria(v: unknown): EmuRule["criteria"] {
  if (!isObj(v)) throw new Invalid("criteria", "should be an object");
  if (!oneOf(CRITERIA, v.type)) throw new Invalid("criteria.type", `should be one of: ${CRITERIA.join(", ")}`);
  // The API drops the conditions of match-all.
  if (v.type === "match-all") return { type: v.type };
  const conds = v.conditions;
  if (!Array.isArray(conds) || !conds.length) throw new Invalid("criteria.conditions", `should have at least one condition for ${v.type}`);
  return { type: v.type, conditions: conds.map((c, i) => validCondition(c, `criteria.conditions[${i}]`)) };
}

function validTimes(r: Record<string, unknown>, at: string, days: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (days) {
    for (const d of ["startDay", "endDay"]) {
      if (!oneOf(WEEKDAYS, r[d])) throw new Invalid(`${at}.${d}`, `should be one of: ${WEEKDAYS.join(", ")}`);
      out[d] = r[d];
    }
  } else if (r.startDay !== undefined || r.endDay !== undefined) throw new Invalid(at, "startDay/endDay are not supported for time-of-day");
  for (const [k, max] of [["startHour", 23], ["startMin", 59], ["endHour", 23], ["endMin", 59]] as const) {
    const v = r[k];
    if (!isInt(v) || v < 0 || v > max) throw new Invalid(`${at}.${k}`, `should be an integer between 0 and ${max}`);
    out[k] = v;
  }
  return out;
}

export function validTimeRestriction(v: unknown): Record<string, unknown> {
  if (!isObj(v)) throw new Invalid("timeRestriction", "should be an object");
  if (v.type === "time-of-day") {
    if (!isObj(v.restriction)) throw new Invalid("timeRestriction.restriction", "is required for time-of-day");
    return { type: "time-of-day", restriction: validTimes(v.restriction, "timeRestriction.restriction", false) };
  }
  if (v.type === "weekday-and-time-of-day") {
    const rs = v.restrictions;
    if (!Array.isArray(rs) || rs.length < 1 || rs.length > MAX_WEEKDAY_RESTRICTIONS)
      throw new Invalid("timeRestriction.restrictions", `should have 1 to ${MAX_WEEKDAY_RESTRICTIONS} restrictions`);
    const restrictions = rs.map((r, i) => {
      if (!isObj(r)) throw new Invalid(`timeRestriction.restrictions[${i}]`, "should be an object");
      return validTimes(r, `timeRestriction.restrictions[${i}]`, true);
    });
    return { type: "weekday-and-time-of-day", restrictions };
  }
  throw new Invalid("timeRestriction.type", `should be one of: ${RESTRICTION_KINDS.join(", ")}`);
}

/** Where notify targets are looked up. */
export interface NotifyTargets {
  schedules: ReadonlyMap<string, EmuEntity>;
  escalations: ReadonlyMap<string, EmuEntity>;
}

/** By id or name; stored by id. */
export function validNotify(v: unknown, targets: NotifyTargets): EmuRule["notify"] {
  if (!isObj(v)) throw new Invalid("notify", "should be an object");
  if (!oneOf(NOTIFY_TARGETS, v.type)) throw new Invalid("notify.type", `should be one of: ${NOTIFY_TARGETS.join(", ")}`);
  if (v.type === "none") return { type: "none" };
  const pool = v.type === "schedule" ? targets.schedules : targets.escalations;
  let e: EmuEntity | undefined;
  if (typeof v.id === "string" && v.id) e = pool.get(v.id);
  else if (typeof v.name === "string" && v.name) e = [...pool.values()].find((x) => x.name === v.name);
  else throw new Invalid("notify", `id or name of the ${v.type} is required`);
  if (!e) throw new Invalid("notify", `${v.type} [${(v.id ?? v.name) as string}] could not be found`);
  return { type: v.type, id: e.id };
}

export function validTimezone(v: unknown): string {
  if (typeof v !== "string" || !supportedTimezone(v)) throw new Invalid("timezone", `[${String(v)}] is not a supported timezone`);
  return v;
}

/** A create body: the new rule (without id) and its requested index. Only `notify` is required. */
export function validNewRule(b: Record<string, unknown>, ctx: NotifyTargets & { accountTimezone: string }): { rule: Omit<EmuRule, "id">; order?: number } {
  if (b.notify === undefined || b.notify === null) throw new Invalid("notify", "must not be null");
  if (b.name !== undefined && typeof b.name !== "string") throw new Invalid("name", "should be a string");
  if (b.order !== undefined && !isInt(b.order)) throw new Invalid("order", "should be an integer");
  const rule: Omit<EmuRule, "id"> = {
    name: b.name ?? "",
    isDefault: false,
    criteria: b.criteria === undefined ? { type: "match-all" } : validCriteria(b.criteria),
    timezone: b.timezone === undefined ? ctx.accountTimezone : validTimezone(b.timezone),
    notify: validNotify(b.notify, ctx),
  };
  // The spec's TimeRestrictionInterval is an object: null is not a value it allows.
  if (b.timeRestriction !== undefined) rule.timeRestriction = validTimeRestriction(b.timeRestriction);
  return { rule, order: b.order };
}

/**
 * A PATCH body: the fields it changes, all validated before anything is applied (a 422
 * changes nothing). `order` is ignored: only change-order moves rules.
 */
export function validPatch(b: Record<string, unknown>, r: EmuRule, targets: NotifyTargets): Partial<EmuRule> {
  const next: Partial<EmuRule> = {};
  if (b.name !== undefined) {
    if (typeof b.name !== "string") throw new Invalid("name", "should be a string");
    next.name = b.name;
  }
  if (b.criteria !== undefined) {
    next.criteria = validCriteria(b.criteria);
    if (r.isDefault && next.criteria.type !== "match-all") throw new Invalid("criteria", "of the default routing rule cannot be changed");
  }
  if (b.timezone !== undefined) next.timezone = validTimezone(b.timezone);
  if (b.notify !== undefined) next.notify = validNotify(b.notify, targets);
  // Only an object (the spec has no null here, and the docs no way to clear one).
  if (b.timeRestriction !== undefined) {
    if (r.isDefault) throw new Invalid("timeRestriction", "cannot be set on the default routing rule");
    next.timeRestriction = validTimeRestriction(b.timeRestriction);
  }
  return next;
}
