import { describe, expect, it } from "vitest";
import { lintRouting, type Finding } from "../../../src/analysis";
import type { FlashdutyRouteArgs } from "../../../src/flashduty/route.types";
import type { OpsgenieCondition, OpsgenieTeamRoutingRuleArgs } from "../../../src/opsgenie/team-routing-rule.types";
import type { RootlyAlertRouteCondition, RootlyAlertRouteRule } from "../../../src/rootly/alert-route.types";
import { routingFromArgs, type RoutingArgs } from "../../../src/simulator";

// Hand-written routings and the findings they must (and must not) produce. Each finding is written
// `kind:subject` (the first rule named); the whole list must be exact, so a missing finding and a
// spurious one both fail. A year from the week of 2026-03-02 is analysed (both 2026 DST changes).
const AT = new Date("2026-03-02T00:00:00Z");

// ---- Opsgenie helpers ----
type OgRule = Partial<OpsgenieTeamRoutingRuleArgs>;
const c = (field: OpsgenieCondition["field"], operation: OpsgenieCondition["operation"], expectedValue?: string, extra: Partial<OpsgenieCondition> = {}): OpsgenieCondition => ({ field, operation, ...(expectedValue !== undefined ? { expectedValue } : {}), ...extra });
const all = (...conditions: OpsgenieCondition[]) => ({ type: "match-all-conditions" as const, conditions });
const any = (...conditions: OpsgenieCondition[]) => ({ type: "match-any-condition" as const, conditions });
const esc = { type: "escalation" as const, name: "Ops_escalation" };
const none = { type: "none" as const };
function og(...rules: OgRule[]): RoutingArgs {
  return { opsgenie: rules.map((r, i) => ({ resource: `r${i}`, args: { teamName: "Ops", name: `R${i}`, order: i, notify: esc, ...r } as OpsgenieTeamRoutingRuleArgs })) };
}
const tod = (startHour: number, endHour: number, startMin = 0, endMin = 0) => ({ type: "time-of-day" as const, restriction: { startHour, startMin, endHour, endMin } });
type Day = "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";
const week = (...ws: [Day, number, Day, number][]) => ({ type: "weekday-and-time-of-day" as const, restrictions: ws.map(([startDay, startHour, endDay, endHour]) => ({ startDay, startHour, startMin: 0, endDay, endHour, endMin: 0 })) });

// ---- Rootly helpers ----
const rc = (propertyFieldName: string, propertyFieldConditionType: RootlyAlertRouteCondition["propertyFieldConditionType"], v?: string | string[], propertyFieldType: RootlyAlertRouteCondition["propertyFieldType"] = "payload"): RootlyAlertRouteCondition => ({
  propertyFieldType,
  propertyFieldName,
  propertyFieldConditionType,
  ...(Array.isArray(v) ? { propertyFieldValues: v } : v !== undefined ? { propertyFieldValue: v } : {}),
});
const svc = [{ targetType: "Service" as const, targetId: "svc-1" }];
const rr = (name: string, ...groups: RootlyAlertRouteCondition[][]): RootlyAlertRouteRule => ({ name, destinations: svc, conditionGroups: groups.map((conditions) => ({ conditions })) });
const fallback = (destinations = svc): RootlyAlertRouteRule => ({ name: "fallback", fallbackRule: true, destinations });
const rt = (...rules: RootlyAlertRouteRule[]): RoutingArgs => ({ rootly: [{ resource: "route", args: { name: "Payments", alertsSourceIds: ["src-1"], rules } }] });

// ---- Flashduty helpers ----
type Case = NonNullable<FlashdutyRouteArgs["cases"]>[number];
const IN = (key: string, ...vals: string[]) => ({ key, oper: "IN" as const, vals });
const NOTIN = (key: string, ...vals: string[]) => ({ key, oper: "NOTIN" as const, vals });
const fc = (...conds: Case["if"]): Case => ({ if: conds, channelIds: [1] });
const fd = (cases: Case[], def: number[] | null = [9]): RoutingArgs => ({ flashduty: [{ resource: "route", args: { integrationId: 7, cases, ...(def ? { default: { channelIds: def } } : {}) } }] });

