import { describe, expect, it } from "vitest";
import { expectAlert, routingFromArgs } from "../../../src/simulator";
import { simulate } from "./both-paths";
import type { TeamRoutingRuleArgs } from "../../../src/opsgenie/team-routing-rule.schema";
import type { OpsgenieAlert } from "../../../src/simulator/types";

// Hand-written cases from the Opsgenie docs. `doc` names the line (file:line
// "quote") each case comes from; D = opsgenie-team-routing-rule-api.md, F = opsgenie-facts.md,
// N = src/simulator/NOTES.md (an assumption where the docs are silent).
type Cond = NonNullable<NonNullable<TeamRoutingRuleArgs["criteria"]>["conditions"]>[number];
interface CondCase {
  doc: string;
  cond: Cond;
  alert: OpsgenieAlert;
  holds: boolean;
}

const D = "opsgenie-team-routing-rule-api.md";
const OPS = `${D}:442 "String Operations: contains, equals, starts-with, ends-with, matches, is-empty, equals-ignore-whitespace"`;
const LIST = `${D}:442 "List Operations: contains, is-empty"`;
const MAP = `${D}:442 "Map Operations: contains, contains-key, contains-value, is-empty"`;
const NUM = `${D}:442 "Number Operations: matches, equals, greater-than, less-than"`;
const NOT = `${D}:441 "not ... Indicates behaviour of the given operation"`;

