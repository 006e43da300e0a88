import { z } from "zod";
import { rubyRegexError } from "./regex";

// The single source of truth for RootlyAlertRoute inputs. Enums follow Rootly's
// published swagger for PUT /v1/alert_routes/{id}.

/** The resource's type, `pulumi-nodejs:dynamic/rootly:AlertRoute`; its shim key is `resourceKey(IDENTITY)`. */
export const IDENTITY = { module: "rootly", type: "AlertRoute" } as const;

export const CONDITION_TYPES = [
  "is_one_of",
  "is_not_one_of",
  "contains",
  "does_not_contain",
  "starts_with",
  "ends_with",
  "matches_regex",
  "is_empty",
] as const;
export const FIELD_TYPES = ["attribute", "payload", "alert_field"] as const;
export const TARGET_TYPES = ["Service", "Group", "Functionality", "EscalationPolicy"] as const;

export const OUTPUT_KEYS = ["routeId", "createdAt", "updatedAt"] as const;

/** Condition types that compare against a list (`propertyFieldValues` / `alertUrgencyIds`). */
const LIST_TYPES = new Set<string>(["is_one_of", "is_not_one_of"]);
/** Condition types that compare against one string (`propertyFieldValue`). */
const SINGLE_TYPES = new Set<string>(["contains", "does_not_contain", "starts_with", "ends_with", "matches_regex"]);

/**
 * Limits Rootly does not publish (see NOTES.md): generous, so that no real route
 * hits them, but they stop a runaway input before it becomes an opaque HTTP 431/413.
 */
export const LIMITS = {
  /** Route, rule and property field names (route names also travel in the lookup's query string). */
  nameLength: 255,
  /** One compared value (propertyFieldValue, each of propertyFieldValues). */
  valueLength: 4096,
  rules: 500,
  conditionGroups: 50,
  conditions: 50,
  destinations: 50,
  /** alertsSourceIds, owningTeamIds, propertyFieldValues, alertUrgencyIds. */
  listItems: 500,
} as const;

const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ANY_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Rootly compares ids as written and answers 422 for upper-case ones; refusing them (rather
// than lower-casing) keeps the inputs, the state and the wire identical.
const uuid = (what: string) =>
  z.string({ error: `${what} must be a UUID` }).superRefine((v, ctx) => {
    if (LOWER_UUID.test(v)) return;
    ctx.addIssue({
      code: "custom",
      message: ANY_UUID.test(v) ? `${what} must be written in lower case, as Rootly shows it ("${v.toLowerCase()}"): Rootly refuses upper-case ids` : `${what} must be a UUID`,
    });
  });
/** A name: not blank, at most LIMITS.nameLength characters. */
const name = () =>
  z
    .string({ error: "must be a string" })
    .refine((v) => v.trim().length > 0, { error: "must not be empty or only whitespace" })
    .refine((v) => v.length <= LIMITS.nameLength, { error: `must be at most ${LIMITS.nameLength} characters` });
const value = () => z.string({ error: "must be a string" }).max(LIMITS.valueLength, { error: `must be at most ${LIMITS.valueLength} characters` });
const list = <T extends z.ZodType>(item: T, what: string, max: number = LIMITS.listItems) => z.array(item).max(max, { error: `at most ${max} ${what}` });
const oneOf = (values: readonly string[]) => ({ error: `must be one of ${values.map((v) => `"${v}"`).join(", ")}` });
const position = z.number({ error: "must be an integer" }).int({ error: "must be an integer" }).min(0, { error: "must be 0 or more" });

export const conditionSchema = z
  .strictObject({
    propertyFieldConditionType: z.enum(CONDITION_TYPES, oneOf(CONDITION_TYPES)),
    propertyFieldType: z.enum(FIELD_TYPES, oneOf(FIELD_TYPES)),
    propertyFieldName: name().optional(),
    propertyFieldValue: value().optional(),
    propertyFieldValues: list(value(), "values").optional(),
    alertUrgencyIds: list(uuid("an alert urgency id"), "alert urgency ids").optional(),
    conditionableType: z.enum(["AlertField"], oneOf(["AlertField"])).optional(),
    conditionableId: uuid("conditionableId").optional(),
  })
  .superRefine((c, ctx) => {
    const t = c.propertyFieldConditionType;
    const hasList = (c.propertyFieldValues?.length ?? 0) > 0 || (c.alertUrgencyIds?.length ?? 0) > 0;
    if (LIST_TYPES.has(t)) {
      if (!hasList) ctx.addIssue({ code: "custom", path: ["propertyFieldValues"], message: `"${t}" needs propertyFieldValues (or alertUrgencyIds) with at least one value` });
      if (c.propertyFieldValue !== undefined) ctx.addIssue({ code: "custom", path: ["propertyFieldValue"], message: `"${t}" compares against a list: use propertyFieldValues, not propertyFieldValue` });
    } else if (SINGLE_TYPES.has(t)) {
      if (c.propertyFieldValue === undefined || c.propertyFieldValue === "")
        ctx.addIssue({ code: "custom", path: ["propertyFieldValue"], message: `"${t}" needs a non-empty propertyFieldValue` });
      if (hasList) ctx.addIssue({ code: "custom", path: ["propertyFieldValues"], message: `"${t}" compares against one value: use propertyFieldValue, not propertyFieldValues/alertUrgencyIds` });
    } else if (t === "is_empty") {
      if (c.propertyFieldValue !== undefined || hasList)
        ctx.addIssue({ code: "custom", path: ["propertyFieldValue"], message: `"is_empty" takes no value: remove propertyFieldValue/propertyFieldValues/alertUrgencyIds` });
    }
    if (t === "matches_regex" && c.propertyFieldValue) {
      const why = rubyRegexError(c.propertyFieldValue);
      if (why) ctx.addIssue({ code: "custom", path: ["propertyFieldValue"], message: `is not a valid regular expression (Rootly uses Ruby syntax): ${why}` });
    }
    if (c.propertyFieldType === "alert_field") {
      if (!c.conditionableId) ctx.addIssue({ code: "custom", path: ["conditionableId"], message: `propertyFieldType "alert_field" needs conditionableId (the alert field's id)` });
    } else if (!c.propertyFieldName) {
      ctx.addIssue({ code: "custom", path: ["propertyFieldName"], message: `propertyFieldType "${c.propertyFieldType}" needs propertyFieldName` });
    }
  });

export const conditionGroupSchema = z.strictObject({
  /** Defaults to the group's place in the list, starting at 1. */
  position: position.optional(),
  conditions: list(conditionSchema, "conditions in a group", LIMITS.conditions).min(1, { error: "a condition group needs at least one condition" }),
});

export const destinationSchema = z.strictObject({
  targetType: z.enum(TARGET_TYPES, oneOf(TARGET_TYPES)),
  targetId: uuid("targetId"),
});

export const ruleSchema = z
  .strictObject({
    name: name(),
    /** Defaults to the rule's place in the list, starting at 1. */
    position: position.optional(),
    fallbackRule: z.boolean({ error: "must be true or false" }).optional(),
    destinations: list(destinationSchema, "destinations in a rule", LIMITS.destinations).min(1, { error: "a rule needs at least one destination" }),
    conditionGroups: list(conditionGroupSchema, "condition groups in a rule", LIMITS.conditionGroups).optional(),
  })
  .superRefine((r, ctx) => {
    uniquePositions(r.conditionGroups ?? [], ["conditionGroups"], "condition group", ctx);
  });

const routeObject = z
  .strictObject({
    name: name(),
    enabled: z.boolean({ error: "must be true or false" }).optional(),
    alertsSourceIds: list(uuid("an alerts source id"), "alerts source ids").min(1, { error: "a route needs at least one alerts source id" }),
    owningTeamIds: list(uuid("an owning team id"), "owning team ids").optional(),
    rules: list(ruleSchema, "rules in a route", LIMITS.rules).optional(),
    /** Take over a route with the same name instead of failing (see README: adopt path). */
    adoptExisting: z.boolean({ error: "must be true or false" }).optional(),
  })
  .superRefine((a, ctx) => {
    const rules = a.rules ?? [];
    uniquePositions(rules, ["rules"], "rule", ctx);
    const fallbacks = rules.map((r, i) => (r.fallbackRule ? i : -1)).filter((i) => i >= 0);
    for (const i of fallbacks.slice(1))
      ctx.addIssue({ code: "custom", path: ["rules", i, "fallbackRule"], message: `a route has at most one fallback rule; rules[${fallbacks[0]}] is already the fallback` });
  });

/** Positions default to list order, 1-based (Rootly's UI numbers rules from 1). */
export const defaultPosition = (index: number): number => index + 1;

/** Server fields may come back as inputs (refresh, import); they are never user input, so drop them before the strict check. */
function dropServerFields(v: unknown): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  for (const k of OUTPUT_KEYS) delete out[k];
  return out;
}

