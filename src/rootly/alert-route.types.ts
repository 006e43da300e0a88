// The public types of RootlyAlertRoute, written by hand. The zod schema
// (alert-route.schema.ts) and the state the provider returns are checked against
// them at compile time (alert-route.types-check.ts).

/** How a condition compares (Rootly's `property_field_condition_type`). */
export type RootlyConditionType = "is_one_of" | "is_not_one_of" | "contains" | "does_not_contain" | "starts_with" | "ends_with" | "matches_regex" | "is_empty";

/** What a condition reads (Rootly's `property_field_type`). */
export type RootlyPropertyFieldType = "attribute" | "payload" | "alert_field";

/** What a destination is (Rootly's `target_type`). */
export type RootlyTargetType = "Service" | "Group" | "Functionality" | "EscalationPolicy";

/** One condition of a condition group (an item of Rootly's `conditions`). */
export interface RootlyAlertRouteCondition {
  /** The comparison (`property_field_condition_type`), e.g. `"is_one_of"`. */
  propertyFieldConditionType: RootlyConditionType;
  /** What is read (`property_field_type`): an alert attribute, the payload, or an alert field. */
  propertyFieldType: RootlyPropertyFieldType;
  /** The attribute or payload path (`property_field_name`), e.g. `"service"`; required for `attribute` and `payload`. At most 255 characters. */
  propertyFieldName?: string;
  /** One value (`property_field_value`) for `contains`, `does_not_contain`, `starts_with`, `ends_with`, `matches_regex` (a Ruby regex). At most 4,096 characters. */
  propertyFieldValue?: string;
  /** The values (`property_field_values`) for `is_one_of` and `is_not_one_of`, e.g. `["payments-api"]`. At most 500. */
  propertyFieldValues?: string[];
  /** Alert urgency ids, lower-case UUIDs (`alert_urgency_ids`), for `is_one_of` and `is_not_one_of`. At most 500. */
  alertUrgencyIds?: string[];
  /** `"AlertField"` (`conditionable_type`), with `conditionableId`. */
  conditionableType?: "AlertField";
  /** The alert field's id, a lower-case UUID (`conditionable_id`); required for `alert_field`. */
  conditionableId?: string;
}

/** Conditions that must all hold (an item of Rootly's `condition_groups`). */
export interface RootlyAlertRouteConditionGroup {
  /** The group's position (`position`), an integer >= 0, unique within the rule. Default: its place in the list, from 1. */
  position?: number;
  /** 1 to 50 conditions (`conditions`). */
  conditions: RootlyAlertRouteCondition[];
}

/** Where a rule sends alerts (an item of Rootly's `destinations`). */
export interface RootlyAlertRouteDestination {
  /** The kind of target (`target_type`), e.g. `"EscalationPolicy"`. */
  targetType: RootlyTargetType;
  /** The target's id, a lower-case UUID (`target_id`). */
  targetId: string;
}

/** A rule of the route (an item of Rootly's `rules`); the first match wins. */
export interface RootlyAlertRouteRule {
  /** The rule's name (`name`). Not blank, at most 255 characters. */
  name: string;
  /** The rule's position (`position`), an integer >= 0, unique within the route. Default: its place in the list, from 1. */
  position?: number;
  /** The rule for alerts no other rule matched (`fallback_rule`); at most one per route. Default `false`. */
  fallbackRule?: boolean;
  /** 1 to 50 destinations (`destinations`). */
  destinations: RootlyAlertRouteDestination[];
  /** Up to 50 condition groups (`condition_groups`); the rule matches when any group does. Default `[]`. */
  conditionGroups?: RootlyAlertRouteConditionGroup[];
}

/** The arguments of {@link RootlyAlertRoute}. Ids are UUIDs in lower case (Rootly refuses upper case). */
export interface RootlyAlertRouteArgs {
  /** The route's name (`name`), also its natural key for `adoptExisting`. Not blank, at most 255 characters. */
  name: string;
  /** Whether the route takes alerts (`enabled`). Default `true`. */
  enabled?: boolean;
  /** Alert sources whose alerts this route handles (`alerts_source_ids`): 1 to 500 ids. */
  alertsSourceIds: string[];
  /** Owning teams (`owning_team_ids`): up to 500 ids. Default `[]`. */
  owningTeamIds?: string[];
  /** Rules, first match wins (`rules`): up to 500. Default `[]`. */
  rules?: RootlyAlertRouteRule[];
  /** Take over a route with the same name instead of failing. Default `false`. */
  adoptExisting?: boolean;
}

/** A condition as stored in the outputs: value lists sorted, empty lists dropped. */
export type RootlyAlertRouteConditionOutput = RootlyAlertRouteCondition;

/** A condition group as stored in the outputs. */
export interface RootlyAlertRouteConditionGroupOutput {
  /** The group's position (`position`), filled in. */
  position: number;
  /** The conditions (`conditions`), in declared order. */
  conditions: RootlyAlertRouteConditionOutput[];
}

/** A rule as stored in the outputs: defaults filled in, destinations sorted. */
export interface RootlyAlertRouteRuleOutput {
  /** The rule's name (`name`). */
  name: string;
  /** The rule's position (`position`), filled in. */
  position: number;
  /** Whether this is the fallback rule (`fallback_rule`). */
  fallbackRule: boolean;
  /** The destinations (`destinations`), sorted. */
  destinations: RootlyAlertRouteDestination[];
  /** The condition groups (`condition_groups`), sorted by position; `[]` when none. */
  conditionGroups: RootlyAlertRouteConditionGroupOutput[];
}

/** The outputs of {@link RootlyAlertRoute}: the normalized inputs plus the server's fields. */
export interface RootlyAlertRouteOutputs {
  /** The route's name (`name`). */
  name: string;
  /** Whether the route takes alerts (`enabled`). */
  enabled: boolean;
  /** Alert source ids (`alerts_source_ids`), sorted. */
  alertsSourceIds: string[];
  /** Owning team ids (`owning_team_ids`), sorted; `[]` when none. */
  owningTeamIds: string[];
  /** The rules (`rules`), normalized and sorted by position. */
  rules: RootlyAlertRouteRuleOutput[];
  /** Whether the route was declared with `adoptExisting`. */
  adoptExisting: boolean;
  /** The route's id (Rootly's `id`), also the resource id. */
  routeId: string;
  /** When Rootly created the route (`created_at`), as Rootly returns it, e.g. `"2026-01-31T12:00:00.000-08:00"`. */
  createdAt?: string;
  /** When Rootly last changed the route (`updated_at`), as Rootly returns it. */
  updatedAt?: string;
}
