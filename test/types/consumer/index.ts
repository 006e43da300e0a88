// A consumer program, compiled with `tsc --noEmit` against the packed package
// (test/unit/types.test.ts). Each `@ts-expect-error` line must fail to compile and
// every other line must compile, so one passing run proves both.
import * as pulumi from "@pulumi/pulumi";
import * as root from "pulumi-alert-routing";
import {
  FlashdutyMappingData,
  FlashdutyRoute,
  OpsgenieTeamRoutingRule,
  RootlyAlertRoute,
  simulator,
  type FlashdutyRouteCaseOutput,
  type OpsgenieConditionOutput,
  type OpsgenieCriteria,
  type OpsgenieNotify,
  type OpsgenieTeamRoutingRuleArgs,
  type OpsgenieTeamRoutingRuleOutputs,
  type OpsgenieTimeRestrictionOutput,
  type OpsgenieWeekday,
  type RootlyAlertRouteArgs,
  type RootlyAlertRouteRuleOutput,
} from "pulumi-alert-routing";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

declare const adopt: pulumi.Output<boolean>;
declare const notifyType: pulumi.Output<"schedule" | "escalation">;
declare const timezone: pulumi.Output<string | undefined>;
declare const day: pulumi.Output<OpsgenieWeekday>;
declare const scheduleName: Promise<string>;
declare const criteria: pulumi.Output<OpsgenieCriteria>;
declare const someString: pulumi.Output<string>;
const cfg = new pulumi.Config("demo");

// Inputs: any field, at any depth, may be an Input of its whole type (unions included).
const rule = new OpsgenieTeamRoutingRule("p1", {
  teamName: cfg.require("team"),
  name: "P1 in business hours",
  order: cfg.getNumber("order"),
  timezone,
  adoptExisting: adopt,
  criteria,
  timeRestriction: {
    type: "weekday-and-time-of-day",
    restrictions: [{ startDay: day, startHour: 9, startMin: 0, endDay: "friday", endHour: pulumi.output(18), endMin: 30 }],
  },
  notify: { type: notifyType, name: scheduleName },
});
new OpsgenieTeamRoutingRule("db", {
  teamId: someString,
  name: "Database alerts",
  criteria: { type: "match-any-condition", conditions: pulumi.output([{ field: "tags" as const, operation: "contains" as const, expectedValue: "database" }]) },
  notify: pulumi.output<OpsgenieNotify>({ type: "schedule", name: "Platform_schedule" }),
});
// A plain Args object fits too.
const args: OpsgenieTeamRoutingRuleArgs = { teamName: "Platform", name: "Noise", notify: { type: "none" } };
new OpsgenieTeamRoutingRule("noise", args);

// Outputs: typed from the Outputs interface, nested fields lifted.
expectType<Equal<typeof rule.ruleId, pulumi.Output<string>>>();
expectType<Equal<typeof rule.teamId, pulumi.Output<string>>>();
expectType<Equal<typeof rule.adoptExisting, pulumi.Output<boolean>>>();
expectType<Equal<typeof rule.timezone, pulumi.Output<string | undefined>>>();
expectType<Equal<typeof rule.order, pulumi.Output<number | undefined>>>();
expectType<Equal<typeof rule.isDefault, pulumi.Output<boolean>>>();
expectType<Equal<typeof rule.notify, pulumi.Output<OpsgenieNotify>>>();
expectType<Equal<typeof rule.timeRestriction, pulumi.Output<OpsgenieTimeRestrictionOutput | undefined>>>();
expectType<Equal<typeof rule.id, pulumi.Output<string>>>();
const conditions: pulumi.Output<OpsgenieConditionOutput[]> = rule.criteria.conditions;
const notifyKind: pulumi.Output<"schedule" | "escalation" | "none"> = rule.notify.type;
const outputs: pulumi.Output<OpsgenieTeamRoutingRuleOutputs> = pulumi.all([rule.ruleId, rule.teamId]).apply(([ruleId, teamId]) => ({
  teamId,
  name: "P1 in business hours",
  criteria: { type: "match-all" as const, conditions: [] },
  notify: { type: "none" as const },
  adoptExisting: false,
  ruleId,
  isDefault: false,
}));

