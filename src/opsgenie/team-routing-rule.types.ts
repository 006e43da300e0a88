// The public types of OpsgenieTeamRoutingRule, written by hand. The zod schema
// (team-routing-rule.schema.ts) and the state the provider returns are checked
// against them at compile time (team-routing-rule.types-check.ts).

/** An alert field a condition tests (Opsgenie's `field`). */
export type OpsgenieConditionField =
  | "message"
  | "alias"
  | "description"
  | "source"
  | "entity"
  | "tags"
  | "actions"
  | "extra-properties"
  | "recipients"
  | "teams"
  | "priority"
  | "details"
  | "responders";

/** How a condition compares (Opsgenie's `operation`); it must suit the field's type (see the README). */
export type OpsgenieConditionOperation =
  | "matches"
  | "contains"
  | "starts-with"
  | "ends-with"
  | "equals"
  | "contains-key"
  | "contains-value"
  | "greater-than"
  | "less-than"
  | "is-empty"
  | "equals-ignore-whitespace";

/** How conditions combine (Opsgenie's `criteria.type`). */
export type OpsgenieCriteriaType = "match-all" | "match-any-condition" | "match-all-conditions";

/** A day of the week, lower case. */
export type OpsgenieWeekday = "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";

/** Where matching alerts go (Opsgenie's `notify.type`); `none` drops them. */
export type OpsgenieNotifyType = "schedule" | "escalation" | "none";

/** One condition of a rule's criteria (an item of Opsgenie's `criteria.conditions`). */
export interface OpsgenieCondition {
  /** The alert field to test (`field`), e.g. `"tags"`. */
  field: OpsgenieConditionField;
  /** The key of an `extra-properties` entry (`key`); allowed only with `field: "extra-properties"`. */
  key?: string;
  /** Negates the condition (`not`). Default `false`. */
  not?: boolean;
  /** The comparison (`operation`), e.g. `"contains"`; must suit the field's type. */
  operation: OpsgenieConditionOperation;
  /** The value compared with (`expectedValue`), e.g. `"database"`. Default `""`. */
  expectedValue?: string;
  /** The condition's order (`order`), 0 or more. Default `0`. */
  order?: number;
}

/** Which alerts the rule matches (Opsgenie's `criteria`). */
export interface OpsgenieCriteria {
  /** How conditions combine (`type`). `match-all` matches every alert and takes no conditions. */
  type: OpsgenieCriteriaType;
  /** The conditions (`conditions`): none with `match-all`, otherwise 1 to 100. Default `[]`. */
  conditions?: OpsgenieCondition[];
}

/** A daily window (Opsgenie's `restriction`), in the rule's `timezone`. */
export interface OpsgenieTimeOfDay {
  /** Start hour (`startHour`), 0 to 23. */
  startHour: number;
  /** Start minute (`startMin`): 0 or 30 only (Opsgenie rounds other minutes). */
  startMin: number;
  /** End hour (`endHour`), 0 to 23. */
  endHour: number;
  /** End minute (`endMin`): 0 or 30 only. */
  endMin: number;
}

/** A weekly window (an item of Opsgenie's `restrictions`), in the rule's `timezone`. */
export interface OpsgenieWeekdayRestriction {
  /** The day the window starts (`startDay`), e.g. `"monday"`. */
  startDay: OpsgenieWeekday;
  /** Start hour (`startHour`), 0 to 23. */
  startHour: number;
  /** Start minute (`startMin`): 0 or 30 only. */
  startMin: number;
  /** The day the window ends (`endDay`), e.g. `"friday"`. */
  endDay: OpsgenieWeekday;
  /** End hour (`endHour`), 0 to 23. */
  endHour: number;
  /** End minute (`endMin`): 0 or 30 only. */
  endMin: number;
}

/** When the rule applies (Opsgenie's `timeRestriction`). Removing it replaces the rule. */
export interface OpsgenieTimeRestriction {
  /** `time-of-day` (every day, `restriction`) or `weekday-and-time-of-day` (`restrictions`). */
  type: "time-of-day" | "weekday-and-time-of-day";
  /** The daily window (`restriction`); required with `time-of-day`, refused otherwise. */
  restriction?: OpsgenieTimeOfDay;
  /** 1 to 15 weekly windows (`restrictions`); required with `weekday-and-time-of-day`, refused otherwise. */
  restrictions?: OpsgenieWeekdayRestriction[];
}

/** Who is notified (Opsgenie's `notify`). */
export interface OpsgenieNotify {
  /** `schedule`, `escalation`, or `none` to drop the alert (`type`). */
  type: OpsgenieNotifyType;
  /** The schedule's or escalation's id, a UUID (`id`). Give `id` or `name`, not both; neither with `none`. */
  id?: string;
  /** The schedule's or escalation's name (`name`), e.g. `"Platform_schedule"`; at most 255 characters. */
  name?: string;
}