const conditionCases: CondCase[] = [
  // String operations on message
  { doc: OPS, cond: { field: "message", operation: "contains", expectedValue: "disk" }, alert: { message: "disk full on db-1" }, holds: true },
  { doc: OPS, cond: { field: "message", operation: "contains", expectedValue: "cpu" }, alert: { message: "disk full on db-1" }, holds: false },
  { doc: `${OPS}; N case-insensitive`, cond: { field: "message", operation: "contains", expectedValue: "DISK" }, alert: { message: "disk full" }, holds: true },
  { doc: OPS, cond: { field: "message", operation: "equals", expectedValue: "disk full" }, alert: { message: "disk full" }, holds: true },
  { doc: OPS, cond: { field: "message", operation: "equals", expectedValue: "disk" }, alert: { message: "disk full" }, holds: false },
  { doc: OPS, cond: { field: "message", operation: "starts-with", expectedValue: "[TEST]" }, alert: { message: "[TEST] ping" }, holds: true },
  { doc: OPS, cond: { field: "message", operation: "starts-with", expectedValue: "[TEST]" }, alert: { message: "ping [TEST]" }, holds: false },
  { doc: OPS, cond: { field: "message", operation: "ends-with", expectedValue: "db-1" }, alert: { message: "disk full on db-1" }, holds: true },
  { doc: OPS, cond: { field: "message", operation: "ends-with", expectedValue: "db-2" }, alert: { message: "disk full on db-1" }, holds: false },
  { doc: `${OPS}; N full-string regex`, cond: { field: "message", operation: "matches", expectedValue: "disk .* db-\\d" }, alert: { message: "disk full on db-1" }, holds: true },
  { doc: `${OPS}; N full-string regex`, cond: { field: "message", operation: "matches", expectedValue: "db-\\d" }, alert: { message: "disk full on db-1" }, holds: false },
  { doc: OPS, cond: { field: "message", operation: "is-empty" }, alert: { message: "" }, holds: true },
  { doc: OPS, cond: { field: "message", operation: "is-empty" }, alert: {}, holds: true },
  { doc: OPS, cond: { field: "message", operation: "is-empty" }, alert: { message: "x" }, holds: false },
  { doc: OPS, cond: { field: "message", operation: "equals-ignore-whitespace", expectedValue: "diskfull" }, alert: { message: " disk  full\t" }, holds: true },
  { doc: OPS, cond: { field: "message", operation: "equals-ignore-whitespace", expectedValue: "disk ful" }, alert: { message: "disk full" }, holds: false },
  { doc: `${D}:443 "expectedValue ... Default value is empty string"`, cond: { field: "message", operation: "equals" }, alert: { message: "" }, holds: true },
  { doc: `${D}:443 "expectedValue ... Default value is empty string"`, cond: { field: "message", operation: "contains" }, alert: { message: "anything" }, holds: true },
  { doc: OPS, cond: { field: "message", operation: "contains", expectedValue: "x" }, alert: {}, holds: false },
  // Other string fields
  { doc: `${D}:439 "alias"`, cond: { field: "alias", operation: "equals", expectedValue: "db-1-disk" }, alert: { alias: "db-1-disk" }, holds: true },
  { doc: `${D}:439 "description"`, cond: { field: "description", operation: "contains", expectedValue: "runbook" }, alert: { description: "see runbook" }, holds: true },
  { doc: `${D}:439 "source"`, cond: { field: "source", operation: "starts-with", expectedValue: "rds" }, alert: { source: "rds-eu-1" }, holds: true },
  { doc: `${D}:439 "source"`, cond: { field: "source", operation: "starts-with", expectedValue: "rds" }, alert: { source: "ec2" }, holds: false },
  { doc: `${D}:439 "entity"`, cond: { field: "entity", operation: "ends-with", expectedValue: ".prod" }, alert: { entity: "api.prod" }, holds: true },
  // not
  { doc: NOT, cond: { field: "message", not: true, operation: "contains", expectedValue: "test" }, alert: { message: "real outage" }, holds: true },
  { doc: NOT, cond: { field: "message", not: true, operation: "contains", expectedValue: "test" }, alert: { message: "a test" }, holds: false },
  { doc: `${NOT}; N absent string fails contains, so not holds`, cond: { field: "alias", not: true, operation: "starts-with", expectedValue: "expected2" }, alert: {}, holds: true },
  { doc: NOT, cond: { field: "tags", not: true, operation: "is-empty" }, alert: { tags: ["a"] }, holds: true },
  { doc: `${D}:441 "not | false | ... Default value is false"`, cond: { field: "message", not: false, operation: "equals", expectedValue: "a" }, alert: { message: "a" }, holds: true },
  // List fields
  { doc: LIST, cond: { field: "tags", operation: "contains", expectedValue: "database" }, alert: { tags: ["prod", "database"] }, holds: true },
  { doc: LIST, cond: { field: "tags", operation: "contains", expectedValue: "data" }, alert: { tags: ["prod", "database"] }, holds: false },
  { doc: `${LIST}; N case-insensitive`, cond: { field: "tags", operation: "contains", expectedValue: "Database" }, alert: { tags: ["database"] }, holds: true },
  { doc: LIST, cond: { field: "tags", operation: "is-empty" }, alert: { tags: [] }, holds: true },
  { doc: LIST, cond: { field: "tags", operation: "is-empty" }, alert: {}, holds: true },
  { doc: LIST, cond: { field: "tags", operation: "is-empty" }, alert: { tags: ["x"] }, holds: false },
  { doc: `F:61 "tags, actions, recipients: contains, is-empty, matches"`, cond: { field: "tags", operation: "matches", expectedValue: "team-.*" }, alert: { tags: ["prod", "team-db"] }, holds: true },
  { doc: `F:61 "tags, actions, recipients: contains, is-empty, matches"`, cond: { field: "actions", operation: "contains", expectedValue: "restart" }, alert: { actions: ["restart", "ack"] }, holds: true },
  { doc: `F:61 "tags, actions, recipients: contains, is-empty, matches"`, cond: { field: "recipients", operation: "contains", expectedValue: "alice" }, alert: { recipients: ["bob"] }, holds: false },
  { doc: `${D}:439 "teams"`, cond: { field: "teams", operation: "contains", expectedValue: "Platform" }, alert: { teams: ["Platform"] }, holds: true },
  { doc: `F:29 "responders"`, cond: { field: "responders", operation: "contains", expectedValue: "dba" }, alert: { responders: ["sre"] }, holds: false },
  { doc: `${LIST}: equals is not a list operation`, cond: { field: "tags", operation: "equals", expectedValue: "prod" }, alert: { tags: ["prod"] }, holds: false },
  // Map fields and extra-properties with key
  { doc: MAP, cond: { field: "details", operation: "contains-key", expectedValue: "region" }, alert: { details: { region: "eu" } }, holds: true },
  { doc: MAP, cond: { field: "details", operation: "contains-key", expectedValue: "zone" }, alert: { details: { region: "eu" } }, holds: false },
  { doc: MAP, cond: { field: "details", operation: "contains-value", expectedValue: "eu" }, alert: { details: { region: "eu" } }, holds: true },
  { doc: MAP, cond: { field: "details", operation: "contains-value", expectedValue: "e" }, alert: { details: { region: "eu" } }, holds: false },
  { doc: `${MAP}; N key or value contains`, cond: { field: "details", operation: "contains", expectedValue: "egi" }, alert: { details: { region: "eu" } }, holds: true },
  { doc: MAP, cond: { field: "details", operation: "is-empty" }, alert: {}, holds: true },
  { doc: MAP, cond: { field: "extra-properties", operation: "is-empty" }, alert: { details: { a: "b" } }, holds: false },
  { doc: `${D}:440 "If field is set as extra-properties, key could be used for key-value pair"`, cond: { field: "extra-properties", key: "expectedKey", operation: "starts-with", expectedValue: "expected3" }, alert: { details: { expectedKey: "expected3-abc" } }, holds: true },
  { doc: `${D}:440 "key could be used for key-value pair"`, cond: { field: "extra-properties", key: "expectedKey", operation: "equals", expectedValue: "v" }, alert: { details: { otherKey: "v" } }, holds: false },
  { doc: `${D}:440; N extraProperties merges over details`, cond: { field: "extra-properties", key: "env", operation: "equals", expectedValue: "prod" }, alert: { details: { env: "dev" }, extraProperties: { env: "prod" } }, holds: true },
  { doc: `${D}:440 key; ${OPS} is-empty`, cond: { field: "extra-properties", key: "owner", operation: "is-empty" }, alert: { details: {} }, holds: true },
  // Priority (number)
  { doc: `${NUM}; F:62 "priority: equals, greater-than, less-than with values P1..P5"`, cond: { field: "priority", operation: "equals", expectedValue: "P1" }, alert: { priority: "P1" }, holds: true },
  { doc: NUM, cond: { field: "priority", operation: "equals", expectedValue: "P1" }, alert: { priority: "P2" }, holds: false },
  { doc: `${NUM}; N by number`, cond: { field: "priority", operation: "greater-than", expectedValue: "P3" }, alert: { priority: "P4" }, holds: true },
  { doc: `${NUM}; N by number`, cond: { field: "priority", operation: "greater-than", expectedValue: "P3" }, alert: { priority: "P3" }, holds: false },
  { doc: `${NUM}; N by number`, cond: { field: "priority", operation: "less-than", expectedValue: "P3" }, alert: { priority: "P1" }, holds: true },
  { doc: `${NUM}; N an alert without priority is P3`, cond: { field: "priority", operation: "equals", expectedValue: "P3" }, alert: {}, holds: true },
  { doc: NUM, cond: { field: "priority", operation: "matches", expectedValue: "P[12]" }, alert: { priority: "P2" }, holds: true },
  { doc: `${NUM}: contains is not a number operation`, cond: { field: "priority", operation: "contains", expectedValue: "P1" }, alert: { priority: "P1" }, holds: false },
];

