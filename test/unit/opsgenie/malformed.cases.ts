import { setAt, UUID_A, valid, type Case, type Json } from "../malformed-kit";

// Hand-written malformed inputs with their exact paths (run by test/unit/malformed.test.ts).
const T = "opsgenie:TeamRoutingRule";
const base = valid[T];
const at = (what: string, path: (string | number)[], value: Json | undefined, expected: string): Case => ({ type: T, what, inputs: setAt(base, path, value), path: expected });
/** The team by id instead of by name. */
const byId = (teamId: Json): Json => ({ ...(setAt(base, ["teamName"], undefined) as Record<string, Json>), teamId });
const condition = { field: "tags", operation: "contains", expectedValue: "db" };
const weekday = { startDay: "monday", startHour: 9, startMin: 0, endDay: "friday", endHour: 17, endMin: 30 };

export const cases: Case[] = [
  at("hour 24", ["timeRestriction", "restriction", "endHour"], 24, "timeRestriction.restriction.endHour"),
  at("minute 60", ["timeRestriction", "restriction", "startMin"], 60, "timeRestriction.restriction.startMin"),
  at("operation wrong for a list field", ["criteria", "conditions", 1, "operation"], "starts-with", "criteria.conditions[1].operation"),
  at("unknown field", ["criteria", "conditions", 0, "field"], "severity", "criteria.conditions[0].field"),
  at("match-all with conditions", ["criteria", "type"], "match-all", "criteria.conditions"),
  at("unknown timezone", ["timezone"], "Mars/Olympus_Mons", "timezone"),
  at("weekday restriction without days", ["timeRestriction"], { type: "weekday-and-time-of-day", restrictions: [] }, "timeRestriction.restrictions"),
  at("notify escalation without a name or id", ["notify"], { type: "escalation" }, "notify"),
  at("negative order", ["order"], -1, "order"),
  at("both teamId and teamName", ["teamId"], UUID_A, "teamName"),
  at("no team", ["teamName"], undefined, "teamId"),
  // Ids and names that go into the request path.
  { type: T, what: "teamId '..' (would request /v2/routing-rules)", inputs: byId(".."), path: "teamId" },
  { type: T, what: "teamId '.'", inputs: byId("."), path: "teamId" },
  { type: T, what: "teamId with a slash", inputs: byId(`${UUID_A}/routing-rules`), path: "teamId" },
  { type: T, what: "teamId not a UUID", inputs: byId("team-1"), path: "teamId" },
  at("teamName '..'", ["teamName"], "..", "teamName"),
  at("teamName '.'", ["teamName"], ".", "teamName"),
  at("teamName with a slash", ["teamName"], "Platform/../Payments", "teamName"),
  at("teamName whitespace only", ["teamName"], " \t ", "teamName"),
  at("teamName over 255 characters", ["teamName"], "t".repeat(256), "teamName"),
  at("notify id not a UUID", ["notify"], { type: "schedule", id: "../schedules/1" }, "notify.id"),
  // adoptRuleId: the id of one of the team's rules.
  at("adoptRuleId with a slash", ["adoptRuleId"], "../routing-rules", "adoptRuleId"),
  at("adoptRuleId blank", ["adoptRuleId"], "", "adoptRuleId"),
  at("adoptRuleId not a string", ["adoptRuleId"], 7, "adoptRuleId"),
  // The account: a key of opsgenie:accounts (also part of env var names).
  at("account blank", ["account"], "", "account"),
  at("account with a dot", ["account"], "eu.prod", "account"),
  at("account not a string", ["account"], 3, "account"),
  // Names: the rule's natural key.
  at("blank name", ["name"], "", "name"),
  at("whitespace-only name", ["name"], "  \n\t ", "name"),
  at("name over 512 characters", ["name"], "n".repeat(513), "name"),
  at("notify name blank", ["notify"], { type: "escalation", name: "   " }, "notify.name"),
  // Limits.
  at("more than 100 conditions", ["criteria", "conditions"], Array.from({ length: 101 }, () => condition), "criteria.conditions"),
  at("more than 15 weekday restrictions", ["timeRestriction"], { type: "weekday-and-time-of-day", restrictions: Array.from({ length: 16 }, () => weekday) }, "timeRestriction.restrictions"),
  // The API rounds minutes to 0 or 30: anything else reads back changed.
  at("minute 15", ["timeRestriction", "restriction", "startMin"], 15, "timeRestriction.restriction.startMin"),
  at("weekday minute 45", ["timeRestriction"], { type: "weekday-and-time-of-day", restrictions: [{ ...weekday, endMin: 45 }] }, "timeRestriction.restrictions[0].endMin"),
  // NUL bytes and lone surrogates (the kit's check) in this resource's strings.
  at("NUL in the name", ["name"], "P1\u0000", "name"),
  at("lone surrogate in an expected value", ["criteria", "conditions", 0, "expectedValue"], "P\uD800", "criteria.conditions[0].expectedValue"),
];
