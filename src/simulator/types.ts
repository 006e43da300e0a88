import type { FlashdutyRouteArgs as RouteArgs } from "../flashduty/route.types";
import type { OpsgenieTeamRoutingRuleArgs as TeamRoutingRuleArgs } from "../opsgenie/team-routing-rule.types";
import type { RootlyAlertRouteArgs as AlertRouteArgs } from "../rootly/alert-route.types";

export type Vendor = "opsgenie" | "rootly" | "flashduty";
export const VENDORS: readonly Vendor[] = ["opsgenie", "rootly", "flashduty"];

/** A declared resource's args, with the Pulumi resource name when it came from a program. */
export interface Declared<A> {
  /** The Pulumi resource name (or a caller's label); used in explanations. */
  resource?: string;
  args: A;
}

/** The whole declared routing: what the simulator reads instead of the vendors' live state. */
export interface Routing {
  opsgenie: Declared<TeamRoutingRuleArgs>[];
  rootly: Declared<AlertRouteArgs>[];
  flashduty: Declared<RouteArgs>[];
}

/** An Opsgenie alert (the Alert API's create-alert fields). */
export interface OpsgenieAlert {
  message?: string;
  alias?: string;
  description?: string;
  source?: string;
  entity?: string;
  tags?: string[];
  actions?: string[];
  /** Alert details; Opsgenie's UI calls them extra properties (`extra-properties` and `details` both read them). */
  details?: Record<string, string>;
  /** Accepted as a synonym of `details`; merged over it. */
  extraProperties?: Record<string, string>;
  /** P1..P5; Opsgenie's default is P3. */
  priority?: string;
  recipients?: string[];
  /** The alert's `teams` field (compared by `teams` conditions). */
  teams?: string[];
  /** Whose routing rules run: the team names/ids the alert is routed to (its team responders). Omitted: every declared team. */
  routeTo?: string[];
  /** Responder names or ids (compared by the `responders` field). */
  responders?: string[];
}

/** A Rootly alert as the routes see it. */
export interface RootlyAlert {
  /** The alerts source id; selects routes whose alertsSourceIds contain it. Omitted: every route is evaluated. */
  alertsSourceId?: string;
  /** The JSON payload the source sent; `payload` conditions read it by path. */
  payload?: Record<string, unknown>;
  /** Alert attributes (`attribute` conditions): summary, description, status, source, urgency, ... */
  attributes?: Record<string, unknown>;
  /** The alert urgency id (compared with a condition's alertUrgencyIds). */
  urgencyId?: string;
  /** Alert field values by alert field id (`alert_field` conditions, keyed by conditionableId). */
  alertFields?: Record<string, string>;
}

/** A Flashduty alert event. */
export interface FlashdutyAlert {
  /** Selects the routes of this integration. Omitted: every declared route is evaluated. */
  integrationId?: number;
  severity?: string;
  title?: string;
  description?: string;
  data_source_id?: string | number;
  labels?: Record<string, string>;
}

/** One alert, in the shape of each vendor that should be evaluated. */
export interface SimAlert {
  opsgenie?: OpsgenieAlert;
  rootly?: RootlyAlert;
  flashduty?: FlashdutyAlert;
}

/** What a condition check found: the text says what was compared with which value. */
export interface Check {
  held: boolean;
  /** The check depends on a pattern the simulator cannot evaluate exactly (`held` is then false). */
  unknown?: boolean;
  text: string;
}

/** One rule (or case) as evaluated, in evaluation order. */
export interface RuleTrace {
  /** e.g. `#1 "Database alerts"` or `case 2`. */
  label: string;
  /** The rule's name (Opsgenie, Rootly) or the case index as a string (Flashduty). */
  name: string;
  matched: boolean;
  /** A one-line reason (why it matched or was skipped). */
  reason: string;
  checks: Check[];
}

/**
 * How a unit's evaluation ended. `rule`: a declared rule/case matched. `cannot-evaluate`: a rule
 * that decides depends on a pattern the simulator cannot evaluate exactly (see `cannotEvaluate`);
 * every expectation fails on it.
 */
export type Outcome = "rule" | "default" | "fallback" | "none" | "cannot-evaluate";

/** The evaluation of one team (Opsgenie), route (Rootly) or integration (Flashduty). */
export interface UnitResult {
  vendor: Vendor;
  /** Team name/id, route name, or integration id. */
  unit: string;
  /** Local time the rules saw, when time mattered (Opsgenie). */
  context?: string;
  trace: RuleTrace[];
  outcome: Outcome;
  /** Names of the matched rules, or indexes of matched cases (Flashduty may match several). */
  matched: string[];
  /** Where the alert goes, as text lines (e.g. `escalation "Platform_critical"`, `channel 2533748993131`). */
  targets: string[];
  /** Structured targets: ids or names, for assertions. */
  targetIds: string[];
  /** Assumptions this evaluation relied on (docs silent); printed with the explanation. */
  assumptions: string[];
  /** With outcome `cannot-evaluate`: the patterns that could not be evaluated, and why. */
  cannotEvaluate?: string[];
}

/** A unit's result without explanation text: what `CompiledRouting.simulate` returns (cheap). */
export interface FastUnit {
  vendor: Vendor;
  unit: string;
  outcome: Outcome;
  matched: string[];
  targetIds: string[];
  cannotEvaluate?: string[];
}

export interface SimResult {
  at: Date;
  units: UnitResult[];
  /** Vendors with an alert but no declared routing. */
  notDeclared: Vendor[];
}