interface LintCase {
  name: string;
  routing: RoutingArgs;
  /** `kind:subject`, in any order. */
  expect: string[];
  check?: (fs: Finding[]) => void;
}

const tagDb = c("tags", "contains", "db");
const p1 = c("priority", "equals", "P1");

const opsgenieCases: LintCase[] = [
  // shadowed: exact algebra
  { name: "a narrower rule after a broader one is shadowed", routing: og({ criteria: all(tagDb) }, { criteria: all(tagDb, p1) }), expect: ["shadowed:R1"] },
  { name: "the broader rule after the narrower one is not", routing: og({ criteria: all(tagDb, p1) }, { criteria: all(tagDb) }), expect: [] },
  { name: "equals twice: the second is shadowed", routing: og({ criteria: all(c("message", "equals", "disk full")) }, { criteria: all(c("message", "equals", "disk full")) }), expect: ["shadowed:R1"] },
  { name: "equals different values: both reachable", routing: og({ criteria: all(c("message", "equals", "disk full")) }, { criteria: all(c("message", "equals", "disk ok")) }), expect: [] },
  { name: "starts-with a longer prefix is shadowed", routing: og({ criteria: all(c("message", "starts-with", "db")) }, { criteria: all(c("message", "starts-with", "db-primary")) }), expect: ["shadowed:R1"] },
  { name: "starts-with a shorter prefix is not", routing: og({ criteria: all(c("message", "starts-with", "db-primary")) }, { criteria: all(c("message", "starts-with", "db")) }), expect: [] },
  { name: "ends-with a longer suffix is shadowed", routing: og({ criteria: all(c("source", "ends-with", "prod")) }, { criteria: all(c("source", "ends-with", "eu-prod")) }), expect: ["shadowed:R1"] },
  { name: "contains a superstring is shadowed", routing: og({ criteria: all(c("description", "contains", "time")) }, { criteria: all(c("description", "contains", "timeout")) }), expect: ["shadowed:R1"] },
  { name: "equals a value that contains the earlier text is shadowed", routing: og({ criteria: all(c("message", "contains", "cpu")) }, { criteria: all(c("message", "equals", "high cpu")) }), expect: ["shadowed:R1"] },
  { name: "match-any of two after each alone: shadowed by both", routing: og({ criteria: all(c("alias", "equals", "a")) }, { criteria: all(c("alias", "equals", "b")) }, { criteria: any(c("alias", "equals", "a"), c("alias", "equals", "b")) }), expect: ["shadowed:R2"], check: (fs) => expect(fs[0].rules).toEqual(["R2", "R0", "R1"]) },
  { name: "the why names only the earlier rules needed, the earliest first", routing: og({ criteria: all(tagDb, p1) }, { criteria: all(tagDb) }, { criteria: all(tagDb, p1, c("message", "contains", "x")) }), expect: ["shadowed:R2"], check: (fs) => expect(fs[0].rules).toEqual(["R2", "R0"]) },
  { name: "the why names a later rule that covers it alone, not an earlier partial overlap", routing: og({ criteria: all(tagDb, p1) }, { criteria: all(tagDb) }, { criteria: all(tagDb, c("message", "contains", "x")) }), expect: ["shadowed:R2"], check: (fs) => expect(fs[0].rules).toEqual(["R2", "R1"]) },
  { name: "not: a condition and its negation cover everything after them", routing: og({ criteria: all(tagDb) }, { criteria: all({ ...tagDb, not: true }) }, { criteria: all(p1) }), expect: ["shadowed:R2"] },
  { name: "a rule contradicting itself never matches", routing: og({ criteria: all(tagDb, { ...tagDb, not: true }) }), expect: ["shadowed:R0"] },
  { name: "is-empty then not is-empty: a later rule on the field is shadowed", routing: og({ criteria: all(c("entity", "is-empty")) }, { criteria: all(c("entity", "is-empty", undefined, { not: true })) }, { criteria: all(c("entity", "equals", "x")) }), expect: ["shadowed:R2"] },
  { name: "priority equals P1 then P1..P5 one by one: the last rule is shadowed only when all five come first", routing: og(...["P1", "P2", "P3", "P4"].map((p) => ({ criteria: all(c("priority", "equals", p)) })), { criteria: all(tagDb) }), expect: [] },
  { name: "every priority taken: a later rule is shadowed", routing: og(...["P1", "P2", "P3", "P4", "P5"].map((p) => ({ criteria: all(c("priority", "equals", p)) })), { criteria: all(tagDb) }), expect: ["shadowed:R5"] },
  { name: "different fields overlap: no finding", routing: og({ criteria: all(tagDb) }, { criteria: all(p1) }), expect: [] },
  { name: "details key equals then the same: shadowed", routing: og({ criteria: all(c("extra-properties", "equals", "eu", { key: "region" })) }, { criteria: all(c("extra-properties", "equals", "eu", { key: "region" })) }), expect: ["shadowed:R1"] },
  { name: "details key, different keys: reachable", routing: og({ criteria: all(c("extra-properties", "equals", "eu", { key: "region" })) }, { criteria: all(c("extra-properties", "equals", "eu", { key: "zone" })) }), expect: [] },
  // may-be-shadowed (regex)
  { name: "a regex earlier rule that takes everything: may be shadowed", routing: og({ criteria: all(c("message", "matches", ".*")) }, { criteria: all(c("message", "equals", "x")) }), expect: ["may-be-shadowed:R1"] },
  { name: "a regex later rule reachable past equals: no finding", routing: og({ criteria: all(c("message", "equals", "disk")) }, { criteria: all(c("message", "matches", "^db.*")) }), expect: [] },
  // after-catch-all
  { name: "a match-all rule makes every later rule after-catch-all", routing: og({ criteria: { type: "match-all" } }, { criteria: all(tagDb) }, { criteria: all(p1) }), expect: ["after-catch-all:R1", "after-catch-all:R2"] },
  { name: "match-all-conditions with no conditions is a catch-all too", routing: og({ criteria: { type: "match-all-conditions", conditions: [] } }, { criteria: all(tagDb) }), expect: ["after-catch-all:R1"] },
  { name: "a match-all rule last: no finding", routing: og({ criteria: all(tagDb) }, { criteria: { type: "match-all" } }), expect: [] },
  { name: "a timed match-all rule is not a catch-all: the later rule is shadowed only at those times", routing: og({ criteria: { type: "match-all" }, timezone: "UTC", timeRestriction: tod(9, 17) }, { criteria: all(tagDb) }), expect: ["unreachable-time:R1"] },
  // no-target
  { name: "an escalation without id or name has no target", routing: og({ notify: { type: "escalation" } }), expect: ["no-target:R0"] },
  { name: "notify none is not no-target (it is a gap)", routing: og({ criteria: all(tagDb), notify: none }), expect: ["coverage-gap:R0"] },
  { name: "a schedule by id has a target", routing: og({ notify: { type: "schedule", id: "4a7c2b1e-0000-4000-8000-000000000001" } }), expect: [] },
  // unreachable-time
  { name: "a time-of-day window starting where it ends is flagged", routing: og({ timezone: "UTC", timeRestriction: tod(9, 9) }), expect: ["unreachable-time:R0"] },
  { name: "a weekly window starting where it ends is flagged", routing: og({ timezone: "UTC", timeRestriction: week(["monday", 9, "monday", 9]) }), expect: ["unreachable-time:R0"] },
  { name: "a window one minute long is fine", routing: og({ timezone: "UTC", timeRestriction: { type: "time-of-day", restriction: { startHour: 9, startMin: 0, endHour: 9, endMin: 1 } } }), expect: [] },
  { name: "an unknown time zone cannot be evaluated", routing: og({ timezone: "Mars/Olympus", timeRestriction: tod(9, 17) }), expect: ["unreachable-time:R0"] },
  { name: "shadowed only during business hours: says when", routing: og({ criteria: all(tagDb), timezone: "Europe/Berlin", timeRestriction: week(["monday", 9, "friday", 17]) }, { criteria: all(tagDb, p1), timezone: "Europe/Berlin" }), expect: ["unreachable-time:R1"], check: (fs) => expect(fs[0].windows).toEqual([{ from: "monday 09:00", to: "friday 17:00", timezone: "Europe/Berlin" }]) },
  { name: "the same rule shadowed at all its own times is shadowed", routing: og({ criteria: all(tagDb) }, { criteria: all(tagDb, p1), timezone: "UTC", timeRestriction: tod(9, 17) }), expect: ["shadowed:R1"] },
  { name: "two time-of-day rules that never overlap: no finding", routing: og({ criteria: all(tagDb), timezone: "UTC", timeRestriction: tod(9, 17) }, { criteria: all(tagDb), timezone: "UTC", timeRestriction: tod(17, 9) }), expect: [] },
  { name: "an overnight window shadows a later always-on rule at night", routing: og({ criteria: all(tagDb), timezone: "UTC", timeRestriction: tod(22, 6) }, { criteria: all(tagDb) }), expect: ["unreachable-time:R1"], check: (fs) => expect(fs[0].windows?.[0]).toEqual({ from: "monday 22:00", to: "tuesday 06:00", timezone: "UTC" }) },
  // coverage-gap
  { name: "notify none at all times: a gap without windows", routing: og({ criteria: all(tagDb), notify: none }), expect: ["coverage-gap:R0"], check: (fs) => expect(fs[0].windows).toBeUndefined() },
  { name: "notify none at night: a gap with nightly windows", routing: og({ notify: none, timezone: "Europe/Berlin", timeRestriction: tod(22, 6) }), expect: ["coverage-gap:R0"], check: (fs) => expect(fs[0].windows?.[0]).toEqual({ from: "monday 22:00", to: "tuesday 06:00", timezone: "Europe/Berlin" }) },
  { name: "notify none that is shadowed is no gap (it is shadowed)", routing: og({ criteria: all(tagDb) }, { criteria: all(tagDb), notify: none }), expect: ["shadowed:R1"] },
  { name: "notify none after a catch-all is no gap", routing: og({}, { notify: none }), expect: ["after-catch-all:R1"] },
  {
    // Berlin's saturday 00:00 - monday 00:00 is friday 18:00 - sunday 18:00 in New York, but 19:00 - 19:00 in the
    // three weeks between the US (8 March) and EU (29 March) changes, and shifted on the edges of each change.
    name: "DST: a Berlin weekend rule before a New York weekend notify-none rule: when it is shadowed moves with each DST change",
    routing: og({ criteria: all(tagDb), timezone: "Europe/Berlin", timeRestriction: week(["saturday", 0, "monday", 0]) }, { criteria: all(tagDb), notify: none, timezone: "America/New_York", timeRestriction: week(["friday", 18, "monday", 9]) }),
    expect: ["unreachable-time:R1", "coverage-gap:R1"],
    check: (fs) => {
      const NY = "America/New_York";
      const shadow = fs.find((f) => f.kind === "unreachable-time")?.windows ?? [];
      expect(shadow[0]).toEqual({ from: "friday 18:00", to: "sunday 18:00", timezone: NY });
      expect(shadow).toContainEqual({ from: "2026-03-06 friday 18:00", to: "2026-03-08 sunday 19:00", timezone: NY });
      expect(shadow).toContainEqual({ from: "2026-03-13 friday 19:00", to: "2026-03-15 sunday 19:00", timezone: NY });
      expect(shadow).toContainEqual({ from: "2026-03-27 friday 19:00", to: "2026-03-29 sunday 18:00", timezone: NY });
      expect(shadow).toContainEqual({ from: "2026-10-23 friday 18:00", to: "2026-10-25 sunday 19:00", timezone: NY });
      const gap = fs.find((f) => f.kind === "coverage-gap")?.windows ?? [];
      expect(gap[0]).toEqual({ from: "sunday 18:00", to: "monday 09:00", timezone: NY });
      expect(gap).toContainEqual({ from: "2026-03-13 friday 18:00", to: "2026-03-13 friday 19:00", timezone: NY });
    },
  },
  {
    name: "DST: a nightly notify-none window in UTC against a Berlin rule shifts by an hour in summer",
    routing: og({ criteria: all(tagDb), timezone: "Europe/Berlin", timeRestriction: tod(0, 6) }, { criteria: all(tagDb), notify: none, timezone: "UTC", timeRestriction: tod(22, 6) }),
    expect: ["unreachable-time:R1", "coverage-gap:R1"],
    check: (fs) => {
      const gap = fs.find((f) => f.kind === "coverage-gap")?.windows ?? [];
      // Berlin 00:00-06:00 is 22:00-04:00 UTC in summer (most weeks: given by weekday) and 23:00-05:00 in
      // winter (given by date): the gap is 04:00-06:00 UTC in summer, 22:00-23:00 and 05:00-06:00 in winter.
      expect(gap.filter((w) => !/^\d/.test(w.from)).map((w) => `${w.from}-${w.to}`)).toContain("monday 04:00-monday 06:00");
      expect(gap).toContainEqual({ from: "2026-03-02 monday 22:00", to: "2026-03-02 monday 23:00", timezone: "UTC" });
      expect(gap).toContainEqual({ from: "2026-11-02 monday 05:00", to: "2026-11-02 monday 06:00", timezone: "UTC" });
      expect(gap.some((w) => /^2026-0[4-9]/.test(w.from))).toBe(false);
      expect(gap.every((w) => w.timezone === "UTC")).toBe(true);
    },
  },
];