const at = "2026-11-25T10:00:00Z";
const notify = { type: "escalation" as const, name: "Esc" };

describe("Opsgenie conditions (one rule ahead of the default rule)", () => {
  it.each(conditionCases.map((c, i) => [i, c.doc, c] as const))("#%i %s", (_i, _doc, c) => {
    const routing = routingFromArgs({ opsgenie: [{ teamName: "T", name: "r", order: 0, criteria: { type: "match-all-conditions", conditions: [c.cond] }, notify }] });
    const u = simulate(routing, { opsgenie: c.alert }, { at }).units[0];
    expect(u.outcome).toBe(c.holds ? "rule" : "default");
    expect(u.trace[0].checks[0].held).toBe(c.holds);
  });
});

// The docs' sample rule (D:52-104): match-any of message contains expected1, not alias starts-with expected2,
// not extra-properties[expectedKey] starts-with expected3.
const sample: TeamRoutingRuleArgs = {
  teamName: "TeamName",
  name: "RoutingRuleName",
  order: 0,
  timezone: "America/Los_Angeles",
  criteria: {
    type: "match-any-condition",
    conditions: [
      { field: "message", not: false, operation: "contains", expectedValue: "expected1" },
      { field: "alias", not: true, operation: "starts-with", expectedValue: "expected2" },
      { field: "extra-properties", key: "expectedKey", not: true, operation: "starts-with", expectedValue: "expected3" },
    ],
  },
  notify: { type: "schedule", id: "2alp0c95-8982-435c-b91d-bebe4f833b50" },
};

