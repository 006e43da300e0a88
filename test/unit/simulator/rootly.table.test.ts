import { describe, expect, it } from "vitest";
import type { AlertRouteArgs, AlertRouteCondition, AlertRouteRule } from "../../../src/rootly/alert-route.schema";
import { routingFromArgs } from "../../../src/simulator";
import { simulate } from "./both-paths";
import type { RootlyAlert } from "../../../src/simulator/types";

// Hand-written cases from the Rootly docs. U = rootly-alert-route-update.md (the swagger of
// PUT /v1/alert_routes/{id}), F = rootly-facts.md, N = src/simulator/NOTES.md (assumption).
const U = "rootly-alert-route-update.md";
const CT = `${U}:265-275 property_field_condition_type enum`;
const FT = `${U}:279-284 property_field_type: attribute | payload | alert_field`;

const SRC = "11111111-1111-4111-8111-111111111111";
const ESC = "22222222-2222-4222-8222-222222222222";
const FB = "33333333-3333-4333-8333-333333333333";
const URG_HIGH = "44444444-4444-4444-8444-444444444444";
const URG_LOW = "55555555-5555-4555-8555-555555555555";
const FIELD = "66666666-6666-4666-8666-666666666666";

const payload = (name: string, t: AlertRouteCondition["propertyFieldConditionType"], v?: string | string[]): AlertRouteCondition => ({
  propertyFieldType: "payload",
  propertyFieldName: name,
  propertyFieldConditionType: t,
  ...(Array.isArray(v) ? { propertyFieldValues: v } : v !== undefined ? { propertyFieldValue: v } : {}),
});

interface CondCase {
  doc: string;
  cond: AlertRouteCondition;
  alert: RootlyAlert;
  holds: boolean;
}