export const alertRouteSchema = z.preprocess(dropServerFields, routeObject);

function uniquePositions(items: { position?: number }[], at: (string | number)[], what: string, ctx: z.RefinementCtx): void {
  const seen = new Map<number, number>();
  items.forEach((it, i) => {
    const p = it.position ?? defaultPosition(i);
    const prev = seen.get(p);
    if (prev !== undefined)
      ctx.addIssue({
        code: "custom",
        path: [...at, i, "position"],
        message: `position ${p} is already used by ${at[at.length - 1]}[${prev}]${it.position === undefined ? " (an omitted position defaults to its place in the list, starting at 1)" : ""}; each ${what} needs a unique position`,
      });
    else seen.set(p, i);
  });
}

export type AlertRouteArgs = z.infer<typeof alertRouteSchema>;
export type AlertRouteRule = z.infer<typeof ruleSchema>;
export type AlertRouteCondition = z.infer<typeof conditionSchema>;

/** A condition with nullables dropped, as stored in state and compared in diff. */
export interface NormalCondition {
  propertyFieldConditionType: (typeof CONDITION_TYPES)[number];
  propertyFieldType: (typeof FIELD_TYPES)[number];
  propertyFieldName?: string;
  propertyFieldValue?: string;
  propertyFieldValues?: string[];
  alertUrgencyIds?: string[];
  conditionableType?: "AlertField";
  conditionableId?: string;
}

export interface NormalRule {
  name: string;
  position: number;
  fallbackRule: boolean;
  destinations: { targetType: (typeof TARGET_TYPES)[number]; targetId: string }[];
  conditionGroups: { position: number; conditions: NormalCondition[] }[];
}

/** The managed attributes in canonical form: defaults filled, positions set, sets sorted. */
export interface NormalRoute {
  name: string;
  enabled: boolean;
  alertsSourceIds: string[];
  owningTeamIds: string[];
  rules: NormalRule[];
}

/** Outputs: the normalized inputs plus server fields. */
export interface AlertRouteOutputs extends NormalRoute {
  adoptExisting: boolean;
  routeId: string;
  createdAt?: string;
  updatedAt?: string;
}