/** The arguments of {@link OpsgenieTeamRoutingRule}. Give `teamId` or `teamName`. */
export interface OpsgenieTeamRoutingRuleArgs {
  /** The team's id, a UUID (path of `/v2/teams/{id}`). Give this or `teamName`. Changing the team replaces the rule. */
  teamId?: string;
  /** The team's name (path, `identifierType=name`), resolved to its id, e.g. `"Platform"`. At most 255 characters, no `/`. */
  teamName?: string;
  /** The rule's name (`name`), its natural key within the team. Not blank, at most 512 characters. */
  name: string;
  /** The rule's index among the team's rules (`order`), 0 = first; the default rule stays last. Unset: appended, not managed. */
  order?: number;
  /** An IANA time zone for `timeRestriction` (`timezone`), e.g. `"Europe/Berlin"`. Unset: the account's, not managed. */
  timezone?: string;
  /** Which alerts match (`criteria`). Default `{ type: "match-all" }`. */
  criteria?: OpsgenieCriteria;
  /** When the rule applies (`timeRestriction`). Default: always. */
  timeRestriction?: OpsgenieTimeRestriction;
  /** Who is notified (`notify`). */
  notify: OpsgenieNotify;
  /** Take over a rule of the team with the same name instead of failing. Default `false`. */
  adoptExisting?: boolean;
  /**
   * Take over this rule of the team (its `id`) when the resource is created, whatever its name: the way to
   * choose among rules that share a name (adoption by name refuses to guess). The rule is then changed to
   * what the resource declares (nothing is sent when it already matches). Used only by create; not kept in state.
   */
  adoptRuleId?: string;
  /**
   * Which account the rule lives in: a key of the `opsgenie:accounts` stack config (Opsgenie, JSM
   * Operations or Compass Operations). Default `"default"` (`opsgenie:apiKey` / `opsgenie:apiUrl` unless
   * `opsgenie:accounts` has a `default` entry). Credentials are never inputs.
   */
  account?: string;
}

/** A condition as stored in the outputs: every default filled in. */
export interface OpsgenieConditionOutput {
  /** The alert field tested (`field`). */
  field: OpsgenieConditionField;
  /** The `extra-properties` key (`key`), when given. */
  key?: string;
  /** Whether the condition is negated (`not`). */
  not: boolean;
  /** The comparison (`operation`). */
  operation: OpsgenieConditionOperation;
  /** The value compared with (`expectedValue`); `""` when none was given. */
  expectedValue: string;
  /** The condition's order (`order`). */
  order: number;
}

/** The criteria as stored in the outputs. */
export interface OpsgenieCriteriaOutput {
  /** How conditions combine (`type`). */
  type: OpsgenieCriteriaType;
  /** The conditions (`conditions`); `[]` with `match-all`. */
  conditions: OpsgenieConditionOutput[];
}

/** A daily window as stored in the outputs. */
export interface OpsgenieTimeOfDayRestrictionOutput {
  /** Always `time-of-day`. */
  type: "time-of-day";
  /** The daily window (`restriction`). */
  restriction: OpsgenieTimeOfDay;
}

/** Weekly windows as stored in the outputs. */
export interface OpsgenieWeekdayRestrictionsOutput {
  /** Always `weekday-and-time-of-day`. */
  type: "weekday-and-time-of-day";
  /** The weekly windows (`restrictions`). */
  restrictions: OpsgenieWeekdayRestriction[];
}

/** The time restriction as stored in the outputs: only the part its type uses. */
export type OpsgenieTimeRestrictionOutput = OpsgenieTimeOfDayRestrictionOutput | OpsgenieWeekdayRestrictionsOutput;

/** The outputs of {@link OpsgenieTeamRoutingRule}: the normalized inputs plus the server's fields. */
export interface OpsgenieTeamRoutingRuleOutputs {
  /** The team's id, a UUID: always the resolved id, also when the team was given by name. */
  teamId: string;
  /** The team's name, when given. */
  teamName?: string;
  /** The rule's name (`name`). */
  name: string;
  /** The declared order, or the rule's live index when `order` is not managed. */
  order?: number;
  /** The declared time zone, or the account default the server applied (`timezone`). */
  timezone?: string;
  /** The criteria, normalized (`criteria`). */
  criteria: OpsgenieCriteriaOutput;
  /** The time restriction, normalized (`timeRestriction`); absent when the rule always applies. */
  timeRestriction?: OpsgenieTimeRestrictionOutput;
  /** Who is notified, as declared: `type` and the `id` or `name` given (`notify`). */
  notify: OpsgenieNotify;
  /** Whether the rule was declared with `adoptExisting`. */
  adoptExisting: boolean;
  /** The rule's id (Opsgenie's `id`), a UUID. The resource id is `<teamId>/<ruleId>`. */
  ruleId: string;
  /** Whether this is the team's default rule ("Default Routing Rule"). */
  isDefault: boolean;
  /** The schedule's or escalation's id (`notify.id`), as reads return it. */
  notifyId?: string;
  /** The schedule's or escalation's name (`notify.name`), as reads return it. */
  notifyName?: string;
  /** The account, when given (absent means `"default"`). */
  account?: string;
  /** Where the rule lives, without credentials: `opsgenie <host>` or `jsm|compass <host> <cloudId>`. */
  target?: string;
}