declare const fallback: pulumi.Output<boolean>;
declare const targetId: pulumi.Output<string>;
const route = new RootlyAlertRoute("payments", {
  name: "Payments alerts",
  enabled: pulumi.output(true),
  alertsSourceIds: [targetId],
  rules: [
    {
      name: "Payments API",
      conditionGroups: [{ conditions: [{ propertyFieldConditionType: "is_one_of", propertyFieldType: "payload", propertyFieldName: "service", propertyFieldValues: pulumi.output(["payments-api"]) }] }],
      destinations: [{ targetType: "EscalationPolicy", targetId }],
    },
    { name: "Everything else", fallbackRule: fallback, destinations: pulumi.output([{ targetType: "Service" as const, targetId: "0b0c8f2e-4f7b-4a43-8a47-3c6e1f0d9a11" }]) },
  ],
});
expectType<Equal<typeof route.routeId, pulumi.Output<string>>>();
expectType<Equal<typeof route.createdAt, pulumi.Output<string | undefined>>>();
expectType<Equal<typeof route.rules, pulumi.Output<RootlyAlertRouteRuleOutput[]>>>();
const rootlyArgs: RootlyAlertRouteArgs = { name: "r", alertsSourceIds: [] };
void rootlyArgs;

declare const channel: pulumi.Output<number>;
const fd = new FlashdutyRoute("checkout", {
  integrationId: "6113996590131",
  cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [channel, 2], fallthrough: pulumi.output(false) }],
  default: { channelIds: pulumi.output([1]) },
});
expectType<Equal<typeof fd.version, pulumi.Output<number>>>();
expectType<Equal<typeof fd.integrationId, pulumi.Output<number>>>();
expectType<Equal<typeof fd.cases, pulumi.Output<FlashdutyRouteCaseOutput[]>>>();
const data = new FlashdutyMappingData("hosts", { schemaId: someString, rows: pulumi.output([{ host: "db-1", owner: "sre" }]) });
expectType<Equal<typeof data.rowCount, pulumi.Output<number>>>();
expectType<Equal<typeof data.rows, pulumi.Output<Record<string, string>[]>>>();

// The simulator is a namespace of the root.
void simulator.simulate;

// What must not compile.
new OpsgenieTeamRoutingRule("bad-1", {
  teamName: "Platform",
  name: "x",
  // @ts-expect-error misspelled field
  ordr: 1,
  notify: { type: "none" },
});
new OpsgenieTeamRoutingRule("bad-2", {
  // @ts-expect-error snake_case field (the vendor's spelling)
  team_name: "Platform",
  name: "x",
  notify: { type: "none" },
});
new OpsgenieTeamRoutingRule("bad-3", {
  teamName: "Platform",
  name: "x",
  // @ts-expect-error wrong enum value
  notify: { type: "schedules", name: "x" },
});
new OpsgenieTeamRoutingRule("bad-4", {
  teamName: "Platform",
  name: "x",
  // @ts-expect-error an Output of a wider type than the field's
  notify: { type: someString, name: "x" },
});
new OpsgenieTeamRoutingRule("bad-5", {
  teamName: "Platform",
  name: "x",
  notify: { type: "none" },
  // @ts-expect-error wrong enum value, nested
  timeRestriction: { type: "weekday-and-time-of-day", restrictions: [{ startDay: "Monday", startHour: 9, startMin: 0, endDay: "friday", endHour: 18, endMin: 0 }] },
});
// @ts-expect-error a required field is missing (notify)
new OpsgenieTeamRoutingRule("bad-6", { teamName: "Platform", name: "x" });
new RootlyAlertRoute("bad-7", {
  name: "r",
  alertsSourceIds: [],
  // @ts-expect-error snake_case field, nested
  rules: [{ name: "x", fallback_rule: true, destinations: [] }],
});
new RootlyAlertRoute("bad-8", {
  name: "r",
  alertsSourceIds: [],
  // @ts-expect-error wrong enum value, nested
  rules: [{ name: "x", destinations: [{ targetType: "service", targetId: "x" }] }],
});
new FlashdutyRoute("bad-9", {
  integrationId: 1,
  // @ts-expect-error wrong enum value (oper is upper case)
  cases: [{ if: [{ key: "severity", oper: "in", vals: ["x"] }], channelIds: [1] }],
});
new FlashdutyMappingData("bad-10", {
  schemaId: "x",
  rows: [],
  // @ts-expect-error misspelled field
  exclusiv: true,
});
// @ts-expect-error an output is not of another type
const wrongOutput: pulumi.Output<number> = rule.ruleId;
// @ts-expect-error the kit is not exported from the root (it is pulumi-alert-routing/kit)
void root.kit;

export { conditions, notifyKind, outputs, wrongOutput };
