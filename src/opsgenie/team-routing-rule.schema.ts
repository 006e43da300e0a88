import { z } from "zod";
import { VendorError } from "../core/errors";
import { isTimeZone } from "../core/timezones";
import { javaRegexError } from "./regex";

/** The resource's identity: `pulumi-nodejs:dynamic/opsgenie:TeamRoutingRule`; its shim key is `resourceKey(IDENTITY)`. */
export const IDENTITY = { module: "opsgenie", type: "TeamRoutingRule" } as const;

// Single source of truth for TeamRoutingRule inputs. Field/operation rules follow
// the Opsgenie Team Routing Rule page; where it is silent see NOTES.md.

export const FIELDS = [
  "message",
  "alias",
  "description",
  "source",
  "entity",
  "tags",
  "actions",
  "extra-properties",
  "recipients",
  "teams",
  "priority",
  "details",
  "responders",
] as const;
export type ConditionField = (typeof FIELDS)[number];

export const OPERATIONS = [
  "matches",
  "contains",
  "starts-with",
  "ends-with",
  "equals",
  "contains-key",
  "contains-value",
  "greater-than",
  "less-than",
  "is-empty",
  "equals-ignore-whitespace",
] as const;
export type ConditionOperation = (typeof OPERATIONS)[number];

export type FieldType = "String" | "List" | "Map" | "Number" | "Boolean";

/** Operations per field type, as the docs list them. */
export const OPERATIONS_BY_TYPE: Record<FieldType, readonly ConditionOperation[]> = {
  String: ["contains", "equals", "starts-with", "ends-with", "matches", "is-empty", "equals-ignore-whitespace"],
  List: ["contains", "is-empty"],
  Map: ["contains", "contains-key", "contains-value", "is-empty"],
  Number: ["matches", "equals", "greater-than", "less-than"],
  Boolean: ["equals"],
};

/** The docs do not map fields to types; this is the assumption (NOTES.md). */
export const FIELD_TYPES: Record<ConditionField, FieldType> = {
  message: "String",
  alias: "String",
  description: "String",
  source: "String",
  entity: "String",
  tags: "List",
  actions: "List",
  recipients: "List",
  teams: "List",
  responders: "List",
  "extra-properties": "Map",
  details: "Map",
  priority: "Number",
};

/** The type a condition compares: extra-properties with a `key` compares that key's (string) value. */
export function conditionType(field: ConditionField, key: string | undefined): FieldType {
  if (field === "extra-properties" && key !== undefined) return "String";
  return FIELD_TYPES[field];
}

export function operationsFor(field: ConditionField, key: string | undefined): readonly ConditionOperation[] {
  return OPERATIONS_BY_TYPE[conditionType(field, key)];
}

export const CRITERIA_TYPES = ["match-all", "match-any-condition", "match-all-conditions"] as const;
export const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export const NOTIFY_TYPES = ["schedule", "escalation", "none"] as const;
export const RESTRICTION_TYPES = ["time-of-day", "weekday-and-time-of-day"] as const;

/** A known IANA zone or link (`Asia/Kolkata`, `Etc/UTC`), spelled exactly as the tz database does. */
export function isIanaTimezone(tz: string): boolean {
  return isTimeZone(tz);
}

const oneOf = (values: readonly string[]) => ({ error: () => `must be one of ${values.join(", ")}` });
const hour = z.number({ error: "must be an hour 0..23" }).int("must be an hour 0..23").min(0, "must be an hour 0..23").max(23, "must be an hour 0..23");
// Opsgenie rounds minutes to the nearest 0 or 30 (opsgenie-facts.md): any other value would come back as drift.
const MINUTE_REASON = "must be 0 or 30: Opsgenie rounds time-restriction minutes to the nearest 0 or 30, so any other value would read back changed";
const minute = z.number({ error: MINUTE_REASON }).refine((m): boolean => m === 0 || m === 30, MINUTE_REASON);

