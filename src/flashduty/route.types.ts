// The public types of FlashdutyRoute, written by hand. The zod schema
// (route.schema.ts) and the state the provider returns are checked against them
// at compile time (route.types-check.ts).

/** A Flashduty id (int64): a positive integer within JS safe integers, or its digit string, e.g. `6113996590131` or `"6113996590131"`. */
export type FlashdutyId = number | string;

/** One condition of a case (an item of Flashduty's `if`). */
export interface FlashdutyRouteCondition {
  /** The alert field (`key`), e.g. `"severity"`, `"title"`, `"labels.service"`. Not blank, at most 255 characters. */
  key: string;
  /** `"IN"`: any value matches; `"NOTIN"`: none does (`oper`). */
  oper: "IN" | "NOTIN";
  /** 1 to 1,000 values (`vals`): exact, wildcard (`*`, `?`), `/regex/` (Go RE2), `cidr:10.0.0.0/8` or `num:lt:100`. */
  vals: string[];
}

/** One case of the rule (an item of Flashduty's `cases`), evaluated top to bottom. */
export interface FlashdutyRouteCase {
  /** 1 to 100 conditions (`if`), all of which must hold. */
  if: FlashdutyRouteCondition[];
  /** Channels to route to (`channel_ids`): 1 to 100 in standard mode, none with `name_mapping`. */
  channelIds?: FlashdutyId[];
  /** Keep evaluating later cases after this one matches (`fallthrough`). Default `false`. */
  fallthrough?: boolean;
  /** `"standard"` (fixed channels) or `"name_mapping"` (`routing_mode`); `""` means standard, as in the API. Default `"standard"`. */
  routingMode?: "standard" | "name_mapping" | "";
  /** The label whose value names the channel (`name_mapping_label`), e.g. `"labels.service"`; required with `name_mapping` only. */
  nameMappingLabel?: string;
}

/** A display-only group of consecutive cases (an item of Flashduty's `sections`). */
export interface FlashdutyRouteSection {
  /** The section's name (`name`), unique within the rule. Not blank, at most 255 characters. */
  name: string;
  /** The index in `cases` where the section starts (`position`): 0 to the number of cases. */
  position: number;
}

/** A list of channels (Flashduty's `channel_ids`). */
export interface FlashdutyChannels {
  /** 1 to 100 channel ids (`channel_ids`). */
  channelIds: FlashdutyId[];
}

/** The arguments of {@link FlashdutyRoute}. Give at least one of `cases` and `default`. */
export interface FlashdutyRouteArgs {
  /** The integration whose routing rule this is (`integration_id`); also the resource id. Changing it replaces the resource. */
  integrationId: FlashdutyId;
  /** Cases evaluated top to bottom (`cases`): up to 500. Default `[]`. */
  cases?: FlashdutyRouteCase[];
  /** Display-only groups of consecutive cases (`sections`): up to 500. Default `[]`. */
  sections?: FlashdutyRouteSection[];
  /** Channels for alerts no case routed (`default.channel_ids`). */
  default?: FlashdutyChannels;
  /** Take over a rule that already has content instead of failing. Default `false`. */
  adoptExisting?: boolean;
  /** Flashduty has no delete: when set, destroy writes an empty rule with these default channels; unset, destroy leaves the rule. */
  resetOnDelete?: FlashdutyChannels;
}

/** A condition as stored in the outputs. */
export interface FlashdutyRouteConditionOutput {
  /** The alert field (`key`). */
  key: string;
  /** `"IN"` or `"NOTIN"` (`oper`). */
  oper: "IN" | "NOTIN";
  /** The values (`vals`), in declared order. */
  vals: string[];
}

/** A case as stored in the outputs: every default filled in. */
export interface FlashdutyRouteCaseOutput {
  /** The conditions (`if`). */
  if: FlashdutyRouteConditionOutput[];
  /** The channels (`channel_ids`), as numbers; `[]` with `name_mapping`. */
  channelIds: number[];
  /** Whether later cases are evaluated after this one matches (`fallthrough`). */
  fallthrough: boolean;
  /** The routing mode (`routing_mode`); `""` reads as `"standard"`. */
  routingMode: "standard" | "name_mapping";
  /** The label naming the channel (`name_mapping_label`), with `name_mapping` only. */
  nameMappingLabel?: string;
}

/** A list of channels as stored in the outputs. */
export interface FlashdutyChannelsOutput {
  /** The channel ids (`channel_ids`), as numbers. */
  channelIds: number[];
}

/** The outputs of {@link FlashdutyRoute}: the normalized inputs plus the server's fields. */
export interface FlashdutyRouteOutputs {
  /** The integration id (`integration_id`), as a number. */
  integrationId: number;
  /** The cases (`cases`), normalized, in order; `[]` when none. */
  cases: FlashdutyRouteCaseOutput[];
  /** The sections (`sections`); `[]` when none. */
  sections: FlashdutyRouteSection[];
  /** The default channels (`default`), when set. */
  default?: FlashdutyChannelsOutput;
  /** Whether the resource was declared with `adoptExisting`, when given. */
  adoptExisting?: boolean;
  /** The channels destroy resets the rule to, when set. */
  resetOnDelete?: FlashdutyChannelsOutput;
  /** The rule's version (`version`), sent back on every write for optimistic concurrency. */
  version: number;
  /** The rule's status (`status`), e.g. `"enabled"`. */
  status: string;
  /** When the rule last changed (`updated_at`), in Unix seconds. */
  updatedAt: number;
  /** Who last changed the rule (`updated_by`), a Flashduty member id. */
  updatedBy: number;
}