const rootlyCases: LintCase[] = [
  { name: "is_one_of subset after a superset is shadowed", routing: rt(rr("a", [rc("service", "is_one_of", ["api", "db"])]), rr("b", [rc("service", "is_one_of", ["db"])]), fallback()), expect: ["shadowed:b"] },
  { name: "is_one_of superset after a subset is not", routing: rt(rr("a", [rc("service", "is_one_of", ["db"])]), rr("b", [rc("service", "is_one_of", ["api", "db"])]), fallback()), expect: [] },
  { name: "starts_with a longer prefix is shadowed", routing: rt(rr("a", [rc("host", "starts_with", "db")]), rr("b", [rc("host", "starts_with", "db-1")]), fallback()), expect: ["shadowed:b"] },
  { name: "ends_with a longer suffix is shadowed", routing: rt(rr("a", [rc("host", "ends_with", ".eu")]), rr("b", [rc("host", "ends_with", "prod.eu")]), fallback()), expect: ["shadowed:b"] },
  { name: "contains a superstring is shadowed", routing: rt(rr("a", [rc("summary", "contains", "disk")]), rr("b", [rc("summary", "contains", "disk full")]), fallback()), expect: ["shadowed:b"] },
  { name: "two groups (or) each narrower than an earlier rule", routing: rt(rr("a", [rc("service", "is_one_of", ["db"])]), rr("b", [rc("service", "is_one_of", ["api"])]), rr("c", [rc("service", "is_one_of", ["db"])], [rc("service", "is_one_of", ["api"])]), fallback()), expect: ["shadowed:c"] },
  { name: "does_not_contain \"\" holds only where the field is absent, as is_empty does: shadowed", routing: rt(rr("a", [rc("team", "is_empty")]), rr("b", [rc("team", "does_not_contain", "")]), fallback()), expect: ["shadowed:b"] },
  { name: "is_not_one_of then is_one_of the same value: both reachable, and together they leave the fallback nothing", routing: rt(rr("a", [rc("env", "is_not_one_of", ["prod"])]), rr("b", [rc("env", "is_one_of", ["prod"])]), fallback()), expect: ["shadowed:fallback"] },
  { name: "is_not_one_of then is_one_of another value: shadowed", routing: rt(rr("a", [rc("env", "is_not_one_of", ["prod"])]), rr("b", [rc("env", "is_one_of", ["dev"])]), fallback()), expect: ["shadowed:b"] },
  { name: "starts_with \"\" takes no alert without the field: nothing shadowed", routing: rt(rr("all", [rc("a", "starts_with", "")]), rr("b", [rc("env", "is_one_of", ["dev"])]), fallback()), expect: [] },
  { name: "starts_with \"\" or is_empty takes everything: later rules and the fallback are shadowed", routing: rt(rr("all", [rc("a", "starts_with", "")], [rc("a", "is_empty")]), rr("b", [rc("env", "is_one_of", ["dev"])]), fallback()), expect: ["shadowed:b", "shadowed:fallback"] },
  { name: "a regex that may take everything: may be shadowed", routing: rt(rr("a", [rc("host", "matches_regex", ".*")]), rr("b", [rc("host", "is_one_of", ["x"])]), fallback()), expect: ["may-be-shadowed:b"] },
  { name: "a rule without condition groups never matches", routing: rt(rr("a"), fallback()), expect: ["shadowed:a"] },
  { name: "a rule without destinations has no target", routing: rt({ ...rr("a", [rc("env", "is_one_of", ["prod"])]), destinations: [] }, fallback()), expect: ["no-target:a"] },
  { name: "a fallback without destinations has no target", routing: rt(rr("a", [rc("env", "is_one_of", ["prod"])]), fallback([])), expect: ["no-target:fallback"] },
  { name: "no fallback: an alert no rule matches is a coverage gap", routing: rt(rr("a", [rc("env", "is_one_of", ["prod"])])), expect: ["coverage-gap:"] },
  { name: "no fallback but a rule matching everything: no gap", routing: rt(rr("a", [rc("env", "is_empty")]), rr("b", [rc("env", "is_empty", undefined), rc("env", "is_empty")], [rc("env", "starts_with", "")])), expect: [] },
  { name: "position decides the order, not the list", routing: rt({ ...rr("b", [rc("service", "is_one_of", ["db"])]), position: 2 }, { ...rr("a", [rc("service", "is_one_of", ["api", "db"])]), position: 1 }, fallback()), expect: ["shadowed:b"] },
  { name: "different payload fields overlap: no finding", routing: rt(rr("a", [rc("service", "is_one_of", ["db"])]), rr("b", [rc("env", "is_one_of", ["prod"])]), fallback()), expect: [] },
  { name: "a disabled route is not analysed", routing: { rootly: [{ resource: "route", args: { name: "Off", enabled: false, alertsSourceIds: ["s"], rules: [rr("a")] } }] }, expect: [] },
  { name: "attribute and payload with the same name are different fields", routing: rt(rr("a", [rc("service", "is_one_of", ["db"], "attribute")]), rr("b", [rc("service", "is_one_of", ["db"])]), fallback()), expect: [] },
];