/** Limits Opsgenie does not publish; generous guesses (NOTES.md). */
export const LIMITS = { ruleName: 512, teamName: 255, conditions: 100 } as const;
// Opsgenie ids are UUIDs; one that is not could change the request path (`..`, `/`).
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = (what: string) => z.string({ error: `must be the ${what}'s id (a UUID)` }).regex(UUID_RE, `must be the ${what}'s id, a UUID such as 3f1c2b4a-9d8e-4f7a-a6b5-1c2d3e4f5a6b`);
const notBlank = (what: string, max: number) =>
  z
    .string({ error: `must be a string: the ${what}` })
    .refine((s) => s.trim().length > 0, `must not be empty or only whitespace (the ${what})`)
    .refine((s) => s.length <= max, `must be at most ${max} characters (the ${what})`);
// A team name goes into the request path (`/v2/teams/<name>?identifierType=name`).
const teamNameSchema = notBlank("team's name", LIMITS.teamName)
  .refine((s) => !s.includes("/"), "must not contain '/': the name goes into the request path")
  .refine((s) => s !== "." && s !== "..", "must not be '.' or '..': the name goes into the request path");

const conditionSchema = z.strictObject({
  field: z.enum(FIELDS, oneOf(FIELDS)),
  key: z.string().min(1, "must not be empty").optional(),
  not: z.boolean().optional(),
  operation: z.enum(OPERATIONS, oneOf(OPERATIONS)),
  expectedValue: z.string().optional(),
  order: z.number().int().min(0, "must be 0 or more").optional(),
});

const criteriaSchema = z.strictObject({
  type: z.enum(CRITERIA_TYPES, oneOf(CRITERIA_TYPES)),
  conditions: z.array(conditionSchema).max(LIMITS.conditions, `at most ${LIMITS.conditions} conditions are allowed`).optional(),
});

const timeOfDaySchema = z.strictObject({ startHour: hour, startMin: minute, endHour: hour, endMin: minute });
const weekdaySchema = z.strictObject({
  startDay: z.enum(DAYS, oneOf(DAYS)),
  startHour: hour,
  startMin: minute,
  endDay: z.enum(DAYS, oneOf(DAYS)),
  endHour: hour,
  endMin: minute,
});

const timeRestrictionSchema = z.strictObject({
  type: z.enum(RESTRICTION_TYPES, oneOf(RESTRICTION_TYPES)),
  restriction: timeOfDaySchema.optional(),
  restrictions: z.array(weekdaySchema).optional(),
});

const notifySchema = z.strictObject({
  type: z.enum(NOTIFY_TYPES, oneOf(NOTIFY_TYPES)),
  id: uuid("schedule or escalation").optional(),
  name: notBlank("schedule's or escalation's name", LIMITS.teamName).optional(),
});

const inputShape = {
  teamId: uuid("team").optional(),
  teamName: teamNameSchema.optional(),
  name: z
    .string({ error: "is required: the rule's name (its natural key within the team)" })
    .refine((s) => s.trim().length > 0, "must not be empty or only whitespace: the name is the rule's natural key within the team")
    .refine((s) => s.length <= LIMITS.ruleName, `must be at most ${LIMITS.ruleName} characters`),
  order: z.number({ error: "must be an integer index (0 = first)" }).int("must be an integer index (0 = first)").min(0, "must be 0 or more").optional(),
  timezone: z.string().optional(),
  criteria: criteriaSchema.optional(),
  timeRestriction: timeRestrictionSchema.optional(),
  notify: notifySchema,
  adoptExisting: z.boolean().optional(),
  // Goes into no path (compared with the team's list), but kept to the shape rule ids have.
  adoptRuleId: z
    .string({ error: "must be the id of one of the team's routing rules (a string)" })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, "must be the id of one of the team's routing rules, e.g. 3f1c2b4a-9d8e-4f7a-a6b5-1c2d3e4f5a6b")
    .optional(),
  account: z
    .string({ error: "must be an account name (a key of opsgenie:accounts), e.g. \"default\"" })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, "must be an account name: letters, digits, '_' and '-' (a key of opsgenie:accounts)")
    .optional(),
};

/** Output-only keys: the engine may hand them back in inputs (as undefined/outputs); tolerated, ignored. */
export const OUTPUT_KEYS = ["ruleId", "isDefault", "notifyId", "notifyName", "teamId", "timezone", "order", "target"] as const;
const outputShape = {
  target: z.unknown().optional(),
  ruleId: z.unknown().optional(),
  isDefault: z.unknown().optional(),
  notifyId: z.unknown().optional(),
  notifyName: z.unknown().optional(),
};

type Ctx = z.RefinementCtx;