const condCases: CondCase[] = [
  { doc: `${CT} is_one_of`, cond: payload("service", "is_one_of", ["payments-api", "checkout-web"]), alert: { payload: { service: "payments-api" } }, holds: true },
  { doc: `${CT} is_one_of`, cond: payload("service", "is_one_of", ["payments-api"]), alert: { payload: { service: "search" } }, holds: false },
  { doc: `${CT} is_one_of; N case-sensitive`, cond: payload("service", "is_one_of", ["payments-api"]), alert: { payload: { service: "Payments-API" } }, holds: false },
  { doc: `${CT} is_one_of; N absent field`, cond: payload("service", "is_one_of", ["payments-api"]), alert: { payload: {} }, holds: false },
  { doc: `${CT} is_not_one_of`, cond: payload("service", "is_not_one_of", ["search"]), alert: { payload: { service: "payments-api" } }, holds: true },
  { doc: `${CT} is_not_one_of`, cond: payload("service", "is_not_one_of", ["search"]), alert: { payload: { service: "search" } }, holds: false },
  { doc: `${CT} is_not_one_of; N absent field is not one of them`, cond: payload("service", "is_not_one_of", ["search"]), alert: {}, holds: true },
  { doc: `${CT} contains`, cond: payload("summary", "contains", "timeout"), alert: { payload: { summary: "db timeout on eu-1" } }, holds: true },
  { doc: `${CT} contains`, cond: payload("summary", "contains", "latency"), alert: { payload: { summary: "db timeout" } }, holds: false },
  { doc: `${CT} does_not_contain`, cond: payload("summary", "does_not_contain", "test"), alert: { payload: { summary: "db timeout" } }, holds: true },
  { doc: `${CT} does_not_contain`, cond: payload("summary", "does_not_contain", "test"), alert: { payload: { summary: "a test" } }, holds: false },
  { doc: `${CT} does_not_contain; N absent holds`, cond: payload("summary", "does_not_contain", "test"), alert: {}, holds: true },
  { doc: `${CT} starts_with`, cond: payload("host", "starts_with", "db-"), alert: { payload: { host: "db-1" } }, holds: true },
  { doc: `${CT} starts_with`, cond: payload("host", "starts_with", "db-"), alert: { payload: { host: "web-db-1" } }, holds: false },
  { doc: `${CT} ends_with`, cond: payload("host", "ends_with", ".prod"), alert: { payload: { host: "api.prod" } }, holds: true },
  { doc: `${CT} ends_with`, cond: payload("host", "ends_with", ".prod"), alert: { payload: { host: "api.prod.old" } }, holds: false },
  { doc: `${CT} matches_regex; N unanchored search`, cond: payload("host", "matches_regex", "db-\\d+"), alert: { payload: { host: "eu-db-12.prod" } }, holds: true },
  { doc: `${CT} matches_regex`, cond: payload("host", "matches_regex", "^db-\\d+$"), alert: { payload: { host: "eu-db-12" } }, holds: false },
  { doc: `${CT} is_empty`, cond: payload("owner", "is_empty"), alert: { payload: { owner: "" } }, holds: true },
  { doc: `${CT} is_empty; N absent`, cond: payload("owner", "is_empty"), alert: { payload: {} }, holds: true },
  { doc: `${CT} is_empty; N empty list`, cond: payload("owners", "is_empty"), alert: { payload: { owners: [] } }, holds: true },
  { doc: `${CT} is_empty`, cond: payload("owner", "is_empty"), alert: { payload: { owner: "alice" } }, holds: false },
  { doc: `${FT} payload; N dotted path`, cond: payload("labels.service", "is_one_of", ["search"]), alert: { payload: { labels: { service: "search" } } }, holds: true },
  { doc: `${FT} payload; N $. prefix`, cond: payload("$.labels.service", "is_one_of", ["search"]), alert: { payload: { labels: { service: "search" } } }, holds: true },
  { doc: `${FT} payload; N [n] index`, cond: payload("alerts[1].name", "starts_with", "Disk"), alert: { payload: { alerts: [{ name: "Cpu" }, { name: "DiskFull" }] } }, holds: true },
  { doc: `${FT} payload; N numbers compare as strings`, cond: payload("code", "is_one_of", ["503"]), alert: { payload: { code: 503 } }, holds: true },
  { doc: `${FT} payload; N a list holds when one element does`, cond: payload("tags", "is_one_of", ["db"]), alert: { payload: { tags: ["web", "db"] } }, holds: true },
  { doc: `${FT} payload; N a negative condition on a list holds when no element matches`, cond: payload("tags", "is_not_one_of", ["db"]), alert: { payload: { tags: ["web", "db"] } }, holds: false },
  { doc: `${FT} attribute`, cond: { propertyFieldType: "attribute", propertyFieldName: "summary", propertyFieldConditionType: "contains", propertyFieldValue: "CPU" }, alert: { attributes: { summary: "CPU high" } }, holds: true },
  { doc: `${FT} attribute: reads attributes, not the payload`, cond: { propertyFieldType: "attribute", propertyFieldName: "summary", propertyFieldConditionType: "contains", propertyFieldValue: "CPU" }, alert: { payload: { summary: "CPU high" } }, holds: false },
  { doc: `${FT} alert_field; ${U}:302-312 conditionable_type AlertField, conditionable_id`, cond: { propertyFieldType: "alert_field", conditionableType: "AlertField", conditionableId: FIELD, propertyFieldConditionType: "is_one_of", propertyFieldValues: ["eu"] }, alert: { alertFields: { [FIELD]: "eu" } }, holds: true },
  { doc: `${FT} alert_field`, cond: { propertyFieldType: "alert_field", conditionableType: "AlertField", conditionableId: FIELD, propertyFieldConditionType: "is_one_of", propertyFieldValues: ["eu"] }, alert: { alertFields: { [FIELD]: "us" } }, holds: false },
  { doc: `${U}:294-301 "alert_urgency_ids: The Alert Urgency IDs to check in the condition"`, cond: { propertyFieldType: "attribute", propertyFieldConditionType: "is_one_of", alertUrgencyIds: [URG_HIGH] }, alert: { urgencyId: URG_HIGH }, holds: true },
  { doc: `${U}:294-301 alert_urgency_ids`, cond: { propertyFieldType: "attribute", propertyFieldConditionType: "is_one_of", alertUrgencyIds: [URG_HIGH] }, alert: { urgencyId: URG_LOW }, holds: false },
  { doc: `${U}:294-301 alert_urgency_ids with is_not_one_of`, cond: { propertyFieldType: "attribute", propertyFieldConditionType: "is_not_one_of", alertUrgencyIds: [URG_HIGH] }, alert: { urgencyId: URG_LOW }, holds: true },
];

const rule = (name: string, conds: AlertRouteCondition[][], extra: Partial<AlertRouteRule> = {}): AlertRouteRule => ({
  name,
  destinations: [{ targetType: "EscalationPolicy", targetId: ESC }],
  conditionGroups: conds.map((conditions) => ({ conditions })),
  ...extra,
});
const fallback: AlertRouteRule = { name: "Everything else", fallbackRule: true, destinations: [{ targetType: "EscalationPolicy", targetId: FB }] };
const route = (rules: AlertRouteRule[], extra: Partial<AlertRouteArgs> = {}): AlertRouteArgs => ({ name: "R", alertsSourceIds: [SRC], rules, ...extra });

describe("Rootly conditions (one rule ahead of the fallback rule)", () => {
  it.each(condCases.map((c, i) => [i, c.doc, c] as const))("#%i %s", (_i, _doc, c) => {
    const u = simulate(routingFromArgs({ rootly: [route([rule("r", [[c.cond]]), fallback])] }), { rootly: c.alert }).units[0];
    expect(u.outcome).toBe(c.holds ? "rule" : "fallback");
    expect(u.matched).toEqual([c.holds ? "r" : "Everything else"]);
  });
});