interface RuleCase {
  doc: string;
  rules: TeamRoutingRuleArgs[];
  alert: OpsgenieAlert;
  at?: string;
  accountTimezone?: string;
  expect: string;
}

const S = `${D}:52-79 sample request criteria`;
const rule = (name: string, extra: Partial<TeamRoutingRuleArgs>): TeamRoutingRuleArgs => ({ teamName: "T", name, notify, ...extra });
const tod = (sh: number, sm: number, eh: number, em: number, timezone = "UTC") =>
  rule("tod", { order: 0, timezone, timeRestriction: { type: "time-of-day", restriction: { startHour: sh, startMin: sm, endHour: eh, endMin: em } } });
const week = (timezone = "UTC") =>
  rule("week", {
    order: 0,
    timezone,
    timeRestriction: {
      type: "weekday-and-time-of-day",
      restrictions: [
        { startDay: "monday", startHour: 8, startMin: 0, endDay: "tuesday", endHour: 18, endMin: 30 },
        { startDay: "wednesday", startHour: 8, startMin: 0, endDay: "thursday", endHour: 18, endMin: 30 },
      ],
    },
  });
const weekend = rule("weekend", {
  order: 0,
  timezone: "UTC",
  timeRestriction: { type: "weekday-and-time-of-day", restrictions: [{ startDay: "friday", startHour: 18, startMin: 0, endDay: "monday", endHour: 8, endMin: 0 }] },
});
const TOD = `${D}:498-505 time-of-day 08:20-19:40`;
const WK = `${D}:81-99 weekday-and-time-of-day monday 08:00 - tuesday 18:30, wednesday 08:00 - thursday 18:30`;
const TZ = `${D}:24 "Timezone of team routing rule. If timezone field is not given, account timezone is used"`;