function refineArgs(a: z.infer<z.ZodObject<typeof inputShape>>, ctx: Ctx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (a.teamId === undefined && a.teamName === undefined) issue(["teamId"], "give teamId or teamName");
  if (a.teamId !== undefined && a.teamName !== undefined) issue(["teamName"], "give teamId or teamName, not both");
  if (a.timezone !== undefined && !isIanaTimezone(a.timezone)) issue(["timezone"], `"${a.timezone}" is not a known IANA timezone (e.g. "America/Los_Angeles")`);

  const c = a.criteria;
  if (c) {
    if (c.type === "match-all") {
      if (c.conditions?.length) issue(["criteria", "conditions"], "must be empty with criteria type match-all (match-all ignores conditions)");
    } else if (!c.conditions?.length) {
      issue(["criteria", "conditions"], `at least one condition is required with criteria type ${c.type}`);
    }
    c.conditions?.forEach((cond, i) => {
      if (cond.key !== undefined && cond.field !== "extra-properties") issue(["criteria", "conditions", i, "key"], `is only allowed with field extra-properties (field is ${cond.field})`);
      const ops = operationsFor(cond.field, cond.key);
      if (!ops.includes(cond.operation)) {
        const t = conditionType(cond.field, cond.key);
        issue(["criteria", "conditions", i, "operation"], `${cond.operation} is not valid for field ${cond.field} (${t}); use one of ${ops.join(", ")}`);
      }
      if (cond.operation === "matches") {
        const why = javaRegexError(cond.expectedValue ?? "");
        if (why) issue(["criteria", "conditions", i, "expectedValue"], `is not a valid regular expression (Opsgenie's matches takes Java syntax and matches the whole value): ${why}`);
      }
    });
  }

  const tr = a.timeRestriction;
  if (tr) {
    if (tr.type === "time-of-day") {
      if (!tr.restriction) issue(["timeRestriction", "restriction"], "is required with type time-of-day");
      if (tr.restrictions !== undefined) issue(["timeRestriction", "restrictions"], "is only for type weekday-and-time-of-day; use restriction");
    } else {
      if (!tr.restrictions?.length) issue(["timeRestriction", "restrictions"], "1 to 15 restrictions are required with type weekday-and-time-of-day");
      else if (tr.restrictions.length > 15) issue(["timeRestriction", "restrictions"], "at most 15 restrictions are allowed");
      if (tr.restriction !== undefined) issue(["timeRestriction", "restriction"], "is only for type time-of-day; use restrictions");
    }
  }

  const n = a.notify;
  if (n.type === "none") {
    if (n.id !== undefined || n.name !== undefined) issue(["notify"], "type none takes neither id nor name");
  } else if (n.id === undefined && n.name === undefined) {
    issue(["notify"], `type ${n.type} needs the ${n.type}'s id or name`);
  } else if (n.id !== undefined && n.name !== undefined) {
    issue(["notify"], "give id or name, not both");
  }
}

/** What users write. */
export const argsSchema = z.strictObject(inputShape);
export type TeamRoutingRuleArgs = z.input<typeof argsSchema>;
export type ParsedArgs = z.infer<typeof argsSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type TimeOfDay = z.infer<typeof timeOfDaySchema>;
export type WeekdayRestriction = z.infer<typeof weekdaySchema>;

/** What check validates: the args, output keys tolerated, cross-field rules with property paths. */
export const checkSchema = z.strictObject({ ...inputShape, ...outputShape }).superRefine((a, ctx) => refineArgs(a, ctx));

/**
 * Parses raw inputs into args; throws with property paths on bad input. For tools and
 * tests: the provider gets its inputs parsed by the kit (`checkSchema`), once.
 */
export function parseArgs(raw: unknown): ParsedArgs {
  const r = checkSchema.safeParse(raw);
  if (!r.success) {
    const fieldErrors = r.error.issues.map((i) => ({ field: i.path.map(String).join(".") || "(inputs)", message: i.message }));
    throw new VendorError({ vendor: IDENTITY.module, kind: "validation", message: `${IDENTITY.type}: invalid inputs`, fieldErrors });
  }
  const { ruleId: _r, isDefault: _d, notifyId: _ni, notifyName: _nn, target: _t, ...args } = r.data;
  return args;
}
