// THE one place that maps RootlyAlertRoute's camelCase shape to Rootly's JSON:API
// snake_case wire format and back.
import type { NormalCondition, NormalRoute, NormalRule } from "./alert-route.schema";

export const RESOURCE_TYPE = "alert_routes";

export interface WireCondition {
  id?: string;
  property_field_condition_type: string;
  property_field_type: string;
  property_field_name?: string | null;
  property_field_value?: string | null;
  property_field_values?: string[] | null;
  alert_urgency_ids?: string[] | null;
  conditionable_type?: string | null;
  conditionable_id?: string | null;
}

export interface WireConditionGroup {
  id?: string;
  position?: number | null;
  conditions: WireCondition[];
}

export interface WireDestination {
  id?: string;
  target_type: string;
  target_id: string;
}

export interface WireRule {
  id?: string;
  name: string;
  position?: number | null;
  fallback_rule?: boolean | null;
  destinations: WireDestination[];
  condition_groups: WireConditionGroup[];
}

export interface WireAttributes {
  name: string;
  enabled?: boolean;
  alerts_source_ids: string[];
  owning_team_ids?: string[] | null;
  rules?: WireRule[] | null;
  /** Client-made id of this write's rule processing (async_rule_creation_status/{request_id}). Sent, never returned. */
  request_id?: string;
  created_at?: string;
  updated_at?: string;
}

export interface WireResource {
  id: string;
  type: string;
  attributes: WireAttributes;
}

export interface WireDocument {
  data: WireResource;
}

/** `GET /v1/alert_routes/{id}/async_rule_creation_status/{request_id}`: plain JSON. */
export interface WireRuleStatus {
  status: "pending" | "success" | "error" | string;
  error?: string | null;
}

export interface WireList {
  data: WireResource[];
  links?: { next?: string | null };
  meta?: { current_page?: number; next_page?: number | null; total_pages?: number; total_count?: number };
}

function conditionToWire(c: NormalCondition): WireCondition {
  const w: WireCondition = { property_field_condition_type: c.propertyFieldConditionType, property_field_type: c.propertyFieldType };
  if (c.propertyFieldName !== undefined) w.property_field_name = c.propertyFieldName;
  if (c.propertyFieldValue !== undefined) w.property_field_value = c.propertyFieldValue;
  if (c.propertyFieldValues !== undefined) w.property_field_values = c.propertyFieldValues;
  if (c.alertUrgencyIds !== undefined) w.alert_urgency_ids = c.alertUrgencyIds;
  if (c.conditionableType !== undefined) w.conditionable_type = c.conditionableType;
  if (c.conditionableId !== undefined) w.conditionable_id = c.conditionableId;
  return w;
}

function ruleToWire(r: NormalRule): WireRule {
  return {
    name: r.name,
    position: r.position,
    fallback_rule: r.fallbackRule,
    destinations: r.destinations.map((d) => ({ target_type: d.targetType, target_id: d.targetId })),
    condition_groups: r.conditionGroups.map((g) => ({ position: g.position, conditions: g.conditions.map(conditionToWire) })),
  };
}

/**
 * The JSON:API document for POST and PUT: every managed attribute, so one call sets the
 * whole route, and the write's `request_id` for Rootly's asynchronous rule processing.
 */
export function routeToWire(route: NormalRoute, id?: string, requestId?: string): { data: { type: string; id?: string; attributes: WireAttributes } } {
  return {
    data: {
      type: RESOURCE_TYPE,
      ...(id ? { id } : {}),
      attributes: {
        name: route.name,
        enabled: route.enabled,
        alerts_source_ids: route.alertsSourceIds,
        owning_team_ids: route.owningTeamIds,
        rules: route.rules.map(ruleToWire),
        ...(requestId ? { request_id: requestId } : {}),
      },
    },
  };
}

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function conditionFromWire(w: WireCondition): NormalCondition {
  const c: NormalCondition = {
    propertyFieldConditionType: w.property_field_condition_type as NormalCondition["propertyFieldConditionType"],
    propertyFieldType: w.property_field_type as NormalCondition["propertyFieldType"],
  };
  const set = <K extends keyof NormalCondition>(k: K, v: NormalCondition[K] | null | undefined) => {
    if (v !== undefined && v !== null) c[k] = v;
  };
  set("propertyFieldName", w.property_field_name);
  set("propertyFieldValue", w.property_field_value);
  set("propertyFieldValues", w.property_field_values);
  set("alertUrgencyIds", w.alert_urgency_ids);
  set("conditionableType", w.conditionable_type as NormalCondition["conditionableType"] | null | undefined);
  set("conditionableId", w.conditionable_id);
  return c;
}

/**
 * A route as Rootly returns it, in the resource's shape (not yet normalized:
 * positions may be missing, sets unsorted). Nested ids and timestamps are dropped.
 */
export function routeFromWire(res: WireResource): { routeId: string; createdAt?: string; updatedAt?: string } & {
  name: string;
  enabled?: boolean;
  alertsSourceIds: string[];
  owningTeamIds: string[];
  rules: { name: string; position?: number; fallbackRule?: boolean; destinations: NormalRule["destinations"]; conditionGroups: { position?: number; conditions: NormalCondition[] }[] }[];
} {
  const a = res.attributes;
  return {
    routeId: String(res.id),
    name: a.name,
    enabled: opt(a.enabled),
    alertsSourceIds: a.alerts_source_ids ?? [],
    owningTeamIds: a.owning_team_ids ?? [],
    rules: (a.rules ?? []).map((r) => ({
      name: r.name,
      position: opt(r.position),
      fallbackRule: opt(r.fallback_rule),
      destinations: (r.destinations ?? []).map((d) => ({ targetType: d.target_type as NormalRule["destinations"][number]["targetType"], targetId: d.target_id })),
      conditionGroups: (r.condition_groups ?? []).map((g) => ({ position: opt(g.position), conditions: (g.conditions ?? []).map(conditionFromWire) })),
    })),
    createdAt: a.created_at,
    updatedAt: a.updated_at,
  };
}

const SNAKE_TO_CAMEL: Record<string, string> = {
  alerts_source_ids: "alertsSourceIds",
  owning_team_ids: "owningTeamIds",
  fallback_rule: "fallbackRule",
  condition_groups: "conditionGroups",
  target_type: "targetType",
  target_id: "targetId",
  property_field_condition_type: "propertyFieldConditionType",
  property_field_type: "propertyFieldType",
  property_field_name: "propertyFieldName",
  property_field_value: "propertyFieldValue",
  property_field_values: "propertyFieldValues",
  alert_urgency_ids: "alertUrgencyIds",
  conditionable_type: "conditionableType",
  conditionable_id: "conditionableId",
};

/** `/data/attributes/rules/1/condition_groups/0` -> `rules[1].conditionGroups[0]` (the property path users wrote). */
export function pointerToPath(pointer: string): string {
  const segs = pointer.replace(/^\/?data\/attributes\/?/, "").split("/").filter(Boolean);
  if (!segs.length) return pointer.startsWith("/data") ? "(route)" : pointer;
  let out = "";
  for (const s of segs) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else {
      const name = SNAKE_TO_CAMEL[s] ?? s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
      out += out ? `.${name}` : name;
    }
  }
  return out;
}