// 2026-11-23 is a monday.
const ruleCases: RuleCase[] = [
  { doc: S, rules: [sample], alert: { message: "has expected1", alias: "expected2-x", details: { expectedKey: "expected3" } }, expect: "RoutingRuleName" },
  { doc: S, rules: [sample], alert: { message: "nothing", alias: "expected2-x", details: { expectedKey: "expected3-y" } }, expect: "default" },
  { doc: `${S}: not starts-with on an absent alias holds`, rules: [sample], alert: { message: "nothing", details: { expectedKey: "expected3-y" } }, expect: "RoutingRuleName" },
  { doc: `${D}:430 "match-all, match-any-condition or match-all-conditions"`, rules: [rule("all", { order: 0, criteria: { type: "match-all" } })], alert: {}, expect: "all" },
  { doc: `${D}:435 "If operation type is match-all, conditions field is not necessary"`, rules: [rule("none-given", { order: 0 })], alert: { message: "x" }, expect: "none-given" },
  {
    doc: `${D}:430 match-all-conditions`,
    rules: [rule("both", { order: 0, criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: "a" }, { field: "priority", operation: "equals", expectedValue: "P1" }] } })],
    alert: { tags: ["a"], priority: "P2" },
    expect: "default",
  },
  {
    doc: `${D}:430 match-any-condition`,
    rules: [rule("either", { order: 0, criteria: { type: "match-any-condition", conditions: [{ field: "tags", operation: "contains", expectedValue: "a" }, { field: "priority", operation: "equals", expectedValue: "P1" }] } })],
    alert: { tags: ["b"], priority: "P1" },
    expect: "either",
  },
  {
    doc: `${D}:23 "order value is actually the index"; F:42 "evaluation order"`,
    rules: [rule("second", { order: 1 }), rule("first", { order: 0, criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: "db" }] } })],
    alert: { tags: ["db"] },
    expect: "first",
  },
  {
    doc: `${D}:23 order; first match wins`,
    rules: [rule("second", { order: 1 }), rule("first", { order: 0, criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: "db" }] } })],
    alert: { tags: ["web"] },
    expect: "second",
  },
  { doc: `src/opsgenie/NOTES.md:21 "A rule without order is appended"`, rules: [rule("unordered", {}), rule("ordered", { order: 5 })], alert: {}, expect: "ordered" },
  { doc: `F:40 "Every team has a default routing rule ... that stays last"`, rules: [rule("p1", { order: 0, criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: "P1" }] } })], alert: { priority: "P5" }, expect: "default" },
  { doc: `${D}:38 "notify ... none"; N a none rule still takes the alert`, rules: [rule("drop", { order: 0, notify: { type: "none" } }), rule("later", { order: 1 })], alert: {}, expect: "drop" },
  // time-of-day boundaries (D:498-505 example: 08:20 to 19:40)
  { doc: `${TOD}; N start inclusive`, rules: [tod(8, 20, 19, 40)], alert: {}, at: "2026-11-25T08:20:00Z", expect: "tod" },
  { doc: TOD, rules: [tod(8, 20, 19, 40)], alert: {}, at: "2026-11-25T08:19:00Z", expect: "default" },
  { doc: TOD, rules: [tod(8, 20, 19, 40)], alert: {}, at: "2026-11-25T19:39:00Z", expect: "tod" },
  { doc: `${TOD}; N end exclusive`, rules: [tod(8, 20, 19, 40)], alert: {}, at: "2026-11-25T19:40:00Z", expect: "default" },
  { doc: `${TOD}; seconds do not matter`, rules: [tod(8, 20, 19, 40)], alert: {}, at: "2026-11-25T19:39:59Z", expect: "tod" },
  // across midnight
  { doc: `${D}:490-493 start/end hour; N end before start spans midnight`, rules: [tod(22, 0, 6, 0)], alert: {}, at: "2026-11-25T23:00:00Z", expect: "tod" },
  { doc: `${D}:490-493; N spans midnight`, rules: [tod(22, 0, 6, 0)], alert: {}, at: "2026-11-26T00:00:00Z", expect: "tod" },
  { doc: `${D}:490-493; N spans midnight`, rules: [tod(22, 0, 6, 0)], alert: {}, at: "2026-11-26T05:59:00Z", expect: "tod" },
  { doc: `${D}:490-493; N spans midnight, end exclusive`, rules: [tod(22, 0, 6, 0)], alert: {}, at: "2026-11-26T06:00:00Z", expect: "default" },
  { doc: `${D}:490-493; N spans midnight`, rules: [tod(22, 0, 6, 0)], alert: {}, at: "2026-11-25T21:59:00Z", expect: "default" },
  { doc: `${D}:490-493; N start = end is always`, rules: [tod(0, 0, 0, 0)], alert: {}, at: "2026-11-25T13:13:00Z", expect: "tod" },
  // time zones and DST (wall-clock windows)
  { doc: `${TZ}; ${D}:55 "America/Los_Angeles"`, rules: [tod(9, 0, 17, 0, "America/Los_Angeles")], alert: {}, at: "2026-11-25T17:30:00Z", expect: "tod" },
  { doc: `${TZ}: 16:30 UTC is 08:30 in Los Angeles (PST)`, rules: [tod(9, 0, 17, 0, "America/Los_Angeles")], alert: {}, at: "2026-11-25T16:30:00Z", expect: "default" },
  { doc: `${TZ}: summer, 16:30 UTC is 09:30 PDT`, rules: [tod(9, 0, 17, 0, "America/Los_Angeles")], alert: {}, at: "2026-07-01T16:30:00Z", expect: "tod" },
  { doc: `${TZ}; DST starts 2026-03-29 in Berlin: 07:30Z is 09:30 CEST`, rules: [tod(9, 0, 17, 0, "Europe/Berlin")], alert: {}, at: "2026-03-29T07:30:00Z", expect: "tod" },
  { doc: `${TZ}; the day before DST: 07:30Z is 08:30 CET`, rules: [tod(9, 0, 17, 0, "Europe/Berlin")], alert: {}, at: "2026-03-28T07:30:00Z", expect: "default" },
  { doc: `${TZ}; DST ends 2026-10-25 in Berlin: 16:30Z is 17:30 CET`, rules: [tod(9, 0, 17, 0, "Europe/Berlin")], alert: {}, at: "2026-10-25T16:30:00Z", expect: "default" },
  { doc: `${TZ}; the day before DST ends: 14:30Z is 16:30 CEST`, rules: [tod(9, 0, 17, 0, "Europe/Berlin")], alert: {}, at: "2026-10-24T14:30:00Z", expect: "tod" },
  { doc: `${TZ}; repeated hour 02:00-03:00 on 2026-10-25: 00:30Z is 02:30 CEST`, rules: [tod(2, 0, 3, 0, "Europe/Berlin")], alert: {}, at: "2026-10-25T00:30:00Z", expect: "tod" },
  { doc: `${TZ}; repeated hour again: 01:30Z is 02:30 CET`, rules: [tod(2, 0, 3, 0, "Europe/Berlin")], alert: {}, at: "2026-10-25T01:30:00Z", expect: "tod" },
  { doc: `${TZ}; skipped hour 02:00-03:00 on 2026-03-29: 01:00Z is already 03:00 CEST`, rules: [tod(2, 0, 3, 0, "Europe/Berlin")], alert: {}, at: "2026-03-29T01:00:00Z", expect: "default" },
  { doc: `${TZ}; N no timezone: account timezone, UTC by default`, rules: [rule("acct", { order: 0, timeRestriction: { type: "time-of-day", restriction: { startHour: 9, startMin: 0, endHour: 10, endMin: 0 } } })], alert: {}, at: "2026-11-25T09:30:00Z", expect: "acct" },
  { doc: `${TZ}; N accountTimezone option`, rules: [rule("acct", { order: 0, timeRestriction: { type: "time-of-day", restriction: { startHour: 9, startMin: 0, endHour: 10, endMin: 0 } } })], alert: {}, at: "2026-11-25T09:30:00Z", accountTimezone: "Asia/Tokyo", expect: "default" },
  // weekday-and-time-of-day (sample: monday 08:00 - tuesday 18:30, wednesday 08:00 - thursday 18:30)
  { doc: WK, rules: [week()], alert: {}, at: "2026-11-23T07:59:00Z", expect: "default" },
  { doc: WK, rules: [week()], alert: {}, at: "2026-11-23T08:00:00Z", expect: "week" },
  { doc: `${WK}: one span covers monday night`, rules: [week()], alert: {}, at: "2026-11-23T23:00:00Z", expect: "week" },
  { doc: WK, rules: [week()], alert: {}, at: "2026-11-24T18:29:00Z", expect: "week" },
  { doc: `${WK}; N end exclusive`, rules: [week()], alert: {}, at: "2026-11-24T18:30:00Z", expect: "default" },
  { doc: `${WK}: second restriction`, rules: [week()], alert: {}, at: "2026-11-25T08:00:00Z", expect: "week" },
  { doc: `${WK}: between the restrictions (tuesday night)`, rules: [week()], alert: {}, at: "2026-11-24T23:00:00Z", expect: "default" },
  { doc: `${WK}: friday is in neither`, rules: [week()], alert: {}, at: "2026-11-27T12:00:00Z", expect: "default" },
  { doc: `${WK}; in the rule's timezone (Los Angeles): monday 08:00 PST is 16:00Z`, rules: [week("America/Los_Angeles")], alert: {}, at: "2026-11-23T16:00:00Z", expect: "week" },
  { doc: `${WK}; Los Angeles: monday 15:59Z is 07:59 PST`, rules: [week("America/Los_Angeles")], alert: {}, at: "2026-11-23T15:59:00Z", expect: "default" },
  { doc: `${WK}; DST starts 2026-03-08 in New York: monday 08:00 EDT is 12:00Z`, rules: [week("America/New_York")], alert: {}, at: "2026-03-09T12:00:00Z", expect: "week" },
  { doc: `${WK}; the monday before DST: 12:00Z is 07:00 EST`, rules: [week("America/New_York")], alert: {}, at: "2026-03-02T12:00:00Z", expect: "default" },
  { doc: `${D}:518-523 startDay/endDay; N span across the week's end`, rules: [weekend], alert: {}, at: "2026-11-28T12:00:00Z", expect: "weekend" },
  { doc: `${D}:518-523; N span across the week's end`, rules: [weekend], alert: {}, at: "2026-11-29T23:59:00Z", expect: "weekend" },
  { doc: `${D}:518-523; N span across the week's end`, rules: [weekend], alert: {}, at: "2026-11-30T07:59:00Z", expect: "weekend" },
  { doc: `${D}:518-523; N end exclusive`, rules: [weekend], alert: {}, at: "2026-11-30T08:00:00Z", expect: "default" },
  { doc: `${D}:518-523`, rules: [weekend], alert: {}, at: "2026-11-27T17:59:00Z", expect: "default" },
  { doc: `${D}:518-523`, rules: [weekend], alert: {}, at: "2026-11-27T18:00:00Z", expect: "weekend" },
  {
    doc: `${D}:479 "limit team routing rule to certain day and time"; a skipped time window falls to the next rule`,
    rules: [tod(9, 0, 17, 0), rule("after-hours", { order: 1 })],
    alert: {},
    at: "2026-11-25T20:00:00Z",
    expect: "after-hours",
  },
];