const svc = (v: string) => payload("service", "is_one_of", [v]);
const env = (v: string) => payload("env", "is_one_of", [v]);

interface RouteCase {
  doc: string;
  routes: AlertRouteArgs[];
  alert: RootlyAlert;
  /** [outcome, rule] per evaluated route. */
  expect: [string, string | undefined][];
}

const routeCases: RouteCase[] = [
  { doc: `${U}:252-260 condition_groups; N groups ORed`, routes: [route([rule("r", [[svc("a")], [svc("b")]]), fallback])], alert: { payload: { service: "b" } }, expect: [["rule", "r"]] },
  { doc: `${U}:260-263 conditions in a group; N ANDed`, routes: [route([rule("r", [[svc("a"), env("prod")]]), fallback])], alert: { payload: { service: "a", env: "dev" } }, expect: [["fallback", "Everything else"]] },
  { doc: `${U}:260-263 conditions in a group; N ANDed`, routes: [route([rule("r", [[svc("a"), env("prod")]]), fallback])], alert: { payload: { service: "a", env: "prod" } }, expect: [["rule", "r"]] },
  { doc: `${U}:220-224 "position ... for ordering evaluation"; F:62 "rule positions decide first-match-wins"`, routes: [route([rule("late", [[svc("a")]], { position: 2 }), rule("early", [[svc("a")]], { position: 1 }), fallback])], alert: { payload: { service: "a" } }, expect: [["rule", "early"]] },
  { doc: `${U}:220-224 position; default: list order`, routes: [route([rule("first", [[svc("a")]]), rule("second", [[svc("a")]]), fallback])], alert: { payload: { service: "a" } }, expect: [["rule", "first"]] },
  { doc: `${U}:225-228 fallback_rule; F:49 "exactly one of fallback_rule: true or condition_groups"; evaluated last whatever its position`, routes: [route([{ ...fallback, position: 1 }, rule("r", [[svc("a")]], { position: 2 })])], alert: { payload: { service: "a" } }, expect: [["rule", "r"]] },
  { doc: `${U}:225-228 fallback_rule: taken when nothing else matches`, routes: [route([rule("r", [[svc("a")]]), fallback])], alert: { payload: { service: "z" } }, expect: [["fallback", "Everything else"]] },
  { doc: `${U}:225-228 no fallback rule: nothing takes the alert`, routes: [route([rule("r", [[svc("a")]])])], alert: { payload: { service: "z" } }, expect: [["none", undefined]] },
  { doc: `${U}:197-199 "enabled: Whether the alert route is enabled"`, routes: [route([fallback], { enabled: false })], alert: { payload: {} }, expect: [["none", undefined]] },
  { doc: `${U}:200-205 "alerts_source_ids ... The ID of the alerts source": other sources skip the route`, routes: [route([fallback])], alert: { alertsSourceId: "99999999-9999-4999-8999-999999999999" }, expect: [] },
  { doc: `${U}:200-205 alerts_source_ids: the alert's source selects the route`, routes: [route([fallback]), route([rule("other", [[svc("a")]])], { name: "Other", alertsSourceIds: [FB] })], alert: { alertsSourceId: SRC }, expect: [["fallback", "Everything else"]] },
  { doc: `${U}:200-205; every route applies to its sources independently`, routes: [route([rule("r1", [[svc("a")]]), fallback]), route([rule("r2", [[svc("a")]])], { name: "Second" })], alert: { payload: { service: "a" } }, expect: [["rule", "r1"], ["rule", "r2"]] },
  { doc: `${U}:257-259 condition group position; the first holding group is reported`, routes: [route([rule("r", [[svc("x")], [env("prod")]]), fallback])], alert: { payload: { env: "prod" } }, expect: [["rule", "r"]] },
];

describe("Rootly routes: positions, groups, fallback, sources", () => {
  it.each(routeCases.map((c, i) => [i, c.doc, c] as const))("#%i %s", (_i, _doc, c) => {
    const units = simulate(routingFromArgs({ rootly: c.routes }), { rootly: c.alert }).units;
    expect(units.map((u) => [u.outcome, u.matched[0]])).toEqual(c.expect);
  });

  it("reports the destinations of the matched rule (U:229-251 destinations target_type/target_id)", () => {
    const u = simulate(routingFromArgs({ rootly: [route([rule("r", [[svc("a")]]), fallback])] }), { rootly: { payload: { service: "a" } } }).units[0];
    expect(u.targetIds).toEqual([ESC]);
    expect(u.targets).toEqual([`EscalationPolicy ${ESC}`]);
  });
});