const flashdutyCases: LintCase[] = [
  { name: "IN subset after a superset is shadowed", routing: fd([fc(IN("severity", "Critical", "Warning")), fc(IN("severity", "Critical"))]), expect: ["shadowed:case 1"] },
  { name: "IN superset after a subset is not", routing: fd([fc(IN("severity", "Critical")), fc(IN("severity", "Critical", "Warning"))]), expect: [] },
  { name: "with fallthrough the earlier case does not stop evaluation", routing: fd([{ ...fc(IN("severity", "Critical", "Warning")), fallthrough: true }, fc(IN("severity", "Critical"))]), expect: [] },
  { name: "IN and NOTIN of the same value cannot both hold", routing: fd([fc(IN("title", "zz"), NOTIN("title", "zz"))]), expect: ["shadowed:case 0"] },
  { name: "NOTIN then IN of the same value: reachable", routing: fd([fc(NOTIN("severity", "Info")), fc(IN("severity", "Info"))]), expect: [] },
  { name: "NOTIN then IN of another value: shadowed", routing: fd([fc(NOTIN("severity", "Info")), fc(IN("severity", "Critical"))]), expect: ["shadowed:case 1"] },
  { name: "a prefix wildcard after a shorter one is shadowed", routing: fd([fc(IN("labels.host", "db*")), fc(IN("labels.host", "db-1*"))]), expect: ["shadowed:case 1"] },
  { name: "a suffix wildcard after a shorter one is shadowed", routing: fd([fc(IN("labels.host", "*.eu")), fc(IN("labels.host", "*prod.eu"))]), expect: ["shadowed:case 1"] },
  { name: "a contains wildcard and an exact value containing it", routing: fd([fc(IN("title", "*cpu*")), fc(IN("title", "high cpu"))]), expect: ["shadowed:case 1"] },
  { name: "a * wildcard takes no alert without the field: not a catch-all", routing: fd([fc(IN("title", "*")), fc(IN("severity", "Critical")), fc(IN("labels.a", "b"))]), expect: [] },
  { name: "NOTIN a value then IN it, without fallthrough: together they shadow every later case", routing: fd([fc(NOTIN("labels.a", "x")), fc(IN("labels.a", "x")), fc(IN("severity", "Critical"))]), expect: ["shadowed:case 2"], check: (fs) => expect(fs[0].rules).toEqual(["case 2", "case 0", "case 1"]) },
  { name: "a case with no conditions is a catch-all", routing: fd([fc(), fc(IN("severity", "Critical"))]), expect: ["after-catch-all:case 1"] },
  { name: "a catch-all with fallthrough is not", routing: fd([{ ...fc(), fallthrough: true }, fc(IN("severity", "Critical"))]), expect: [] },
  { name: "a regex case may take everything: may be shadowed", routing: fd([fc(IN("title", "/.*/")), fc(IN("title", "x"))]), expect: ["may-be-shadowed:case 1"] },
  { name: "a case without channels has no target", routing: fd([{ if: [IN("severity", "Critical")], channelIds: [] }]), expect: ["no-target:case 0"] },
  { name: "name_mapping without a label has no target", routing: fd([{ if: [IN("severity", "Critical")], routingMode: "name_mapping" }]), expect: ["no-target:case 0"] },
  { name: "no default channels: an unmatched alert is discarded (gap)", routing: fd([fc(IN("severity", "Critical"))], null), expect: ["coverage-gap:"] },
  { name: "no default channels but a catch-all case: no gap", routing: fd([fc(IN("severity", "Critical")), fc()], null), expect: [] },
  { name: "num ranges: gt 5 after gt 3 is shadowed", routing: fd([fc(IN("labels.load", "num:gt:3")), fc(IN("labels.load", "num:gt:5"))]), expect: ["shadowed:case 1"] },
  { name: "num ranges: gt 3 after gt 5 is reachable", routing: fd([fc(IN("labels.load", "num:gt:5")), fc(IN("labels.load", "num:gt:3"))]), expect: [] },
  { name: "two integrations are linted apart", routing: { flashduty: [{ resource: "a", args: { integrationId: 1, cases: [fc(IN("severity", "Critical"))], default: { channelIds: [1] } } }, { resource: "b", args: { integrationId: 2, cases: [fc(IN("severity", "Critical"))], default: { channelIds: [1] } } }] }, expect: [] },
];

const key = (f: Finding) => `${f.kind}:${f.rules[0] ?? ""}`;

describe.each([
  ["opsgenie", opsgenieCases],
  ["rootly", rootlyCases],
  ["flashduty", flashdutyCases],
] as const)("lintRouting %s", (_v, cases) => {
  it.each(cases.map((x) => [x.name, x] as const))("%s", (_n, x) => {
    const fs = lintRouting(routingFromArgs(x.routing), { at: AT });
    expect(fs.map(key).sort(), JSON.stringify(fs, null, 1)).toEqual([...x.expect].sort());
    for (const f of fs) {
      expect(f.why.length).toBeGreaterThan(0);
      expect(f.resources.length).toBeGreaterThan(0);
    }
    x.check?.(fs);
  });
});

it("has at least 60 cases", () => {
  expect(opsgenieCases.length + rootlyCases.length + flashdutyCases.length).toBeGreaterThanOrEqual(60);
});