describe("Opsgenie rules: order, criteria, time restrictions", () => {
  it.each(ruleCases.map((c, i) => [i, c.doc, c] as const))("#%i %s", (_i, _doc, c) => {
    const u = simulate(routingFromArgs({ opsgenie: c.rules }), { opsgenie: c.alert }, { at: c.at ?? at, accountTimezone: c.accountTimezone }).units[0];
    expect(u.outcome === "default" ? "default" : u.matched[0]).toBe(c.expect);
  });
});

describe("Opsgenie teams", () => {
  it("evaluates each team apart, and only the alert's teams when it names them (F:40 default rule per team)", () => {
    const routing = routingFromArgs({ opsgenie: [rule("a-rule", { teamName: "A", order: 0 }), rule("b-rule", { teamName: "B", order: 0, criteria: { type: "match-all-conditions", conditions: [{ field: "message", operation: "equals", expectedValue: "x" }] } })] });
    const both = simulate(routing, { opsgenie: { message: "y" } }, { at }).units;
    expect(both.map((u) => [u.unit, u.outcome])).toEqual([["A", "rule"], ["B", "default"]]);
    const onlyB = simulate(routing, { opsgenie: { message: "x", routeTo: ["b"] } }, { at }).units;
    expect(onlyB.map((u) => [u.unit, u.matched[0]])).toEqual([["B", "b-rule"]]);
  });

  it("keeps a team of a named account apart from the same team elsewhere (a migration declares both)", () => {
    const x = { type: "match-all-conditions" as const, conditions: [{ field: "message" as const, operation: "equals" as const, expectedValue: "x" }] };
    const routing = routingFromArgs({ opsgenie: [rule("og-rule", { teamName: "Ops", order: 0 }), rule("jsm-rule", { teamName: "Ops", order: 0, account: "jsm", criteria: x })] });
    const units = simulate(routing, { opsgenie: { message: "y", routeTo: ["ops"] } }, { at }).units;
    expect(units.map((u) => [u.unit, u.outcome, u.matched[0]])).toEqual([
      ["Ops", "rule", "og-rule"],
      ["Ops (account jsm)", "default", undefined],
    ]);
    // `account: "default"` is the account of a rule without one: the same team.
    const same = routingFromArgs({ opsgenie: [rule("a", { teamName: "Ops", order: 0, account: "default" }), rule("b", { teamName: "Ops", order: 1 })] });
    expect(simulate(same, { opsgenie: { message: "y" } }, { at }).units.map((u) => u.unit)).toEqual(["Ops"]);
    // An exact unit name picks the default account's team alone.
    expectAlert({ opsgenie: { message: "y" } }, routing).at(at).routesTo({ opsgenie: { unit: "Ops", rule: "og-rule" } });
    expectAlert({ opsgenie: { message: "x" } }, routing).at(at).routesTo({ opsgenie: { unit: "Ops (account jsm)", rule: "jsm-rule" } });
  });
});
